"""Writing workbooks with openpyxl. Text a unit typed never becomes a formula."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl

from connectors.files import replacing

_FORMULA_STARTS = ("=", "+", "-", "@")


def keep_as_text(sheet) -> None:
    """Typed text such as "=HYPERLINK(...)" stays text in every workbook we write: never a formula."""
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"


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
