"""Writing the annual report: the workbook (with native charts and 未达标 cells marked) and the
public data file, a preview's each marked as one (the Word draft is connectors.draft_writer's).
Copying the report's files to the share staff PCs open."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.worksheet.pagebreak import Break

from connectors.files import write_bytes
from connectors.xlsx_writer import HEADER_ROW, write_table
from xzzf.figures import NAMES
from xzzf.tables import Sheet
from xzzf.vocabulary import DecisionCategory

# Chart sizes (cm) for A4 portrait one page wide: the category chart fits under the 总体情况
# table on the first page; a unit chart takes a page, tall enough for 25 or so units' names.
_CHART_CM, _CATEGORY_CHART_CM, _UNIT_CHART_CM = 18, 7, 18
_LABEL_PT = 800  # category names at 8 pt (hundredths of a point): 25 units' names one under another
_ROW_CM = 15 / 72 * 2.54  # a row of the default 15 pt, to place charts by rows
PREVIEW_TAB = "（预览）"


def _tab(ws, title: str, notice: str | None) -> None:
    """A preview's tab says 预览 (what one sees on screen), and so does each printed page."""
    ws.title = f"{title}{PREVIEW_TAB}" if notice else title
    if notice:
        ws.oddHeader.center.text = notice


def write_workbook(path: Path, sheets: list[Sheet], notice: str | None = None) -> Path:
    """`notice`: a preview's words; its sheets are then marked 预览."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    tabs = {}
    for sheet in sheets:
        ws = tabs[sheet.title] = book.create_sheet()
        _tab(ws, sheet.title, notice)
        write_table(ws, sheet)
    _charts(tabs)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _bar(title: str, categories: Reference, values: Reference, axes: tuple[str, str], height: float, *,
         rate: bool = False, by_row: bool = False) -> BarChart:
    """Horizontal bars, one per category named on the left in the sheet's order, both axes shown
    and titled (`axes`: categories, values). A rate's axis is always 0–100 %: two units' bars,
    or two years' charts, compare by eye; a count's bars carry their number."""
    chart = BarChart()
    chart.type, chart.gapWidth = "bar", 40
    chart.title, chart.legend, chart.width, chart.height = title, None, _CHART_CM, height
    chart.add_data(values, from_rows=by_row, titles_from_data=False)
    chart.set_categories(categories)
    chart.x_axis.title, chart.y_axis.title = axes
    chart.x_axis.title.tx.rich.bodyPr = RichTextProperties(vert="wordArtVert")  # 单位 upright, read downwards
    # openpyxl writes no <c:delete> for an axis unless told, and Excel and WPS then hide it.
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # the first category on top, as in the sheet
    chart.y_axis.axPos, chart.y_axis.crosses = "b", "max"  # which puts the value axis under the bars, not above
    chart.x_axis.tickLblSkip = 1  # every name, never every other one
    chart.x_axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=_LABEL_PT)),
                                              endParaRPr=CharacterProperties())])
    if rate:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = "0%"
    else:
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False)
    return chart


def _charts(tabs: dict) -> None:
    """Native charts on 总体情况, under its table: the district's decisions by category on the
    first page, then 公开率 and 按时报送率 by unit. The unit charts read 公开数据 and 报送情况,
    which list only the units that report: one that does not would be a gap. `tabs`: each sheet
    by its own title (a preview's tab names differ)."""
    overview, public, reporting = tabs["总体情况"], tabs["公开数据"], tabs["报送情况"]
    categories = Reference(public, min_col=2, max_col=1 + len(DecisionCategory), min_row=HEADER_ROW)
    district = Reference(public, min_col=2, max_col=1 + len(DecisionCategory), min_row=HEADER_ROW + 1)
    charts = [_bar("全区行政执法决定分类", categories, district, ("执法类别", "决定数"), _CATEGORY_CHART_CM,
                   by_row=True),
              _by_unit("各单位行政执法决定公开率", public, HEADER_ROW + 2, NAMES["publication_rate"]),
              _by_unit("各单位按时报送率", reporting, HEADER_ROW + 1, NAMES["submission_timeliness_rate"])]
    row = overview.max_row + 2
    for number, chart in enumerate(charts):
        if number:  # a page of its own: no page's end cuts a chart
            overview.row_breaks.append(Break(id=row))  # after `row`
            row += 2  # a row clear of the break, whose line the chart's frame would show on both pages
        overview.add_chart(chart, f"A{row}")
        row += math.ceil(chart.height / _ROW_CM) + 1


def _by_unit(title: str, sheet, first_row: int, header: str) -> BarChart:
    """The rate under `header` of each unit listed on `sheet` from `first_row` down."""
    column = next(cell.column for cell in sheet[HEADER_ROW] if cell.value == header)
    last_row = max(sheet.max_row, first_row)
    return _bar(title, Reference(sheet, min_col=1, min_row=first_row, max_row=last_row),
                Reference(sheet, min_col=column, min_row=first_row, max_row=last_row), ("单位", header),
                _UNIT_CHART_CM, rate=True)


def write_public_data(path: Path, sheet: Sheet, notice: str | None = None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    _tab(ws, sheet.title, notice)
    write_table(ws, sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def copy_to(files: dict[str, Path], folder: Path) -> dict[str, Path]:
    """Each file copied into `folder` under its own name, written under a temporary name and
    renamed (connectors.files): a staff PC that opens the share mid-copy finds the old file
    or the new one, never a cut one. The files are a report's few hundred KB."""
    return {key: write_bytes(folder / path.name, path.read_bytes()) for key, path in files.items()}
