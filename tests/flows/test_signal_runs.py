"""Data-quality signals in real runs (issue 25): a halved roster is accepted with a 提醒 in its
回执 and 标注 copy, is listed in the summary's 数据质量 sheet and on the run's page, stays open
until 已核实 (a decision in the 调整记录, revocable) or a correction that changes the value."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from prefect.exceptions import FailedRun
from typer.testing import CliRunner

from connectors.store import Store
from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.flows.conftest import at, set_mtime
from tests.flows.test_adjustments import write_units
from tests.flows.test_artifacts import artifacts

UNITS = [{"code": "SFJ", "name": "司法局", "kind": "部门", "enforcement": True},
         {"code": "ZRZY", "name": "自然资源局", "kind": "部门", "enforcement": True}]
HALVED = "本月在岗执法人员 6 人，过去 6 个月平均 12 人，明显减少，请核实执法人员表是否完整（应列出本单位全部人员）"
OPERATOR = {"reason": "该局 7 月有 6 人借调市局，已电话核实", "operator": "张三"}


def drop(env, period: str, staff: int = 12, name: str | None = None, ledgers_of: str | None = None) -> None:
    """SFJ's month: `staff` people on duty, two decisions, one complaint, dated in the month
    (those of `ledgers_of`, when given: copied from that month)."""
    year, month = int(period[:4]), int(period[5:])
    day = dt.date(year, int((ledgers_of or period)[5:]), 8)
    person = VALID_ROWS["执法人员"][0]
    rows = {
        "执法人员": [{**person, "姓名": f"员{n}", "执法证号": f"6403{n:04d}"} for n in range(staff)],
        "培训记录": [], "柔性执法案例": [], "心理健康活动": [], "任务进展": [],
        "执法决定": [{**VALID_ROWS["执法决定"][0], "决定文书号": f"红司罚〔{year}〕{day.month:02d}{n}号",
                      "决定日期": day, "公开日期": day + dt.timedelta(days=2), "罚没金额（元）": 500 + 100 * n}
                     for n in range(2)],
        "投诉举报": [{**VALID_ROWS["投诉举报"][0], "登记编号": f"TS-{ledgers_of or period}", "受理日期": day,
                      "规定办结日期": day + dt.timedelta(days=10), "办结日期": day + dt.timedelta(days=5)}],
    }
    arrived = dt.date(year + (month == 12), month % 12 + 1, 3)
    info = basic_info("SFJ", period, 填报日期=arrived)
    path = write_workbook(env.inbox / "SFJ" / (name or f"{period}.xlsx"), "SFJ", period, info=info, rows=rows)
    set_mtime(path, at(arrived.isoformat()))


@pytest.fixture
def history(env, tmp_path):
    write_units(env, tmp_path, UNITS)
    for month in range(1, 7):
        drop(env, f"2026-{month:02d}")
    report = env.intake(dt.date(2026, 7, 4))
    assert {f["status"] for f in report["files"]} == {"accepted"}
    assert not any("过去" in w["message"] for f in report["files"] for w in f["warnings"])  # ordinary months
    return env


def receipt_cells(env, period: str, kind: str = "回执") -> list[str]:
    path = next((env.out / "feedback" / "SFJ" / period).glob(f"*-{kind}.xlsx"))
    book = openpyxl.load_workbook(path)
    return [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]


def quality_sheet(env, period: str) -> str:
    """The text of the monthly summary's 数据质量 sheet ("" where it has none: no signal open)."""
    summary = openpyxl.load_workbook(env.out / "runs" / period / f"summary-{period}.xlsx")
    if "数据质量" not in summary.sheetnames:
        return ""
    return " ".join(str(c) for row in summary["数据质量"].iter_rows(values_only=True) for c in row if c)


