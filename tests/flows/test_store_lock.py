"""Issue 10, item 4: one run at a time on a store, whoever starts it. A run that writes holds the
store for the whole run; a second one waits XZZF_LOCK_WAIT_S, then stops naming the first and
writing nothing. The kernel (SQLite's lock file) or the server (PostgreSQL's advisory lock)
lets go of it when the holder dies, even by kill -9. Two real processes, both stores."""

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from prefect.exceptions import FailedRun

from connectors.store import Store
from tests.builders import write_workbook
from tests.flows.conftest import at, by_path, set_mtime

ROOT = Path(__file__).parents[2]
XZZF = Path(sys.executable).with_name("xzzf")

# Process A: takes the store through the same code as a run, then holds it until its stdin closes.
HOLDER = """
import datetime as dt, sys
from connectors.store import Store
store = Store(sys.argv[1])
store.migrate()
with store.lock("intake", 0, dt.datetime.now(dt.UTC)):
    print("held", flush=True)
    sys.stdin.read()
"""

# Whether the store can be taken at once from another process: exit code 3 and the message if not.
PROBE = """
import datetime as dt, sys
from connectors.store import Store
from connectors.store_lock import StoreBusy
try:
    Store(sys.argv[1]).lock("probe", 0, dt.datetime.now(dt.UTC)).release()
except StoreBusy as error:
    sys.exit(f"{error}")
"""


@contextmanager
def holder(database: str):
    process = subprocess.Popen([sys.executable, "-c", HOLDER, database], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert process.stdout.readline() == "held\n"
        yield process
    finally:
        if process.poll() is None:
            process.stdin.close()  # A ends normally
        process.wait(timeout=30)


def probe(database: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, database], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def intake(tmp_path: Path, database: str, **options) -> dict:
    from flows.intake import intake as flow

    settings = {"XZZF_INBOX": str(tmp_path / "inbox"), "XZZF_OUT": str(tmp_path / "out"),
                "XZZF_DATABASE_URL": database}
    with mock.patch.dict(os.environ, settings):
        path = flow(as_of=at("2026-11-06"), **options)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def recorded(database: str) -> tuple:
    store = Store(database)
    try:
        return store.last_scan(), len(store.known())
    finally:
        store.engine.dispose()


def test_a_second_run_waits_then_stops_naming_the_first_and_runs_once_it_has_ended(
        database_url, tmp_path, monkeypatch):
    set_mtime(write_workbook(tmp_path / "inbox" / "SFJ" / "a.xlsx"), at("2026-11-03"))
    monkeypatch.setenv("XZZF_LOCK_WAIT_S", "1")
    with holder(database_url) as first:
        named = f"另一个运行正在使用数据库：intake（进程 {first.pid}，主机 {socket.gethostname()}，开始于 "
        # The command meets it in its checks: one line, exit code 3, before Prefect starts.
        done = subprocess.run([str(XZZF), "intake", "--inbox", str(tmp_path / "inbox"), "--out",
                               str(tmp_path / "out"), "--db", database_url, "--as-of", "2026-11-06"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 3, done.stderr
        assert done.stderr.startswith(f"错误：{named}") and done.stderr.count("\n") == 1, done.stderr
        assert "已等待 1 秒，本次运行没有做任何改动" in done.stderr
        # A flow run started from the UI meets it in prepare().
        began = time.monotonic()
        with pytest.raises(FailedRun, match=named):
            intake(tmp_path, database_url)
        assert time.monotonic() - began >= 1
        assert recorded(database_url) == (None, 0) and not (tmp_path / "out").exists()
        # A dry run writes nothing: it neither waits nor holds.
        assert by_path(intake(tmp_path, database_url, dry_run=True))["SFJ/a.xlsx"]["status"] == "accepted"
    report = intake(tmp_path, database_url)
    assert by_path(report)["SFJ/a.xlsx"]["status"] == "accepted"
    assert recorded(database_url) == (at("2026-11-06"), 1)


def test_a_holder_killed_by_kill_9_leaves_the_store_free(database_url):
    with holder(database_url) as first:
        assert "intake（进程" in probe(database_url).stderr
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        began = time.monotonic()
        Store(database_url).lock("intake", 10, dt.datetime.now(dt.UTC)).release()
        assert time.monotonic() - began < 5


def test_a_run_holds_the_store_until_it_ends_and_lets_go_when_it_fails(tmp_path, monkeypatch):
    from flows import intake_steps

    database = f"sqlite:///{tmp_path / 'xzzf.db'}"
    set_mtime(write_workbook(tmp_path / "inbox" / "SFJ" / "a.xlsx"), at("2026-11-03"))
    seen = []

    def fail(*args, **kwargs):
        seen.append(probe(database))  # from inside the run, well after prepare()
        raise OSError("磁盘已满")

    monkeypatch.setattr(intake_steps, "record", fail)
    with pytest.raises(OSError, match="磁盘已满"):
        intake(tmp_path, database)
    assert seen[0].returncode == 1 and "另一个运行正在使用数据库：intake（进程" in seen[0].stderr
    assert probe(database).returncode == 0
