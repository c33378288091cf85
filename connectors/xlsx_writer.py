"""Writing workbooks with openpyxl. Text a unit typed never becomes a formula."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.page import PageMargins

from connectors.files import replacing

_FORMULA_STARTS = ("=", "+", "-", "@")
# Rows are read from their top line: a wrapped cell grows downwards, its row's other cells stay level with it.
TOP, WRAP = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
_LINE_POINTS = 15  # one line of 11-pt text
_DEFAULT_WIDTH = 8.43  # Excel's column width when none is set


def keep_as_text(sheet) -> None:
    """Typed text such as "=HYPERLINK(...)" stays text in every workbook we write: never a formula."""
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"


def text_width(text: object) -> int:
    """The width of `text` in column-width units: a Chinese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def fit_rows(sheet, first_row: int = 1) -> None:
    """Give each row whose wrapped text needs more than one line the height for it: LibreOffice
    opens a row without a stored height at one line, and a printed cell shows no more than its
    row. Only for sheets nobody types into: a row with a stored height no longer grows."""
    for row in sheet.iter_rows(min_row=first_row):
        lines = max((_lines(cell, sheet) for cell in row if cell.value is not None and cell.alignment.wrap_text),
                    default=1)
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


def print_setup(sheet, title_rows: str = "1:1") -> None:
    """A4 landscape, fit to one page wide however many pages long, `title_rows` (the header)
    repeated on every page, gridlines and page numbers: what a clerk prints is a readable table
    in both Excel and WPS, never a column cut off onto a page of its own."""
    sheet.page_setup.orientation = "landscape"
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