def test_a_halved_roster_is_accepted_with_one_reminder_until_it_is_verified(history):
    from flows.adjustments import revoke
    from flows.quality import verify

    drop(history, "2026-07", staff=6)
    report = history.monthly("2026-07", dt.date(2026, 8, 10))
    [july] = [f for f in report["files"] if f["period"] == "2026-07"]
    assert july["status"] == "accepted"
    assert [w["message"] for w in july["warnings"] if "过去" in w["message"]] == [HALVED]
    assert HALVED in receipt_cells(history, "2026-07")
    assert HALVED in " ".join(receipt_cells(history, "2026-07", "标注"))  # the copy lists it too
    store = Store(history.db)
    [signal] = store.signals()
    assert (signal.unit_code, signal.period, signal.kind, signal.state) == ("SFJ", "2026-07", "total", "open")
    assert HALVED in quality_sheet(history, "2026-07")
    [page] = artifacts("data-quality")[:1]  # the run's page lists it too
    assert HALVED in page.data and "司法局（SFJ）" in page.data

    line = verify(number=signal.id, as_of=dt.date(2026, 8, 11), **OPERATOR)
    assert "第 1 号决定（已核实）" in line and "待核实 → 已核实" in line
    assert store.signals()[0].state == "verified"
    [decision] = store.adjustments()
    assert (decision.kind, decision.signal_id, decision.operator) == ("verification", signal.id, "张三")

    revoke(number=decision.id, as_of=dt.date(2026, 8, 12), **OPERATOR)
    assert store.signals()[0].state == "open"  # 已核实 revoked: open again

    drop(history, "2026-07", staff=12, name="2026-07-更正.xlsx")  # the unit corrects the roster
    set_mtime(history.inbox / "SFJ" / "2026-07-更正.xlsx", at("2026-08-13"))
    history.intake(dt.date(2026, 8, 14))
    assert [s.state for s in store.signals()] == ["corrected"]


def test_a_month_whose_ledgers_are_last_months_is_one_reminder(history):
    drop(history, "2026-07", ledgers_of="2026-06")
    report = history.intake(dt.date(2026, 8, 4))
    [july] = [f for f in report["files"] if f["period"] == "2026-07"]
    assert [w["message"] for w in july["warnings"] if "上月" in w["message"]] == [
        "本月“执法决定”“投诉举报”台账与上月（2026-06）报送的完全相同（共 3 行）：请核实是否忘记更新本月数据"]
    assert [s.kind for s in Store(history.db).signals()] == ["copied_month"]


def test_a_verification_is_refused_for_a_signal_that_does_not_exist_or_is_not_open(history):
    from flows.quality import verify

    with pytest.raises(FailedRun, match="没有第 9 号数据质量提醒"):
        verify(number=9, as_of=dt.date(2026, 8, 11), **OPERATOR)
    drop(history, "2026-07", staff=6)
    history.intake(dt.date(2026, 8, 4))
    verify(number=1, as_of=dt.date(2026, 8, 5), **OPERATOR)
    with pytest.raises(FailedRun, match="第 1 号数据质量提醒已核实，无需核实"):
        verify(number=1, as_of=dt.date(2026, 8, 5), **OPERATOR)


def test_the_command_line_records_a_verification(history):
    from cli import app

    drop(history, "2026-07", staff=6)
    history.intake(dt.date(2026, 8, 4))
    result = CliRunner().invoke(app, ["verify", "--number", "1", "--reason", OPERATOR["reason"],
                                      "--operator", "张三", "--as-of", "2026-08-05"])
    assert result.exit_code == 0, result.output
    assert Store(history.db).signals()[0].state == "verified"


