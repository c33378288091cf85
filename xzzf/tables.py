"""A table as the report workbooks, the public data file and the monthly summary hold it (and
its mail shows it): a title row, a header, rows of cells, a figure a Number. Plain data, light
to import: the workbook writer that runs in the reader workers uses it too."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Number:
    """A figure as a cell: the number itself (a rate as a fraction, money exact), the Excel
    number format that shows it, and the same figure as text for mail and pages."""
    value: int | float | Decimal
    format: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Sheet:
    title: str
    caption: str  # the title row above the table
    rows: list[list]  # the first is the header
    marked: tuple[tuple[int, int], ...] = ()  # (row, column) in `rows`, 1-based: 未达标 cells


def captioned(heading: str, as_of: str, title: str, rows: list[list], marked: tuple = ()) -> Sheet:
    """A sheet whose title row says which report, which table and the date its data are as of:
    a printed page or a forwarded file still says what it is."""
    return Sheet(title, f"{heading} · {title}（数据截至 {as_of}）", rows, marked)


def markdown_table(rows: list[list]) -> str:
    """Rows (header first) as a Markdown table, as the Prefect UI renders an artifact."""
    head, *body = rows
    lines = ["| " + " | ".join(markdown_cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def markdown_cell(value) -> str:
    """Text safe inside a Markdown table cell."""
    return "" if value is None else str(value).replace("|", "｜").replace("\n", " ")
