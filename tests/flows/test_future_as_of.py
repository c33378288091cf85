"""Issue 10, item 1: a run dated in the future must not poison arrival times. A recording run
may not be dated after today; a future scan already in the store counts for nothing; and
`xzzf repair-scans` mends a store that has one."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.exceptions import FailedRun

from connectors.store import NewSubmission, Store
from tests.builders import write_workbook
from tests.flows.conftest import BEIJING, at, by_path, set_mtime

XZZF = Path(sys.executable).with_name("xzzf")
FUTURE = dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=BEIJING)  # what `--as-of 2099-12-31` records


def today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def xzzf(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(XZZF), *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [["intake"], ["monthly", "--period", "2026-10"]])
def test_the_command_refuses_a_recording_run_dated_after_today_before_writing_anything(tmp_path, env, command):
    tomorrow = f"{today() + dt.timedelta(days=1)}"
    done = xzzf(tmp_path, *command, "--as-of", tomorrow, "--inbox", str(env.inbox), "--out", str(env.out))
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"错误：--as-of {tomorrow} 晚于今天（{today()}）：记录数据的运行不能使用未来的日期"
                           "（试运行 --dry-run 可以）\n")
    assert not env.out.exists()  # no store, no report, no archive


def test_the_flow_refuses_it_too_for_a_run_started_from_the_ui(env):
    with pytest.raises(FailedRun, match=r"^as_of 2099-12-31 晚于今天（.*）：记录数据的运行不能使用未来的日期"
                                            r"（试运行 dry_run 可以）$"):
        env.intake(dt.date(2099, 12, 31))
    assert not env.out.exists()


def test_today_may_be_recorded_and_a_dry_run_may_look_ahead(env):
    write_workbook(env.inbox / "SFJ" / "a.xlsx")
    ahead = env.intake(dt.date(2099, 12, 31), dry_run=True)
    assert by_path(ahead)["SFJ/a.xlsx"]["status"] == "accepted"
    assert Store(env.db).last_scan() is None  # the dry run recorded nothing
    env.intake(today())
    assert Store(env.db).last_scan() == dt.datetime.combine(today(), dt.time.max, tzinfo=BEIJING)


def poison(store: Store) -> None:
    """What one run with `--as-of 2099-12-31` left before this issue: a scan dated then."""
    store.migrate()
    store.record_scan(FUTURE, [])


def test_a_future_scan_in_the_store_does_not_delay_the_files_seen_after_it(env):
    poison(Store(env.db))
    write_workbook(env.inbox / "SFJ" / "a.xlsx")
    set_mtime(env.inbox / "SFJ" / "a.xlsx", at("2026-11-03"))
    report = env.intake(at("2026-11-06"))
    (stored,) = Store(env.db).known().values()
    assert stored.arrival_at == at("2026-11-03")  # its mtime, not 2099-12-31
    assert report["units"]["SFJ"] == "on_time"


def raised(sha: str, unit: str, mtime: dt.datetime) -> NewSubmission:
    """A file recorded after the future scan, its arrival raised to it (before this issue)."""
    return NewSubmission(
        folder=unit, sha256=sha, path=f"{unit}/{sha}.xlsx", size=1, mtime=mtime, arrival_at=FUTURE,
        unit_code=unit, period="2026-10", fill_date=dt.date(2026, 11, 3), accepted=True,
        info={"单位编码": unit}, errors=[], warnings=[], rows={})


def test_repair_scans_gives_a_delayed_file_its_arrival_and_its_unit_its_status_back(env, tmp_path):
    store = Store(env.db)
    store.migrate()
    store.record_scan(at("2026-11-02"), [])
    poison(store)
    store.record_scan(at("2026-11-06"), [raised("a", "SFJ", at("2026-11-03")),
                                         raised("b", "ZRZY", at("2026-11-01"))])  # copied in with an old mtime
    assert env.intake(at("2026-11-06", "12:00"), dry_run=True)["units"]["SFJ"] != "on_time"

    done = xzzf(tmp_path, "repair-scans", "--db", env.db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "已修正 1 条晚于今天的扫描记录：",
        "  扫描时间 2099-12-31 23:59 → 2026-11-02 10:00",
        "已重算 2 个文件的收到时间，并重新确定了各单位各期间的有效文件：",
        "  SFJ/a.xlsx：2099-12-31 23:59 → 2026-11-03 10:00",
        "  ZRZY/b.xlsx：2099-12-31 23:59 → 2026-11-02 10:00",  # never before the scan that missed it
        "已发出的回执上仍是原来的收到时间；报送状态以数据库为准，下次运行的报告即为修正后的状态",
    ]
    assert {sha: s.arrival_at for (_, sha), s in store.known().items()} == {"a": at("2026-11-03"),
                                                                            "b": at("2026-11-02")}
    report = env.intake(at("2026-11-06", "12:00"))
    assert (report["units"]["SFJ"], report["units"]["ZRZY"]) == ("on_time", "on_time")
    again = xzzf(tmp_path, "repair-scans", "--db", env.db)
    assert again.stdout == f"没有晚于今天（{today()}）的扫描记录，无需修复\n"