def test_the_annual_workbook_lists_the_signals_still_open_and_the_verifications(history):
    """The writer of the report knows which figures rest on numbers nobody confirmed."""
    from flows.annual import annual
    from flows.quality import verify

    drop(history, "2026-07", staff=6)
    drop(history, "2026-08", staff=3)
    history.intake(dt.date(2026, 9, 4))
    first, second = Store(history.db).signals()
    verify(number=first.id, as_of=dt.date(2026, 9, 5), **OPERATOR)
    folder = Path(annual(year=2026, as_of=dt.date(2026, 9, 6), preview=True))
    book = openpyxl.load_workbook(next(folder.glob("*数据*.xlsx")))
    [quality] = [name for name in book.sheetnames if name.startswith("数据质量")]
    listed = [str(c) for row in book[quality].iter_rows(values_only=True) for c in row if c]
    assert any(second.message in c for c in listed) and not any(first.message in c for c in listed)
    [record] = [name for name in book.sheetnames if name.startswith("调整记录")]
    assert any("已核实" in str(c) for row in book[record].iter_rows(values_only=True) for c in row)


def test_a_signal_of_a_withdrawn_file_is_not_listed_nor_verified_until_the_withdrawal_is_revoked(history):
    """撤销受理: the file counts for nothing, so neither does its signal; revoked, both count again."""
    from flows.adjustments import revoke, withdraw
    from flows.quality import verify

    drop(history, "2026-07", staff=6)
    history.intake(dt.date(2026, 8, 4))
    [signal] = Store(history.db).signals()
    assert HALVED in artifacts("data-quality")[0].data
    withdraw(unit="SFJ", period="2026-07", as_of=dt.date(2026, 8, 5), **OPERATOR)
    history.monthly("2026-07", dt.date(2026, 8, 10))
    assert HALVED not in quality_sheet(history, "2026-07")
    assert HALVED not in artifacts("data-quality")[0].data
    with pytest.raises(FailedRun, match="不计入统计"):
        verify(number=signal.id, as_of=dt.date(2026, 8, 11), **OPERATOR)

    [withdrawal] = Store(history.db).adjustments()
    revoke(number=withdrawal.id, as_of=dt.date(2026, 8, 12), **OPERATOR)
    verify(number=signal.id, as_of=dt.date(2026, 8, 13), **OPERATOR)
    assert HALVED not in artifacts("data-quality")[0].data  # the verification's page: closed now
    assert Store(history.db).signals()[0].state == "verified"


def test_a_file_accepted_by_a_recheck_gets_its_signal_once(history):
    """复核 judges a file as when it arrived: accepted now, it gets the signals a newly received
    file gets, in its 复核回执 too; revoked, it counts for nothing; accepted again, no second one."""
    from connectors.archive import Archive
    from connectors.inbox import Inbox
    from flows import intake_steps
    from flows.adjustments import revoke
    from flows.recheck import recheck
    from xzzf.settings import load_settings
    from xzzf.units import load_registry

    drop(history, "2026-07", staff=6)  # arrives 3 August; a run dated 20 June whose clock said so
    settings, store, day = load_settings(), Store(history.db), at("2026-06-20", "18:00")
    scan = intake_steps.examine(Inbox(settings.inbox), settings, load_registry(settings.units), store, day, day)
    intake_steps.record(scan, store, Archive(settings.out / "archive"), day, False)
    assert [e.status for e in scan.entries if e.period == "2026-07"] == ["rejected"] and store.signals() == []

    line = recheck(period="2026-07", reason="误判为未来月份", operator="王五", as_of=dt.date(2026, 8, 5))
    assert "改变结论 1 个" in line
    [signal] = store.signals()
    assert (signal.period, signal.kind, signal.message) == ("2026-07", "total", HALVED)
    assert HALVED in " ".join(receipt_cells(history, "2026-07", "复核回执"))
    history.intake(dt.date(2026, 8, 5))
    assert HALVED in artifacts("data-quality")[0].data

    [decision] = store.adjustments()
    revoke(number=decision.id, as_of=dt.date(2026, 8, 6), **OPERATOR)
    history.monthly("2026-07", dt.date(2026, 8, 10))
    assert HALVED not in quality_sheet(history, "2026-07")

    recheck(period="2026-07", reason="误判为未来月份", operator="王五", as_of=dt.date(2026, 8, 11))
    assert [s.id for s in store.signals()] == [signal.id]
