"""Writing workbooks with openpyxl. Text a unit typed never becomes a formula; a figure is a
number in its cell, shown in its format."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
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
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side("thin", color="808080")
_RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FAILING = PatternFill("solid", fgColor="FFC7CE")


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
    room = max(1.0, (sheet.column_dimensions[cell.column_letter].width or _DEFAULT_WIDTH) - 1)
    return sum(max(1, math.ceil(text_width(part) / room)) for part in str(cell.value).split("\n"))


def title_row(sheet) -> None:
    """Row 1 as the sheet's title: large and bold, in a row set tall enough for it, so it is
    not clipped on screen or in print whatever the program's default row height."""
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 24


def print_setup(sheet, title_rows: str = "1:1", orientation: str = "landscape") -> None:
    """A4 (landscape unless told), fit to one page wide however many pages long, `title_rows`
    (the header) repeated on every page, gridlines and page numbers: what a clerk prints is a
    readable table in both Excel and WPS, never a column cut off onto a page of its own."""
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # 0: as many pages long as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # without it the two above are ignored
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.3)
    sheet.print_title_rows = title_rows
    sheet.print_options.gridLines = True
    sheet.oddFooter.center.text = "&A　第 &P 页，共 &N 页"


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


def write_table(sheet, table: Sheet) -> None:
    """`table` on `sheet` to read and to print: its caption as the title row, the header bold
    on a fill and frozen under it, each figure a number in its format (text a unit typed stays
    text), 未达标 cells red, columns as wide as their content, A4 one page wide."""
    sheet["A1"] = table.caption
    title_row(sheet)
    widths = [_column_width(header, cells) for header, *cells in zip_longest(*table.rows, fillvalue="")]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Setting a style through openpyxl hashes the style objects again for every cell (most of
    # the time of a 1,000-unit report's 270,000 cells): a cell takes a copy of the style array
    # that the first cell of the same format and alignment got, the same ids openpyxl gives.
    styles: dict[tuple[str | None, bool, bool], StyleArray] = {}
    for number, row in enumerate(table.rows, start=HEADER_ROW):
        wraps = [text_width(_text(value)) > width - _PADDING for value, width in zip(row, widths, strict=False)]
        aligned = any(wraps)  # the row is read from its top line, where the wrapped text starts
        for column, (value, wrapped) in enumerate(zip(row, wraps, strict=True), start=1):
            cell = sheet.cell(number, column, value.value if isinstance(value, Number) else value)
            style = (value.format if isinstance(value, Number) else None, aligned, wrapped)
            if style in styles:
                cell._style = copy(styles[style])
                continue
            cell.border = _RULED
            if isinstance(value, Number):
                cell.number_format = value.format
            if aligned:
                cell.alignment = WRAP if wrapped else TOP
            styles[style] = copy(cell._style)
    keep_as_text(sheet)
    for cell in sheet[HEADER_ROW]:
        cell.font, cell.fill, cell.alignment = Font(bold=True), _HEADER_FILL, _HEADER_ALIGNMENT
    for row, column in table.marked:
        sheet.cell(row + HEADER_ROW - 1, column).fill = _FAILING
    fit_rows(sheet, HEADER_ROW)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", "landscape" if sum(widths) > _PORTRAIT_WIDTH else "portrait")
    sheet.print_options.gridLines = False  # the table is ruled; printed gridlines would rule the page under a chart


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


def write_tables(path: Path, tables: Iterable[Sheet]) -> Path:
    """A workbook of report tables, one sheet each (write_table)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in tables:
        write_table(book.create_sheet(table.title), table)
    with replacing(path) as temporary:
        book.save(temporary)
    return path
