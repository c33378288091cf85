"""The report workbook, the public data file and the monthly summary as written (real .xlsx
files read back with openpyxl): every figure a number in its format under a title row that
names the year and the as-of date; headers styled and frozen, columns fitted, A4 one page
wide; 未达标 cells marked; native charts with their axes shown and titled, rates on 0–100 %,
and no unit that does not report."""

import copy
import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_to_tuple

from connectors.report_writer import write_public_data, write_workbook
from connectors.xlsx_writer import text_width, write_tables
from tests.libreoffice import PDFTOPPM, SOFFICE, convert
from tests.render_report import first_sheet
from tests.xzzf.test_annual import ARRIVALS, AS_OF, REGISTRY, ROWS
from xzzf.adjustments import Obligations
from xzzf.annual import annual_figures, figures_json
from xzzf.annual_report import UNIT_KEYS, amendments, public_data, workbook_sheets
from xzzf.catalog import assign, load_catalog
from xzzf.indicators import NAMES
from xzzf.summary import build_summary
from xzzf.vocabulary import UnitStatus
from xzzf.workdays import WorkCalendar

TITLE, HEADER, FIRST = 1, 2, 3  # rows: the title, the header, the first of the table
FAILING = "FFC7CE"  # the fill of 未达标 cells (its alpha byte aside)
NUMBER_AS_TEXT = re.compile(r"[+-]?[\d,]+(\.\d+)?%?")
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def displayed(cell) -> str:
    """A cell as Excel shows it, for the number formats the report uses."""
    if not isinstance(cell.value, int | float):
        return str(cell.value)
    pattern = cell.number_format.split(";")[0]
    formats = {"0": "{:.0f}", "0.0": "{:.1f}", "0.0%": "{:.1%}", "#,##0.00": "{:,.2f}",
               '0.0" 个百分点"': "{:.1f} 个百分点"}
    return ("+" if pattern.startswith("+") else "") + formats.get(pattern.lstrip("+"), "{}").format(cell.value)


def pinned(key: str) -> str:
    """The number format a figure is shown in (issue 13)."""
    if key.endswith(("_rate", "_ratio")):
        return "0.0%"
    return {"fines_total": "#,##0.00", "training_hours_per_capita": "0.0"}.get(key, "0")


@pytest.fixture(scope="module")
def report():
    tasks = load_catalog()
    return annual_figures(2026, AS_OF, REGISTRY, assign(tasks, REGISTRY), tasks, ROWS, ARRIVALS,
                          Obligations(REGISTRY, 5, WorkCalendar()))


@pytest.fixture(scope="module")
def previous(report):
    """The year before, with other numbers: 同比 has something to show."""
    before = copy.deepcopy(report)
    district = before["district"]["indicators"]
    district["decisions_total"] += 2
    district["certified_rate"] = 0.4
    district["fines_total"] = "1000.00"
    return before


def write(report, previous, folder, notice=None) -> Path:
    tasks = load_catalog()
    assignment = assign(tasks, REGISTRY)
    issued = copy.deepcopy(figures_json(report))
    issued["district"]["indicators"]["decisions_total"] -= 1
    sheets = workbook_sheets(report, previous, tasks, assignment, assignment.unassigned,
                             amendments(issued, figures_json(report), tasks))
    return write_workbook(folder / "report.xlsx", sheets, notice)


def written(report, previous, folder, notice=None):
    return openpyxl.load_workbook(write(report, previous, folder, notice))


