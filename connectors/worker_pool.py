"""Run a function over many inputs in worker processes with a memory cap and a timeout.

A worker that dies (even by SIGABRT from native code) or overruns is replaced; its input
gets a WorkerLost result and the other inputs go on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait


@dataclass(frozen=True)
class WorkerLost:
    reason: str  # "timeout" or "crashed"


@dataclass(frozen=True)
class Raised:
    error: BaseException


def _serve(conn: Connection, function: Callable, memory_bytes: int) -> None:
    os.environ["RUST_BACKTRACE"] = "0"  # a native crash is expected here: one line, not pages
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        job = conn.recv()
        if job is None:
            return
        key, argument = job
        try:
            result = function(argument)
        except MemoryError:
            result = WorkerLost("memory")
        except Exception as error:  # returned to the parent, which decides what it means
            result = Raised(error)
        conn.send((key, result))


class _Worker:
    def __init__(self, context, function, memory_bytes):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, function, memory_bytes), daemon=True
        )
        self.process.start()
        child.close()
        self.job = None
        self.started = 0.0

    def give(self, key, argument):
        self.job = key
        self.started = time.monotonic()
        self.conn.send((key, argument))

    def stop(self, kill=False):
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):  # the worker may already be gone
                self.conn.send(None)
        self.process.join(5)
        self.conn.close()


def run_isolated(
    function: Callable,
    items: Iterable[tuple[object, object]],
    *,
    workers: int,
    memory_bytes: int,
    timeout: float,
) -> dict:
    """Apply `function` (a module-level callable) to each (key, argument); key → result,
    where a result is the return value, Raised(error) or WorkerLost(reason)."""
    queue = list(items)[::-1]
    results: dict = {}
    if not queue:
        return results
    context = multiprocessing.get_context("spawn")
    pool = [_Worker(context, function, memory_bytes) for _ in range(min(workers, len(queue)))]
    try:
        for worker in pool:
            worker.give(*queue.pop())
        while any(w.job is not None for w in pool):
            busy = [w for w in pool if w.job is not None]
            deadline = min(w.started for w in busy) + timeout
            ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for index, worker in enumerate(pool):
                if worker.job is None:
                    continue
                lost = None
                if worker.conn in ready:
                    try:
                        key, result = worker.conn.recv()
                        results[key] = result
                    except (EOFError, OSError):
                        lost = "crashed"
                elif time.monotonic() - worker.started >= timeout:
                    lost = "timeout"
                else:
                    continue
                if lost:
                    results[worker.job] = WorkerLost(lost)
                    worker.stop(kill=True)
                    worker = pool[index] = _Worker(context, function, memory_bytes)
                worker.job = None
                if queue:
                    worker.give(*queue.pop())
    finally:
        for worker in pool:
            worker.stop(kill=worker.job is not None)
    return results
