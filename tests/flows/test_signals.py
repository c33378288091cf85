"""Data-quality signals on a hand-made history (issue 25): each fault gives exactly one
signal, in words; an ordinary month gives none. The frame checks run in Great Expectations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from expectations.runner import SuiteRunner
from flows.signal_steps import detect
from xzzf.signals import FILE, ROW, Pool, Thresholds
from xzzf.vocabulary import SignalKind

HISTORY = [f"2026-{m:02d}" for m in range(1, 7)]
JUDGED = "2026-07"
NAMES = {"A": "市场监管局", "B": "城管局"}


def month(unit: str, period: str, variant: int, staff: int = 20) -> dict[str, list[dict]]:
    """One unit's ordinary month: some decisions with small fines, a few complaints, its
    roster, some training; `variant` moves the counts a little from month to month."""
    year, mon = int(period[:4]), int(period[5:])
    day = dt.date(year, mon, 10)
    decisions = [{"decision_no": f"{unit}罚〔{year}〕{mon:02d}{n:02d}号",
                  "category": "行政处罚" if n % 3 else "行政检查", "decision_date": day,
                  "fine": Decimal(200 + 100 * ((n + variant) % 5)) if n % 3 else None,
                  "publication": "已公开", "state": "有效"}
                 for n in range(6 + variant % 3)]
    complaints = [{"complaint_no": f"{unit}-{period}-{n}", "received_on": day} for n in range(3 + variant % 2)]
    roster = [{"name": f"{unit}员{n}", "cert_no": f"{unit}{n:04d}", "is_enforcer": True, "duty_status": "在岗"}
              for n in range(staff)]
    trainings = [{"cert_no": f"{unit}{n:04d}", "hours": 4.0} for n in range(10 + variant % 4)]
    return {"decisions": decisions, "complaints": complaints, "roster": roster, "trainings": trainings}


def pool(judged: dict[str, dict], history: dict[str, dict] | None = None) -> Pool:
    """History: (unit, period) → tables, stored; judged: unit → tables for JUDGED, new (in the
    order given: the later one arrives later)."""
    history = history if history is not None else {
        (u, p): month(u, p, n, 20 if u == "A" else 10) for u in NAMES for n, p in enumerate(HISTORY)}
    files, tables = [], {}
    entries = [((-n - 1), u, p, dt.datetime(2026, int(p[5:]) + 1, 3, tzinfo=dt.UTC), False, t)
               for n, ((u, p), t) in enumerate(history.items())]
    entries += [(n, u, JUDGED, dt.datetime(2026, 8, 3, 8 + n, tzinfo=dt.UTC), True, t)
                for n, (u, t) in enumerate(judged.items())]
    for file, unit, period, arrival, new, sheets in entries:
        files.append({FILE: file, "unit_code": unit, "period": period, "arrival_at": arrival, "new": new})
        for name, records in sheets.items():
            tables.setdefault(name, []).extend({**r, FILE: file, ROW: 2 + i} for i, r in enumerate(records))
    return Pool(pd.DataFrame(files), {name: pd.DataFrame(rows) for name, rows in tables.items()})


@pytest.fixture(scope="module")
def runner():
    return SuiteRunner()


def signals(runner, judged, history=None, issued=None):
    return detect(pool(judged, history), runner, Thresholds(), NAMES, issued or {})


def test_an_ordinary_month_gives_no_signal(runner):
    assert signals(runner, {"A": month("A", JUDGED, 6), "B": month("B", JUDGED, 6, staff=10)}) == []


def test_an_amount_typed_with_three_extra_zeros_is_one_signal(runner):
    july = month("A", JUDGED, 6)
    july["decisions"][1]["fine"] = july["decisions"][1]["fine"] * 1000
    [signal] = signals(runner, {"A": july})
    assert signal.kind == SignalKind.AMOUNT
    assert (signal.sheet, signal.row, signal.column) == ("执法决定", 3, "罚没金额（元）")
    assert signal.message == ("罚没金额 40.00 万元，超过本单位此前最大金额（600.00 元）的 10 倍，"
                              "也高于全区此前 99.9% 的金额，请核实是否多填了位数")


def test_a_halved_roster_is_one_signal(runner):
    [signal] = signals(runner, {"A": month("A", JUDGED, 6, staff=10)})
    assert (signal.kind, signal.subject) == (SignalKind.TOTAL, "staff")
    assert signal.message == ("本月在岗执法人员 10 人，过去 6 个月平均 20 人，明显减少，"
                              "请核实执法人员表是否完整（应列出本单位全部人员）")


def test_a_month_of_fines_far_above_its_history_says_how_many_times(runner):
    july = month("A", JUDGED, 6)
    july["decisions"] += [{**july["decisions"][1], "decision_no": f"X{n}", "fine": Decimal(3000)} for n in range(40)]
    found = signals(runner, {"A": july})
    said = {s.subject: s.message for s in found if s.kind == SignalKind.TOTAL}
    assert said["fines"] == "本月罚没金额 12.14 万元，是过去 6 个月平均的 69 倍，请核实是否多填了位数"


def test_a_copied_month_is_one_signal(runner):
    history = {(u, p): month(u, p, n, 20 if u == "A" else 10) for u in NAMES for n, p in enumerate(HISTORY)}
    copied = {**month("A", JUDGED, 6), "decisions": history[("A", "2026-06")]["decisions"],
              "complaints": history[("A", "2026-06")]["complaints"]}
    [signal] = signals(runner, {"A": copied}, history)
    assert signal.kind == SignalKind.COPIED_MONTH
    assert signal.message == ("本月“执法决定”“投诉举报”台账与上月（2026-06）报送的完全相同（共 12 行）："
                              "请核实是否忘记更新本月数据")


def test_a_decision_number_reported_by_two_units_is_one_signal(runner):
    b = month("B", JUDGED, 6, staff=10)
    b["decisions"][0]["decision_no"] = "A罚〔2026〕0601号"
    [signal] = signals(runner, {"A": month("A", JUDGED, 6), "B": b})
    assert (signal.kind, signal.unit, signal.row) == (SignalKind.DUPLICATE_DECISION, "B", 2)
    assert signal.message == ("决定文书号“A罚〔2026〕0601号”也出现在市场监管局（A） 2026-06 的报送中："
                              "同一决定只应由作出决定的单位填报，请核实文书号是否填错")


def test_one_person_on_duty_in_two_units_is_one_signal(runner):
    b = month("B", JUDGED, 6, staff=10)
    b["roster"].append({"name": "A员3", "cert_no": "A0003", "is_enforcer": True, "duty_status": "在岗"})
    [signal] = signals(runner, {"A": month("A", JUDGED, 6), "B": b})
    assert (signal.kind, signal.unit, signal.row) == (SignalKind.PERSON_TWO_UNITS, "B", 12)
    assert signal.message == ("执法证号“A0003”（A员3）在市场监管局（A） 2026-07 的执法人员表中也是在岗："
                              "同一人同一月只能在一个单位在岗，请核实人员是否已调动")


def test_one_certificate_under_two_names_is_one_signal(runner):
    a = month("A", JUDGED, 6)
    a["roster"][5]["name"] = "王五"
    [signal] = signals(runner, {"A": a})
    assert (signal.kind, signal.row) == (SignalKind.PERSON_TWO_NAMES, 7)
    assert "本表登记为“王五”，在市场监管局（A） 2026-01 的报送中为“A员5”" in signal.message


def test_a_decision_of_an_issued_year_says_which_figures_it_changes(runner):
    a = month("A", JUDGED, 6)
    a["decisions"].append({**a["decisions"][1], "decision_no": "A罚〔2025〕1201号",
                           "decision_date": dt.date(2025, 12, 20)})
    [signal] = signals(runner, {"A": a}, issued={2025: dt.datetime(2026, 1, 10, tzinfo=dt.UTC)})
    assert signal.kind == SignalKind.ISSUED_YEAR and signal.row == 8
    assert signal.message == ("本文件有 1 条决定日期在 2025 年的决定是新增或有改动（第 8 行），而 2025 年度报告已于 "
                              "2026-01-10 出具：将改变该报告的“行政执法决定数”“分类决定数”“罚没金额合计（元）”，请核实")


def test_too_short_a_history_judges_no_total(runner):
    history = {("A", p): month("A", p, n) for n, p in enumerate(HISTORY[-3:])}
    assert signals(runner, {"A": month("A", JUDGED, 6, staff=5)}, history) == []