@pytest.fixture(scope="module")
def book(report, previous, tmp_path_factory):
    return written(report, previous, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def public(report, tmp_path_factory):
    path = write_public_data(tmp_path_factory.mktemp("public") / "public.xlsx", public_data(report))
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def summary(report, tmp_path_factory):
    issued = copy.deepcopy(figures_json(report))
    issued["district"]["indicators"]["decisions_total"] = 3
    changes = amendments(issued, figures_json(report), load_catalog())
    built = build_summary("2026-12", dt.date(2027, 1, 10), REGISTRY,
                          {"SFJ": UnitStatus.ON_TIME, "ZRZY": UnitStatus.REJECTED}, {"ZRZY": HOSTILE},
                          [["截止日期", "事项", "责任单位"]], report, {"2026年度报告更正（报送后数据有变化）": changes},
                          load_catalog())
    return openpyxl.load_workbook(write_tables(tmp_path_factory.mktemp("summary") / "summary.xlsx", built.sheets))


def table(sheet) -> dict[str, list]:
    """The table's rows by their first cell, under the title row and the header."""
    return {row[0].value: row for row in sheet.iter_rows(min_row=FIRST)}


def column(sheet, header: str) -> int:
    return next(cell.column for cell in sheet[HEADER] if cell.value == header) - 1


def assert_figure(cell, key: str, value) -> None:
    if value is None:
        assert cell.value == "不适用", cell.coordinate
    elif isinstance(value, dict | list):
        assert isinstance(cell.value, str), cell.coordinate
    else:
        assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), (cell.coordinate, cell.value)
        assert cell.number_format == pinned(key), (cell.coordinate, key)
        expected = float(Decimal(value)) if key == "fines_total" else value
        assert cell.value == pytest.approx(expected)


def test_each_figure_of_the_report_is_a_number_in_its_format(book, report):
    district = report["district"]["indicators"]
    rows = table(book["总体情况"])
    for key, value in district.items():
        assert_figure(rows[NAMES[key]][1], key, value)
    assert rows[NAMES["fines_total"]][1].value == 1200.5
    units = table(book["分单位指标"])
    for code, unit in report["units"].items():
        for index, key in enumerate(UNIT_KEYS, start=2):
            if key in unit["indicators"]:
                assert_figure(units[code][index], key, unit["indicators"][key])
            else:  # a unit that does not report: nothing, not 0
                assert units[code][index].value is None
    public = table(book["公开数据"])
    assert_figure(public["全区"][column(book["公开数据"], "行政处罚决定数")], "decisions_total",
                  district["decisions_by_category"]["行政处罚"])
    for key in ("fines_total", "publication_rate", "complaint_ontime_rate"):
        assert_figure(public["司法局"][column(book["公开数据"], NAMES[key])], key,
                      report["units"]["SFJ"]["indicators"][key])
    timeliness = table(book["报送情况"])["司法局"][column(book["报送情况"], "按时报送率")]
    assert_figure(timeliness, "submission_timeliness_rate", 11 / 12)
    failing = [row for row in book["未达标事项"].iter_rows(min_row=FIRST) if row[1].value == NAMES["certified_rate"]]
    assert_figure(failing[0][2], "certified_rate", report["units"]["SFJ"]["indicators"]["certified_rate"])


def test_the_change_on_the_year_before_is_a_signed_number(book, report):
    rows = table(book["总体情况"])
    change = {name: row[4] for name, row in rows.items()}
    assert (change["行政执法决定数"].value, change["行政执法决定数"].number_format) == (-2, "+0;-0;0")
    assert change["持证率"].value == pytest.approx(10)  # 个百分点
    assert change["持证率"].number_format == '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"'
    assert change["罚没金额合计（元）"].value == pytest.approx(200.5)
    assert change["罚没金额合计（元）"].number_format == "+#,##0.00;-#,##0.00;#,##0.00"
    assert change["分类决定数"].value is None  # an object has no difference


def test_corrections_are_numbers_too(book, report):
    [row] = [[c.value for c in r] for r in book["更正说明"].iter_rows(min_row=FIRST)]
    total = report["district"]["indicators"]["decisions_total"]
    assert row == ["全区", "行政执法决定数", total - 1, total]


def test_no_cell_holds_a_number_as_text(book, public, summary):
    for workbook in (book, public, summary):
        for sheet in workbook.worksheets:
            texts = [c.coordinate for r in sheet.iter_rows(min_row=FIRST) for c in r
                     if isinstance(c.value, str) and NUMBER_AS_TEXT.fullmatch(c.value)]
            assert texts == [], sheet.title


