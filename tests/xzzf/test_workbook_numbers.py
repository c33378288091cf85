"""The report's tables hold each figure as a number with the format that shows it — a count an
integer in 0, money exact in #,##0.00, a rate a fraction in 0.0% — never the text of one; null
stays 不适用 and lists stay text; each sheet's title row says the year and the as-of date."""

import copy
import re
from decimal import Decimal

import pytest

from tests.xzzf.test_annual import ARRIVALS, AS_OF, REGISTRY, ROWS
from xzzf.adjustments import Obligations
from xzzf.annual import annual_figures, figures_json
from xzzf.annual_report import UNIT_KEYS, amendments, by_unit, overview, workbook_sheets
from xzzf.catalog import assign, load_catalog
from xzzf.indicators import as_cell
from xzzf.tables import Number
from xzzf.workdays import WorkCalendar

NUMBER_AS_TEXT = re.compile(r"[+-]?[\d,]+(\.\d+)?%?")  # '1224', '88.2%', '+3': what a cell must never hold


@pytest.fixture(scope="module")
def report():
    tasks = load_catalog()
    return annual_figures(2026, AS_OF, REGISTRY, assign(tasks, REGISTRY), tasks, ROWS, ARRIVALS,
                          Obligations(REGISTRY, 5, WorkCalendar()))


def sheets(report, previous=None, changes=()):
    tasks = load_catalog()
    assignment = assign(tasks, REGISTRY)
    return workbook_sheets(report, previous, tasks, assignment, assignment.unassigned, list(changes))


def test_a_figure_is_a_number_shown_in_its_format_and_reads_as_shown_in_text():
    assert as_cell("decisions_total", 1224) == Number(1224, "0", "1224")
    assert as_cell("publication_rate", 0.882) == Number(0.882, "0.0%", "88.2%")
    assert as_cell("fines_total", "1200.50") == Number(Decimal("1200.50"), "#,##0.00", "1200.50")
    assert as_cell("training_hours_per_capita", 51.66) == Number(51.66, "0.0", "51.7")
    assert str(as_cell("complaint_ontime_rate", 0.9)) == "90.0%"  # what mail and pages show
    assert as_cell("publication_rate", None) == "不适用"
    assert as_cell("decisions_by_category", {"行政处罚": 2, "行政许可": 0}) == "行政处罚 2"
    assert as_cell("tasks_overdue", [13], load_catalog()).startswith("第 13 项 ")


def test_no_sheet_holds_a_figure_as_text(report):
    previous = copy.deepcopy(report)
    previous["district"]["indicators"]["decisions_total"] -= 1
    for sheet in sheets(report, previous):
        for row in sheet.rows[1:]:
            assert not [v for v in row if isinstance(v, str) and NUMBER_AS_TEXT.fullmatch(v)], (sheet.title, row)


def test_the_change_on_the_year_before_is_a_signed_number_in_the_figure_s_format(report):
    previous = copy.deepcopy(report)
    before = previous["district"]["indicators"]
    before["decisions_total"] += 2
    before["certified_rate"] = 0.4
    before["fines_total"] = "1000.00"
    before["publication_rate"] = None
    rows = {row[0]: row for row in overview(report, previous).rows[1:]}
    assert rows["行政执法决定数"][4] == Number(-2, "+0;-0;0", "-2")
    # A rate's change is in 个百分点: 40 % → 50 % is 10 points, never "+10.0%" (a tenth more).
    points = '0.0" 个百分点"'
    assert rows["持证率"][4] == Number(pytest.approx(10), f"+{points};-{points};{points}", "+10.0 个百分点")
    assert rows["罚没金额合计（元）"][4] == Number(Decimal("200.50"), "+#,##0.00;-#,##0.00;#,##0.00", "+200.50")
    assert rows["行政执法决定公开率"][4] == "上年不适用"  # no number the year before
    assert rows["应下撤未下撤数"][4] == Number(0, "+0;-0;0", "0")


def test_each_sheet_s_title_row_names_the_report_the_sheet_and_the_as_of_date(report):
    changes = [["范围", "指标", "已报送值", "现值"], ["全区", "行政执法决定数", 3, 4]]
    titled = sheets(report, changes=changes)
    assert [s.title for s in titled][-1] == "更正说明"
    for sheet in titled:
        assert sheet.caption == f"2026年度行政执法工作报告 · {sheet.title}（数据截至 2027-01-10）"


