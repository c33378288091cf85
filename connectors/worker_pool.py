"""Run a function over many inputs in worker processes with a memory cap and a timeout.

A worker that dies (even by SIGABRT from native code) or overruns is replaced; its input
gets a WorkerLost result and the other inputs go on. Workers are fresh interpreters
(`python -m connectors.worker_pool`) that import only the function's module: neither the
parent's threads nor its `__main__` come along, so one starts in a few hundred ms.
"""

from __future__ import annotations

import importlib
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait


@dataclass(frozen=True)
class WorkerLost:
    reason: str  # "timeout", "crashed" or "memory"


@dataclass(frozen=True)
class Raised:
    error: BaseException


class _Worker:
    def __init__(self, function: Callable, memory_bytes: int, options: dict):
        from_parent, to_child = os.pipe()
        from_child, to_parent = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "connectors.worker_pool", function.__module__, function.__qualname__,
             str(memory_bytes), str(from_parent), str(to_parent)],
            pass_fds=(from_parent, to_parent), stdin=subprocess.DEVNULL,
            env={**os.environ, "RUST_BACKTRACE": "0"})  # a native crash is expected: one line, not pages
        os.close(from_parent)
        os.close(to_parent)
        self.outbox = Connection(to_child, readable=False)
        self.inbox = Connection(from_child, writable=False)
        self.options = options
        self.job = None
        self.started = 0.0

    def give(self, key, argument) -> None:
        self.job = key
        self.started = time.monotonic()
        self.outbox.send((key, argument, self.options))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.outbox.send(None)
            except OSError:  # already gone
                self.process.kill()
        self.process.wait(5)
        self.outbox.close()
        self.inbox.close()


def run_isolated(function: Callable, items: Iterable[tuple[object, object]], *, workers: int,
                 memory_bytes: int, timeout: float, options: dict | None = None) -> dict:
    """Apply `function` (a module-level callable) to each (key, argument), with `options` as
    keyword arguments of every call; key → result, where a result is the return value,
    Raised(error) or WorkerLost(reason)."""
    queue = list(items)[::-1]
    results: dict = {}
    options = options or {}
    pool = [_Worker(function, memory_bytes, options) for _ in range(min(workers, len(queue)))]
    try:
        for worker in pool:
            worker.give(*queue.pop())
        while any(w.job is not None for w in pool):
            busy = [w for w in pool if w.job is not None]
            deadline = min(w.started for w in busy) + timeout
            ready = wait([w.inbox for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for index, worker in enumerate(pool):
                if worker.job is None:
                    continue
                if worker.inbox in ready:
                    try:
                        key, result = worker.inbox.recv()
                        results[key] = result
                        lost = None
                    except (EOFError, OSError):
                        lost = "crashed"
                elif time.monotonic() - worker.started >= timeout:
                    lost = "timeout"
                else:
                    continue
                if lost:
                    results[worker.job] = WorkerLost(lost)
                    worker.stop(kill=True)
                    worker = pool[index] = _Worker(function, memory_bytes, options)
                worker.job = None
                if queue:
                    worker.give(*queue.pop())
    finally:
        for worker in pool:
            worker.stop(kill=worker.job is not None)
    return results


def _serve(module: str, qualname: str, memory_bytes: int, inbox: Connection, outbox: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    function = importlib.import_module(module)
    for part in qualname.split("."):
        function = getattr(function, part)
    while (job := inbox.recv()) is not None:
        key, argument, options = job
        try:
            result = function(argument, **options)
        except MemoryError:
            result = WorkerLost("memory")
        except Exception as error:  # returned to the parent, which decides what it means
            result = Raised(error)
        outbox.send((key, result))


if __name__ == "__main__":
    # Serve from the imported module, not __main__, so results unpickle as connectors.worker_pool types.
    from connectors.worker_pool import _serve as serve

    name, qualified, memory, read_fd, write_fd = sys.argv[1:]
    serve(name, qualified, int(memory), Connection(int(read_fd), writable=False),
           Connection(int(write_fd), readable=False))
