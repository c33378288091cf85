"""One run at a time on a store: a flock beside a SQLite file, a session advisory lock on
PostgreSQL; either names the run that holds it, and dies with its process."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from connectors.files import naming
from xzzf.periods import BEIJING


def hold(engine: Engine, url: str, name: str, wait_s: float, started: dt.datetime) -> StoreLock:
    """The store of `engine` (at `url`) held for the run `name`, waiting up to `wait_s` for
    another run."""
    me = Holder(name, os.getpid(), socket.gethostname(), f"{started.astimezone(BEIJING):%Y-%m-%d %H:%M}")
    if engine.dialect.name == "postgresql":
        lock: StoreLock = _AdvisoryLock(url, me)
    else:
        lock = _FileLock(Path(f"{engine.url.database}.lock"), me)
    deadline = time.monotonic() + wait_s
    try:
        while not lock.try_acquire():
            if time.monotonic() >= deadline:
                raise StoreBusy(lock.holder(), wait_s)
            time.sleep(LOCK_POLL_S)
    except BaseException:
        lock.release()
        raise
    return lock


LOCK_KEY = 0x787A7A66  # "xzzf": the store's one advisory lock (advisory locks are per database)
LOCK_POLL_S = 0.2


@dataclass(frozen=True)
class Holder:
    """The run holding the store, as a run waiting for it names it."""

    name: str  # the flow or command
    pid: int
    host: str
    started: str  # Beijing time, to the minute

    def encode(self) -> str:
        # The host last: PostgreSQL keeps 63 bytes of an application_name.
        return f"xzzf|{self.name}|{self.pid}|{self.started}|{self.host}"

    @classmethod
    def decode(cls, text: str | None) -> Holder | None:
        parts = (text or "").split("|", 4)
        if len(parts) != 5 or parts[0] != "xzzf" or not parts[2].isdigit():
            return None  # caught between a holder taking the lock and writing its name
        return cls(parts[1], int(parts[2]), parts[4], parts[3])

    def __str__(self) -> str:
        return f"{self.name}（进程 {self.pid}，主机 {self.host}，开始于 {self.started}）"


class StoreBusy(Exception):
    """Another run held the store for longer than this run would wait; the message names it."""

    def __init__(self, holder: Holder | None, waited_s: float):
        super().__init__(f"另一个运行正在使用数据库：{holder or '（未能读到它是哪个运行）'}；"
                         f"已等待 {waited_s:g} 秒，本次运行没有做任何改动，请在它结束后再运行")


class StoreLock:
    """The store held by one run; leaving the `with` block lets go of it."""

    def try_acquire(self) -> bool:
        raise NotImplementedError

    def holder(self) -> Holder | None:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


class _FileLock(StoreLock):
    """SQLite: flock on a file beside the database. SQLite's own exclusive lock would shut out
    the run's own connections; a flock is the kernel's, dropped when the process dies."""

    def __init__(self, path: Path, me: Holder):
        self.path, self.me = path, me
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def try_acquire(self) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        with naming(self.path):  # the first write of a run: where a full disk is met first
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, self.me.encode().encode(), 0)
        return True

    def holder(self) -> Holder | None:
        return Holder.decode(self.path.read_text(encoding="utf-8", errors="replace"))

    def release(self) -> None:
        os.close(self.fd)  # and with it the flock


class _AdvisoryLock(StoreLock):
    """PostgreSQL: a session advisory lock on a connection of its own, held for the run. The
    session's application_name names the holder to a waiting run; the server ends the session,
    and so the lock, when the process dies."""

    def __init__(self, url: str, me: Holder):
        # NullPool: closing the connection ends the session, which is what lets go of the lock.
        self.engine = create_engine(url, poolclass=NullPool,
                                    connect_args={"application_name": me.encode()[:63]})
        # Autocommit: a session idle in a transaction for a whole run may be ended by the
        # server (idle_in_transaction_session_timeout), and the lock with it.
        self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def try_acquire(self) -> bool:
        return self.connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()

    def holder(self) -> Holder | None:
        # A bigint key is held as classid (high half) and objid (low half), objsubid 1.
        return Holder.decode(self.connection.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid::bigint = :key"
            " AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"key": LOCK_KEY}).scalar())

    def release(self) -> None:
        self.connection.close()
        self.engine.dispose()