def test_every_sheet_says_its_year_and_as_of_date_and_reads_and_prints_well(book, public, summary):
    expected = [(sheet, "2026年度行政执法工作报告") for sheet in (*book.worksheets, *public.worksheets)]
    expected += [(sheet, "2026-12 行政执法月报汇总") for sheet in summary.worksheets]
    assert len(expected) == 7 + 1 + 5
    for sheet, heading in expected:
        assert sheet["A1"].value == f"{heading} · {sheet.title}（数据截至 {'2027-01-10'}）"
        assert sheet["A1"].font.b
        header = [cell for cell in sheet[HEADER] if cell.value is not None]
        assert header and all(cell.font.b and cell.fill.fgColor.rgb.endswith("DDEBF7") for cell in header)
        assert sheet.freeze_panes == "A3", sheet.title  # frozen under the header
        for cell in header:  # every column as wide as its content shows, at most about 60: longer text wraps
            width = sheet.column_dimensions[cell.column_letter].width
            assert 4 <= width < 63, (sheet.title, cell.column_letter)  # 62 is stored as Excel's 62.71
            for below in sheet[cell.column_letter][FIRST - 1:]:
                if below.value is not None:
                    assert text_width(displayed(below)) <= width or below.alignment.wrap_text, below.coordinate
        setup = sheet.page_setup
        # An absent fitToWidth is 1 (ECMA-376's default; XlsxWriter leaves it out, Excel and WPS read it so).
        assert int(setup.paperSize) == 9 and (int(setup.fitToWidth or 1), int(setup.fitToHeight)) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # Its header on every page; 总体情况's table fits its first page, and the title row heads
        # the page of charts after it (test_the_overview_prints_...).
        assert (sheet.print_title_rows or "").replace("$", "") == ("1:1" if sheet is book["总体情况"] else "2:2")
    wide = [book["分单位指标"], book["报送情况"], book["任务完成情况"], book["公开数据"]]
    assert all(sheet.page_setup.orientation == "landscape" for sheet in wide)
    assert book["总体情况"].page_setup.orientation == "portrait"  # its table and charts fit A4 upright


def test_failing_cells_are_marked_in_the_rows_under_the_title(book, report):
    overview = book["总体情况"]
    marked = {c.coordinate for r in overview.iter_rows() for c in r if c.fill.fgColor.rgb.endswith(FAILING)}
    # 未达标, and a per-unit target some unit misses ("0/2 单位达标"; "2/2 单位达标" would not be).
    missed = {c.coordinate for r in overview.iter_rows() for c in r
              if c.value == "未达标" or re.fullmatch(r"(\d+)/(?!\1 )\d+ 单位达标", str(c.value))}
    assert marked == missed and len(missed) > 2
    units = book["分单位指标"]
    rows = table(units)
    for code, unit in report["units"].items():
        for index, key in enumerate(UNIT_KEYS, start=2):
            assert rows[code][index].fill.fgColor.rgb.endswith(FAILING) == (key in unit["failing"]), (code, key)
    assert rows["SFJ"][column(units, NAMES["flexible_cases"])].fill.fgColor.rgb.endswith(FAILING)
    assert rows["SFJ"][column(units, "逾期任务")].fill.fgColor.rgb.endswith(FAILING)
    assert not rows["CZJ"][column(units, "逾期任务")].fill.fgColor.rgb.endswith(FAILING)


def values_at(book, reference: str) -> list:
    name, (min_col, min_row, max_col, max_row) = range_to_tuple(reference)
    sheet = book[name]
    return [c.value for r in sheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
            for c in r]


def text_of(title) -> str:
    return "".join(run.t for paragraph in title.tx.rich.p for run in paragraph.r or ())


