"""Writing workbooks. Text a unit typed never becomes a formula; a figure is a number in its
cell, shown in its format.

Report tables (the annual workbook, the public data, the monthly summary) and the 回执 are
written whole with XlsxWriter: nothing in them is edited after writing, and it writes a
1,000-unit report several times faster than openpyxl (issue 14). The openpyxl helpers serve
the workbooks that are built by editing: the templates and the clerk's annotated copy."""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

import openpyxl
import xlsxwriter
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.page import PageMargins

from connectors.files import replacing
from xzzf.tables import Number, Sheet

_FORMULA_STARTS = ("=", "+", "-", "@")
# Rows are read from their top line: a wrapped cell grows downwards, its row's other cells stay level with it.
TOP, WRAP = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
_LINE_POINTS = 15  # one line of 11-pt text
_DEFAULT_WIDTH = 8.43  # Excel's column width when none is set
HEADER_ROW = 2  # a table sheet's header, under its title row
MAX_WIDTH = 60  # a column no wider than this: longer text wraps
_PORTRAIT_WIDTH = 100  # about what A4 portrait holds one page wide at full size; a wider table prints landscape
_PADDING = 2  # a column's room beyond its widest content
_HEADER = {"bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter", "text_wrap": True}
_RULED = {"border": 1, "border_color": "#808080"}
_FAILING = {"bg_color": "#FFC7CE"}
_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
_HEADER_MARGIN, _FOOTER_MARGIN = 0.2, 0.3
_FOOTER = "&A　第 &P 页，共 &N 页"  # the sheet's name, then 第 n 页，共 m 页


def keep_as_text(sheet) -> None:
    """Typed text such as "=HYPERLINK(...)" stays text in every workbook we write: never a formula."""
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"


def text_width(text: object) -> int:
    """The width of `text` in column-width units: a Chinese (wide) character takes two."""
    return _width(str(text))


@lru_cache(maxsize=65536)  # a report repeats its names and labels in thousands of cells
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_rows(sheet, first_row: int = 1) -> None:
    """Give each row whose wrapped text needs more than one line the height for it: LibreOffice
    opens a row without a stored height at one line, and a printed cell shows no more than its
    row. Only for sheets nobody types into: a row with a stored height no longer grows."""
    # By the cell's alignment id: reading cell.alignment builds an object a cell (seconds a report)
    wrapping = {number for number, alignment in enumerate(sheet.parent._alignments) if alignment.wrap_text}
    for row in sheet.iter_rows(min_row=first_row):
        lines = max((_lines(cell, sheet) for cell in row
                     if cell.value is not None and cell._style.alignmentId in wrapping), default=1)
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = _LINE_POINTS * lines


def _lines(cell, sheet) -> int:
    return wrapped_lines(cell.value, sheet.column_dimensions[cell.column_letter].width or _DEFAULT_WIDTH)


def wrapped_lines(value, width: float) -> int:
    """How many lines `value` takes wrapped in a column `width` wide."""
    room = max(1.0, width - 1)
    return sum(max(1, math.ceil(text_width(part) / room)) for part in str(value).split("\n"))


def title_row(sheet) -> None:
    """Row 1 as the sheet's title: large and bold, in a row set tall enough for it, so it is
    not clipped on screen or in print whatever the program's default row height."""
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 24


def print_setup(sheet, title_rows: str = "1:1", orientation: str = "landscape") -> None:
    """A4 (landscape unless told), fit to as few pages wide as keep the text readable
    (pages_across) however many pages long, `title_rows` (the header) repeated on every page,
    gridlines and page numbers: what a clerk prints is a readable table in both Excel and WPS,
    never a column cut off onto a page of its own. A sheet two pages wide prints each band of
    rows left half then right half, its first column repeated on both."""
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    across = pages_across(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = across, 0  # 0: as many pages long as needed
    if across > 1:
        sheet.page_setup.pageOrder = "overThenDown"
        sheet.print_title_cols = "A:A"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # without it the two above are ignored
    sheet.page_margins = PageMargins(**_MARGINS, header=_HEADER_MARGIN, footer=_FOOTER_MARGIN)
    sheet.print_title_rows = title_rows
    sheet.print_options.gridLines = True
    sheet.oddFooter.center.text = _FOOTER


_PAGE_WIDTH = 148  # column-width units an A4 landscape page holds at full size, between our margins
_SMALLEST_SCALE = 0.75  # smaller, and a date in a column made for it prints as ### (issue 22)


def pages_across(sheet) -> int:
    """How many A4 landscape pages wide `sheet` prints so that it is shrunk to no less than
    _SMALLEST_SCALE: one for most sheets, two for the 16 columns of 执法决定."""
    widths = {}
    for dimension in sheet.column_dimensions.values():  # a loaded workbook's may span columns
        first = dimension.min or column_index_from_string(dimension.index)
        for column in range(first, (dimension.max or first) + 1):
            widths[column] = dimension.width or _DEFAULT_WIDTH
    total = sum(widths.get(column, _DEFAULT_WIDTH) for column in range(1, sheet.max_column + 1))
    return max(1, math.ceil(total * _SMALLEST_SCALE / _PAGE_WIDTH))


def write_sheets(path: Path, sheets: Iterable[tuple[str, Sequence[Sequence]]]) -> Path:
    """A workbook with one sheet per (title, rows); each row a sequence of cell values."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        keep_as_text(sheet)
    with replacing(path) as temporary:
        book.save(temporary)
    return path


def fast_print_setup(sheet: xlsxwriter.worksheet.Worksheet, header_row: int, landscape: bool = True,
                     notice: str | None = None, gridlines: bool = False) -> None:
    """print_setup for an XlsxWriter sheet: A4, one page wide however many long, the header
    (`header_row`, 0-based) on every page, page numbers; `notice` at the top of every page;
    `gridlines`: printed too (a sheet that is not ruled)."""
    sheet.set_landscape() if landscape else sheet.set_portrait()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # 0: as many pages long as needed
    sheet.set_margins(**_MARGINS)
    sheet.set_header(f"&C{notice.replace('&', '&&')}" if notice else "", margin=_HEADER_MARGIN)
    sheet.set_footer(f"&C{_FOOTER}", margin=_FOOTER_MARGIN)
    sheet.repeat_rows(header_row)
    sheet.hide_gridlines(0 if gridlines else 1)  # 1: on screen, not in print


def write_value(sheet: xlsxwriter.worksheet.Worksheet, row: int, column: int, value, style) -> None:
    """A number as a number; anything else as text, never as a formula (XlsxWriter's write()
    would make "=..." one)."""
    if isinstance(value, Number):
        value = value.value
    if value is None or value == "":  # an empty cell, as openpyxl writes "" (read back as None)
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        sheet.write_number(row, column, float(value) if isinstance(value, Decimal) else value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def save_workbook(book: xlsxwriter.Workbook, path: Path) -> Path:
    """`book` (in memory) closed and written under a temporary name, then renamed: an OSError
    (a full disk) as itself, not as XlsxWriter's FileCreateError."""
    book.close()
    with replacing(path) as temporary, temporary.open("wb") as file:
        file.write(book.filename.getvalue())
    return path


def new_workbook() -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})


