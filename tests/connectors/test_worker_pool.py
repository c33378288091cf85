import os
import time

from connectors.worker_pool import Raised, WorkerLost, run_isolated


def behave(argument):
    if argument == "sleep":
        time.sleep(30)
    if argument == "abort":
        os.abort()
    if argument == "hog":
        return bytearray(600 << 20)
    if argument == "raise":
        raise KeyError("boom")
    return argument.upper()


def test_each_failure_is_contained_and_the_rest_go_on():
    items = [(n, a) for n, a in enumerate(["a", "sleep", "b", "abort", "hog", "raise", "c"])]
    results = run_isolated(behave, items, workers=2, memory_bytes=512 << 20, timeout=2)
    assert [results[i] for i in (0, 2, 6)] == ["A", "B", "C"]
    assert results[1] == WorkerLost("timeout")
    assert results[3] == WorkerLost("crashed")
    assert results[4] == WorkerLost("memory")
    assert isinstance(results[5], Raised) and isinstance(results[5].error, KeyError)


def test_nothing_to_do_starts_no_worker():
    assert run_isolated(behave, [], workers=2, memory_bytes=1 << 30, timeout=1) == {}