def test_a_unit_that_does_not_report_has_empty_figure_cells_and_its_tasks(report):
    rows = {row[0]: row for row in by_unit(report, load_catalog()).rows[1:]}
    assert rows["CZJ"][2:-1] == [""] * len(UNIT_KEYS)
    assert rows["ZRZY"][2 + UNIT_KEYS.index("publication_rate")] == "不适用"  # null (no decisions), never 0 %


def test_corrections_list_old_and_new_as_numbers_and_ignore_what_nobody_sees(report):
    issued = copy.deepcopy(figures_json(report))
    issued["district"]["indicators"]["decisions_total"] -= 1
    issued["units"]["SFJ"]["indicators"]["fines_total"] = "1000.00"
    issued["units"]["SFJ"]["indicators"]["certified_rate"] += 1e-9  # shown the same: not a correction
    header, *rows = amendments(issued, figures_json(report), load_catalog())
    assert header == ["范围", "指标", "已报送值", "现值"]
    total = report["district"]["indicators"]["decisions_total"]
    assert rows == [["全区", "行政执法决定数", Number(total - 1, "0", str(total - 1)), Number(total, "0", str(total))],
                    ["司法局", "罚没金额合计（元）", Number(Decimal("1000.00"), "#,##0.00", "1000.00"),
                     Number(Decimal("1200.50"), "#,##0.00", "1200.50")]]


def test_a_per_unit_target_shows_how_many_units_meet_it_never_a_district_verdict(report):
    """Issue 22: 柔性执法典型案例数 is judged per unit (≥ 3 each): the district's pooled count
    meeting 3 says nothing, so 总体情况 counts the units that meet it, and marks the row while
    some miss it. Here 司法局 has 2 and 自然资源局 0; 1 activity each is met by 司法局 alone."""
    sheet = overview(report, None)
    rows = {row[0]: row for row in sheet.rows[1:]}
    assert rows["柔性执法典型案例数"][2:4] == ["每单位 ≥ 3个", "0/2 单位达标"]
    assert rows["心理健康教育和心理训练活动次数"][2:4] == ["每单位 ≥ 1次", "1/2 单位达标"]
    marked = {sheet.rows[n - 1][0] for n, _ in sheet.marked}
    assert {"柔性执法典型案例数", "心理健康教育和心理训练活动次数", "持证率"} <= marked
    assert "行政执法决定公开率" not in marked and rows["行政执法决定公开率"][3] == "达标"
    # A pooled count that meets 3 is still no 达标 while a unit misses it.
    pooled = copy.deepcopy(report)
    pooled["district"]["indicators"]["flexible_cases"] = 102
    pooled["units"]["SFJ"]["indicators"]["flexible_cases"] = 3
    rows = {row[0]: row for row in overview(pooled, None).rows[1:]}
    assert rows["柔性执法典型案例数"][1:4] == [Number(102, "0", "102"), "每单位 ≥ 3个", "1/2 单位达标"]


def test_before_its_deadline_a_cumulative_target_is_progress_and_unmarked(report):
    preview = copy.deepcopy(report) | {"as_of": "2026-09-30"}
    sheet = overview(preview, None)
    rows = {row[0]: row for row in sheet.rows[1:]}
    assert rows["柔性执法典型案例数"][3] == "0/2 单位达标（进度，截止后评判）"
    assert rows["培训达标率"][3] == "未达标（进度，截止后评判）"
    marked = {sheet.rows[n - 1][0] for n, _ in sheet.marked}
    assert "柔性执法典型案例数" not in marked and "培训达标率" not in marked and "持证率" in marked


def test_without_the_year_before_the_change_column_says_so(report):
    rows = {row[0]: row for row in overview(report, None).rows[1:]}
    assert {row[4] for name, row in rows.items() if name != "分类决定数"} == {"无上年数据"}
    assert rows["分类决定数"][4] == ""  # an object has no change to show
    before = copy.deepcopy(report)
    del before["district"]["indicators"]["psych_activities"]  # a figure the year before did not have
    rows = {row[0]: row for row in overview(report, before).rows[1:]}
    assert rows["心理健康教育和心理训练活动次数"][4] == "无上年数据"
    assert rows["执法人员数"][4] == Number(0, "+0;-0;0", "0")