def assert_charts(book, tab: str = "") -> None:
    charts = {text_of(chart.title): chart for chart in book[f"总体情况{tab}"]._charts}
    assert set(charts) == {"全区行政执法决定分类", "各单位行政执法决定公开率", "各单位按时报送率"}
    for name, chart in charts.items():
        assert not chart.x_axis.delete and not chart.y_axis.delete, name  # neither axis hidden
        names = chart.x_axis  # the categories' axis, as openpyxl reads it
        # The first category on top as in the sheet, the values' axis under the bars.
        assert names.scaling.orientation == "maxMin" and chart.y_axis.crosses == "max", name
        # Every name, level: without rot="0" vert="horz" LibreOffice drops every other one.
        assert names.tickLblSkip == 1 and (names.txPr.bodyPr.rot, names.txPr.bodyPr.vert) == (0, "horz"), name
        [series] = chart.series
        categories = values_at(book, (series.cat.numRef or series.cat.strRef).f)
        values = values_at(book, series.val.numRef.f)
        assert len(categories) == len(values), name
        assert all(isinstance(v, int | float) or v == "不适用" for v in values), name
        if name == "全区行政执法决定分类":
            assert (text_of(chart.x_axis.title), text_of(chart.y_axis.title)) == ("执法类别", "决定数")
            assert categories[0] == "行政处罚决定数" and values[0] == 2
            continue
        assert categories == ["司法局", "自然资源局"], name  # 财政局 does not report: no empty bar
        assert text_of(chart.x_axis.title) == "单位"
        assert text_of(chart.y_axis.title) == {"各单位行政执法决定公开率": "行政执法决定公开率",
                                               "各单位按时报送率": "按时报送率"}[name]
        scaling = chart.y_axis.scaling
        assert (scaling.min, scaling.max, chart.y_axis.numFmt.formatCode) == (0, 1, "0%"), name
    assert values_at(book, charts["各单位按时报送率"].series[0].val.numRef.f) == [pytest.approx(11 / 12), 1 / 12]
    assert values_at(book, charts["各单位行政执法决定公开率"].series[0].val.numRef.f) == [1, "不适用"]


def test_charts_show_titled_axes_rates_on_0_to_100_percent_and_only_units_that_report(book):
    assert_charts(book)


def test_a_preview_s_sheets_say_so_and_its_charts_read_its_own_sheets(report, previous, tmp_path):
    book = written(report, previous, tmp_path, notice="预览：数据截至 2026-11-20")
    assert book.sheetnames[:2] == ["总体情况（预览）", "分单位指标（预览）"]
    assert book["总体情况（预览）"].oddHeader.center.text == "预览：数据截至 2026-11-20"
    assert_charts(book, "（预览）")
    marked = [c.value for r in book["总体情况（预览）"].iter_rows() for c in r if c.fill.fgColor.rgb.endswith(FAILING)]
    assert marked and all(v == "未达标" or v.endswith("单位达标") for v in marked)


def test_the_monthly_summary_holds_numbers_and_keeps_typed_text_as_text(summary, report):
    figures = table(summary["2026年累计指标"])
    for key, value in report["district"]["indicators"].items():
        if NAMES[key] in figures:
            assert_figure(figures[NAMES[key]][1], key, value)
    reasons = table(summary["报送情况"])["ZRZY"][3]
    assert (reasons.value, reasons.data_type) == (HOSTILE, "s")  # never a formula
    [change] = [[c.value for c in r] for r in summary["2026年度报告更正（报送后数据有变化）"].iter_rows(min_row=FIRST)]
    assert change == ["全区", "行政执法决定数", 3, report["district"]["indicators"]["decisions_total"]]


@pytest.mark.skipif(not (SOFFICE and PDFTOPPM), reason="需要 LibreOffice（soffice）和 poppler（pdftotext）")
def test_the_overview_prints_its_table_then_both_unit_charts_on_one_page_under_its_title(report, previous, tmp_path):
    """Issue 22: printed through LibreOffice, 总体情况 is two pages — the table and the category
    chart, then the two unit charts together under the sheet's title row — never a chart alone
    on a page under a repeated table header."""
    printed = tmp_path / "printed"
    printed.mkdir()
    pdf = convert(first_sheet(write(report, previous, tmp_path), printed), "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first, second = text.rstrip("\f").split("\f")
    assert "行政执法决定公开率" in first and "全区行政执法决定分类" in first and "指标" in first
    assert "各单位行政执法决定公开率" in second and "各单位按时报送率" in second
    assert "2026年度行政执法工作报告 · 总体情况" in second and "指标" not in second and "同比" not in second
