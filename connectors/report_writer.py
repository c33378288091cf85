"""Writing the annual report: the workbook (with native charts and 未达标 cells marked) and the
public data file, a preview's each marked as one (the Word draft is connectors.draft_writer's).
Copying the report's files to the share staff PCs open."""

from __future__ import annotations

import math
from pathlib import Path

import xlsxwriter

from connectors.files import write_bytes
from connectors.xlsx_writer import HEADER_ROW, write_tables
from xzzf.indicators import NAMES
from xzzf.tables import Sheet
from xzzf.vocabulary import DecisionCategory

# Chart sizes (cm) for A4 portrait one page wide: the category chart fits under the 总体情况
# table on the first page; the two unit charts share the second, each tall enough for 25 or so
# units' names (the table prints at about 80 %: a page holds 30 cm or so).
_CHART_CM, _CATEGORY_CHART_CM, _UNIT_CHART_CM = 18, 7, 14
_LABEL_PT = 8  # category names at 8 pt: 25 units' names one under another
_ROW_CM = 15 / 72 * 2.54  # a row of the default 15 pt, to place charts by rows
_PIXELS_PER_CM = 96 / 2.54
PREVIEW_TAB = "（预览）"


def write_workbook(path: Path, sheets: list[Sheet], notice: str | None = None) -> Path:
    """`notice`: a preview's words; its tabs and each printed page then say 预览."""
    return write_tables(path, sheets, notice, PREVIEW_TAB if notice else "", _charts)


def write_public_data(path: Path, sheet: Sheet, notice: str | None = None) -> Path:
    return write_tables(path, [sheet], notice, PREVIEW_TAB if notice else "")


def _bar(book: xlsxwriter.Workbook, title: str, categories: list, values: list, axes: tuple[str, str],
         height: float, *, rate: bool = False):
    """Horizontal bars, one per category named on the left in the sheet's order, both axes shown
    and titled (`axes`: categories, values). A rate's axis is always 0–100 %: two units' bars,
    or two years' charts, compare by eye; a count's bars carry their number. (In an XlsxWriter
    bar chart the y axis is the categories', the x axis the values'.)"""
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"categories": categories, "values": values, "gap": 40,
                      **({} if rate else {"data_labels": {"value": True}})})
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    chart.set_size({"width": round(_CHART_CM * _PIXELS_PER_CM), "height": round(height * _PIXELS_PER_CM)})
    chart.set_y_axis({"name": axes[0],
                      "name_font": {"rotation": 270},  # 单位 upright, read downwards
                      "reverse": True,  # the first category on top, as in the sheet
                      "crossing": "max",  # which keeps the value axis under the bars, not above
                      "interval_unit": 1,  # every name, never every other one
                      # Horizontal, said outright: left to itself LibreOffice drops every other name.
                      "num_font": {"size": _LABEL_PT, "rotation": 0}})
    chart.set_x_axis({"name": axes[1], **({"min": 0, "max": 1, "num_format": "0%"} if rate else {})})
    return chart


def _charts(book: xlsxwriter.Workbook, sheets: dict) -> None:
    """Native charts on 总体情况, under its table: the district's decisions by category on the
    first page, then 公开率 and 按时报送率 by unit together on the second. The unit charts read
    公开数据 and 报送情况, which list only the units that report: one that does not would be a
    gap. `sheets`: each (worksheet, table) by the table's title (a preview's tab names differ)."""
    (overview, table), (public, _) = sheets["总体情况"], sheets["公开数据"]
    header = HEADER_ROW - 1  # 0-based, as XlsxWriter counts
    kinds = len(DecisionCategory)
    pages = [[(_bar(book, "全区行政执法决定分类", [public.name, header, 1, header, kinds],
                    [public.name, header + 1, 1, header + 1, kinds], ("执法类别", "决定数"), _CATEGORY_CHART_CM),
               _CATEGORY_CHART_CM)],
             [_by_unit(book, "各单位行政执法决定公开率", sheets["公开数据"], header + 2, NAMES["publication_rate"]),
              _by_unit(book, "各单位按时报送率", sheets["报送情况"], header + 1, NAMES["submission_timeliness_rate"])]]
    row = HEADER_ROW + len(table.rows) + 1  # 1-based: a row clear under the table
    breaks = []
    for number, charts in enumerate(pages):
        if number:  # a page of its own: no page's end cuts a chart
            breaks.append(row)  # after `row`
            row += 2  # a row clear of the break, whose line the chart's frame would show on both pages
        for chart, height in charts:
            overview.insert_chart(f"A{row}", chart)
            row += math.ceil(height / _ROW_CM) + 1
    overview.set_h_pagebreaks(breaks)
    # The table fits its first page: the pages of charts after it are headed by the title row
    # (which report, as of when), not by the table's header over no table.
    overview.repeat_rows(0)


def _by_unit(book: xlsxwriter.Workbook, title: str, placed: tuple, first_row: int, header: str):
    """The rate under `header` of each unit listed on a sheet from `first_row` (0-based) down."""
    sheet, table = placed
    column = table.rows[0].index(header)
    last_row = max(HEADER_ROW - 1 + len(table.rows) - 1, first_row)
    return _bar(book, title, [sheet.name, first_row, 0, last_row, 0], [sheet.name, first_row, column, last_row, column],
                ("单位", header), _UNIT_CHART_CM, rate=True), _UNIT_CHART_CM


def copy_to(files: dict[str, Path], folder: Path) -> dict[str, Path]:
    """Each file copied into `folder` under its own name, written under a temporary name and
    renamed (connectors.files): a staff PC that opens the share mid-copy finds the old file
    or the new one, never a cut one. The files are a report's few hundred KB."""
    return {key: write_bytes(folder / path.name, path.read_bytes()) for key, path in files.items()}