class _Formats:
    """A workbook's table-cell formats, made once each (XlsxWriter keeps every format it is
    given) and found again by what they are, not by their properties: a report has 270,000
    cells and a dozen formats."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book, self.made = book, {}
        self.title = book.add_format({"bold": True, "font_size": 14})

    def cell(self, number_format: str | None, header: bool, aligned: bool, wrapped: bool, marked: bool) -> object:
        key = (number_format, header, aligned, wrapped, marked)
        if key not in self.made:
            style = dict(_RULED, **(_HEADER if header else {}))
            if number_format:
                style["num_format"] = number_format
            if aligned and not header:
                style |= {"valign": "top", **({"text_wrap": True} if wrapped else {})}
            self.made[key] = self.book.add_format(style | (_FAILING if marked else {}))
        return self.made[key]


def write_table(book: xlsxwriter.Workbook, name: str, table: Sheet, formats: _Formats,
                notice: str | None = None) -> xlsxwriter.worksheet.Worksheet:
    """`table` on a new sheet `name`, to read and to print: its caption as the title row, the
    header bold on a fill and frozen under it, each figure a number in its format (text a unit
    typed stays text), 未达标 cells red, columns as wide as their content, rows as tall as their
    wrapped text (LibreOffice opens a row with no stored height at one line), A4 one page wide."""
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, table.caption, formats.title)
    sheet.set_row(0, 24)  # the title is not clipped, on screen or in print
    widths = [_column_width(header, cells) for header, *cells in zip_longest(*table.rows, fillvalue="")]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    marked = set(table.marked)
    for number, row in enumerate(table.rows, start=1):
        header = number == 1
        wraps = [header or text_width(_text(value)) > width - _PADDING
                 for value, width in zip(row, widths, strict=False)]
        aligned = any(wraps)  # the row is read from its top line, where the wrapped text starts
        for column, (value, wrapped) in enumerate(zip(row, wraps, strict=True)):
            style = formats.cell(value.format if isinstance(value, Number) else None, header, aligned, wrapped,
                                 (number, column + 1) in marked)
            write_value(sheet, number + HEADER_ROW - 2, column, value, style)
        lines = max((wrapped_lines(value, width) for value, width, wrapped in zip(row, widths, wraps, strict=False)
                     if wrapped and _text(value)), default=1)
        if lines > 1:
            sheet.set_row(number + HEADER_ROW - 2, _LINE_POINTS * lines)
    sheet.freeze_panes(HEADER_ROW, 0)
    # The table is ruled: printed gridlines would rule the page under a chart.
    fast_print_setup(sheet, HEADER_ROW - 1, sum(widths) > _PORTRAIT_WIDTH, notice)
    return sheet


def _column_width(header, cells: Sequence) -> float:
    """Room for the widest number (its sign or thousands separators too) and the widest text on
    one line, and for the header on two; in a column of numbers the odd text (a list) wraps onto
    up to three lines instead of widening it. Never wider than MAX_WIDTH."""
    numbers = [text_width(value) + 2 for value in cells if isinstance(value, Number)]
    lines = 3 if numbers else 1
    texts = [math.ceil(text_width(_text(value)) / lines) + 1 for value in cells if not isinstance(value, Number)]
    return min(MAX_WIDTH, max([*numbers, *texts, math.ceil(text_width(header) / 2) + 1])) + _PADDING


def _text(value) -> str:
    return "" if value is None else str(value)


def write_tables(path: Path, tables: Iterable[Sheet], notice: str | None = None, mark: str = "",
                 extra: Callable[[xlsxwriter.Workbook, dict], None] | None = None) -> Path:
    """A workbook of report tables, one sheet each (write_table), each tab named its title
    and `mark`; `extra(book, sheets)` adds to it (the report's charts), `sheets` by title."""
    book, sheets = new_workbook(), {}
    formats = _Formats(book)
    for table in tables:
        sheets[table.title] = (write_table(book, f"{table.title}{mark}", table, formats, notice), table)
    if extra:
        extra(book, sheets)
    return save_workbook(book, path)
