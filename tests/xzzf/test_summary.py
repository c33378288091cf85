import datetime as dt
import re
from dataclasses import replace

import openpyxl

from connectors.xlsx_writer import write_tables
from xzzf.catalog import load_catalog, task_label
from xzzf.summary import build_summary, figure_rows, lateness, task_rows
from xzzf.tables import Number
from xzzf.units import Registry, Unit
from xzzf.vocabulary import UnitStatus


def report(flexible_failing: bool):
    failing = ["flexible_cases", "publication_rate"] if flexible_failing else ["publication_rate"]
    return {"year": 2026, "district": {"indicators": {"publication_rate": 0.5, "flexible_cases": 2,
                                                      "submissions_on_time": 3}},
            "units": {"SFJ": {"name": "司法局", "failing": failing, "tasks": {13: "overdue", 32: "overdue"},
                              "indicators": {"tasks_overdue": [13, 32]}},
                      "ZRZY": {"name": "自然资源局", "failing": [], "tasks": {32: "done"},
                               "indicators": {"tasks_overdue": []}}}}


def test_cumulative_targets_are_progress_until_their_deadline():
    before = {row[0]: row for row in figure_rows(report(True), dt.date(2026, 10, 6))}
    after = {row[0]: row for row in figure_rows(report(True), dt.date(2026, 11, 6))}
    assert before["柔性执法典型案例数"][3] == "（进度，截止后评判）"
    assert after["柔性执法典型案例数"][3] == "司法局"
    assert before["行政执法决定公开率"][1:] == [Number(0.5, "0.0%", "50.0%"), "≥ 100%", "司法局"]
    assert "按时报送月数" not in before


def test_tasks_are_listed_once_each_with_the_deadline_meant_and_who_is_behind():
    """Issue 21: 任务完成情况 names the day of a yearly task's deadline in the report's year and
    the next one, and counts rather than lists the owners when all of many are behind."""
    tasks = load_catalog()
    units = {f"U{n}": {"name": f"单位{n}", "failing": ["tasks_overdue"], "tasks": {32: "overdue", 13: "done"},
                       "indicators": {"tasks_overdue": [32]}} for n in range(23)}
    units["SFJ"] = {"name": "司法局", "failing": ["tasks_overdue"], "tasks": {32: "overdue", 13: "overdue"},
                    "indicators": {"tasks_overdue": [13, 32]}}
    header, *rows = task_rows({"year": 2025, "units": units}, tasks)
    assert header == ["任务", "完成时限", "情况"]
    assert rows == [[task_label(13, tasks), "完成时限 2024年5月31日，已逾期", "司法局未报已完成"],
                    [task_label(32, tasks), "完成时限 2025年1月31日 未完成；下一次 2026年1月31日",
                     "24 个责任单位均未报已完成"]]
    next_year = task_rows({"year": 2026, "units": units}, tasks)[2][1]
    assert next_year == "完成时限 2026年1月31日 未完成；下一次 2027年1月31日"


def test_overdue_tasks_are_labelled_by_the_plan_of_the_reports_year_never_another_plans():
    """Each plan numbers and titles its tasks anew: task 13 of a later plan is not the seed's."""
    later = tuple(replace(task, title=f"新方案第{task.no}项") for task in load_catalog())
    units = {"SFJ": {"name": "司法局", "failing": ["tasks_overdue"], "tasks": {13: "overdue"},
                     "indicators": {"tasks_overdue": [13]}}}
    [_, (label, _, _)] = task_rows({"year": 2025, "units": units}, later)
    assert label == "第 13 项 新方案第13项"


def summary_of(statuses: dict[str, UnitStatus]):
    registry = Registry(tuple(Unit(code, f"{code}局", "部门", True) for code in statuses))
    return build_summary("2026-10", dt.date(2026, 11, 6), registry, statuses, {}, [["截止日期", "事项", "责任单位"]],
                         report(False), {}, load_catalog())


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


