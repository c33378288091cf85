import datetime as dt
from dataclasses import replace

import pytest

from xzzf.catalog import load_catalog
from xzzf.summary import build_summary, figure_rows, overdue_rows
from xzzf.tables import Number
from xzzf.units import Registry, Unit
from xzzf.vocabulary import UnitStatus


def report(flexible_failing: bool):
    failing = ["flexible_cases", "publication_rate"] if flexible_failing else ["publication_rate"]
    return {"year": 2026, "district": {"indicators": {"publication_rate": 0.5, "flexible_cases": 2,
                                                      "submissions_on_time": 3}},
            "units": {"SFJ": {"name": "司法局", "failing": failing,
                              "indicators": {"tasks_overdue": [13, 32]}},
                      "ZRZY": {"name": "自然资源局", "failing": [], "indicators": {"tasks_overdue": []}}}}


def test_cumulative_targets_are_progress_until_their_deadline():
    before = {row[0]: row for row in figure_rows(report(True), dt.date(2026, 10, 6))}
    after = {row[0]: row for row in figure_rows(report(True), dt.date(2026, 11, 6))}
    assert before["柔性执法典型案例数"][3] == "（进度，截止后评判）"
    assert after["柔性执法典型案例数"][3] == "司法局"
    assert before["行政执法决定公开率"][1:] == [Number(0.5, "0.0%", "50.0%"), "≥ 100%", "司法局"]
    assert "按时报送月数" not in before


def test_overdue_tasks_list_only_units_with_some():
    header, (unit, tasks) = overdue_rows(report(False), load_catalog())
    assert header == ["单位", "逾期任务"] and unit == "司法局"
    assert tasks.startswith("第 13 项 ") and "、第 32 项 " in tasks  # never a bare number


def test_overdue_tasks_are_labelled_by_the_plan_of_the_reports_year_never_another_plans():
    """Each plan numbers and titles its tasks anew: task 13 of a later plan is not the seed's."""
    later = tuple(replace(task, title=f"新方案第{task.no}项") for task in load_catalog() if task.no != 32)
    [_, (_, tasks)] = overdue_rows({**report(False), "units": {"SFJ": report(False)["units"]["SFJ"] | {
        "indicators": {"tasks_overdue": [13]}}}}, later)
    assert tasks == "第 13 项 新方案第13项"
    with pytest.raises(KeyError):  # a number the plan does not have: no label borrowed from the seed
        overdue_rows(report(False), later)


def summary_of(statuses: dict[str, UnitStatus]):
    registry = Registry(tuple(Unit(code, f"{code}局", "部门", True) for code in statuses))
    return build_summary("2026-10", dt.date(2026, 11, 6), registry, statuses, {}, [["截止日期", "事项", "责任单位"]],
                         report(False), load_catalog(), {})


def test_an_exempt_unit_owes_nothing_and_is_named_apart():
    """Issue 20: a 免报 unit is not one of the units that owe the month (their count and the
    statuses add up without it); the mail says it apart, in its text and its HTML alike."""
    statuses = {"SFJ": UnitStatus.ON_TIME, "ZRZY": UnitStatus.ON_TIME, "LQX": UnitStatus.REJECTED,
                "MZJ": UnitStatus.EXEMPT}
    built = summary_of(statuses)
    line = "应报送单位 3 个：按时 2 个，退回 1 个；另有免报 1 个。"
    assert built.text.splitlines()[1] == line
    assert f"<p>{line}</p>" in built.html
    assert [row[2] for row in built.sheets[0].rows[1:]] == ["按时", "按时", "退回", "免报"]  # still listed


def test_without_exempt_units_the_line_names_none():
    built = summary_of({"SFJ": UnitStatus.ON_TIME, "ZRZY": UnitStatus.MISSING})
    assert built.text.splitlines()[1] == "应报送单位 2 个：按时 1 个，未报送 1 个。"


def test_when_every_unit_is_exempt_none_owes_the_month():
    assert summary_of({"MZJ": UnitStatus.EXEMPT}).text.splitlines()[1] == "应报送单位 0 个；另有免报 1 个。"