def complaint_units(count: int, passing: int) -> dict:
    """`count` units with complaint rates 40 %, 41 %, …; the last `passing` at 95 % (target 90 %)."""
    units = {}
    for n in range(count):
        rate = 0.95 if n >= count - passing else 0.40 + n / 100
        units[f"U{n}"] = {"name": f"单位{n}", "failing": ["complaint_ontime_rate"] if rate < 0.9 else [],
                          "indicators": {"complaint_ontime_rate": rate}}
    return {"year": 2026, "units": units, "district": {"indicators": {"complaint_ontime_rate": 0.5}}}


def failing_cell(count: int, passing: int) -> str:
    rows = figure_rows(complaint_units(count, passing), dt.date(2026, 11, 6))
    return next(row[3] for row in rows if row[0] == "投诉举报按时办结率")


def test_units_short_of_a_target_are_counted_with_the_worst_five_never_listed_by_the_score():
    """Issue 22: 24 of 25 short is "除单位24外的24个单位" and the furthest four; 20 of 25 the count
    and the furthest five; five or fewer by name."""
    assert failing_cell(25, 1) == "除单位24外的24个单位；差距最大：单位0、单位1、单位2、单位3"
    assert failing_cell(25, 5) == "25个单位中的20个；差距最大：单位0、单位1、单位2、单位3、单位4"
    assert failing_cell(25, 0) == "全部25个单位；差距最大：单位0、单位1、单位2、单位3、单位4"
    assert failing_cell(8, 3) == "单位0、单位1、单位2、单位3、单位4"


def test_a_late_or_missing_unit_stands_out_and_says_why():
    """Issue 22: among on-time rows the 逾期 and 未报送 rows are marked (the workbook's fill, bold
    in the mail) and their 说明 say when the month was due and when it came."""
    statuses = {"SFJ": UnitStatus.ON_TIME, "ZRZY": UnitStatus.LATE, "LQX": UnitStatus.MISSING,
                "MZJ": UnitStatus.ON_TIME}
    due = dt.date(2026, 11, 5)
    reasons = {"ZRZY": lateness(UnitStatus.LATE, due, dt.datetime(2026, 11, 8, 9), dt.date(2026, 11, 10)),
               "LQX": lateness(UnitStatus.MISSING, due, None, dt.date(2026, 11, 10))}
    assert reasons == {"ZRZY": "截止 2026-11-05，2026-11-08 报送，晚 3 天",
                       "LQX": "截止 2026-11-05，截至 2026-11-10 未收到"}
    assert lateness(UnitStatus.ON_TIME, due, dt.datetime(2026, 11, 5, 9), dt.date(2026, 11, 10)) == ""
    registry = Registry(tuple(Unit(code, f"{code}局", "部门", True) for code in statuses))
    built = build_summary("2026-10", dt.date(2026, 11, 10), registry, statuses, reasons,
                          [["截止日期", "事项", "责任单位"]], report(False), {}, load_catalog())
    table = built.sheets[0]
    assert {row for row, _ in table.marked} == {3, 4} and len(table.marked) == 8  # whole rows, header is row 1
    assert [row[3] for row in table.rows[1:]] == ["", reasons["ZRZY"], reasons["LQX"], ""]
    marked_rows = re.findall(r'<tr style="background:#FFC7CE;font-weight:bold">(.*?)</tr>', built.html)
    assert [re.findall(r"<td>(.*?)</td>", row)[1] for row in marked_rows] == ["ZRZY局", "LQX局"]


def test_the_summary_workbook_fills_the_marked_rows(tmp_path):
    statuses = {"SFJ": UnitStatus.ON_TIME, "ZRZY": UnitStatus.MISSING}
    registry = Registry(tuple(Unit(code, f"{code}局", "部门", True) for code in statuses))
    built = build_summary("2026-10", dt.date(2026, 11, 10), registry, statuses, {}, [["截止日期", "事项", "责任单位"]],
                          report(False), {}, load_catalog())
    sheet = openpyxl.load_workbook(write_tables(tmp_path / "s.xlsx", built.sheets))["报送情况"]
    fills = {row: sheet.cell(row + 1, 3).fill.fgColor.rgb for row in (2, 3)}  # under the title row
    assert fills[3].endswith("FFC7CE") and not fills[2].endswith("FFC7CE")
