"""A located problem in a submitted file, as the clerk will read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str | None = None
    row: int | None = None  # the Excel row number the clerk sees (header = 1)
    column: str | None = None  # the column header
    value: str | None = None
    rule: str | None = None  # the rule table id, where a rule of the table was broken

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("sheet", "row", "column", "value", "message")}



def in_reading_order(problems: list[dict], sheets: tuple[str, ...], columns: dict[str, tuple[str, ...]]) -> list[dict]:
    """Problems as a clerk goes through the workbook: whole-file ones first, then sheet by
    sheet in the template's order, row by row, column by column (the 回执, the mail, the run
    report and the 标注 copy all list them so)."""
    def key(problem: dict) -> tuple:
        sheet = problem["sheet"]
        order = columns.get(sheet, ())
        return (sheets.index(sheet) + 1 if sheet in sheets else 0 if sheet is None else len(sheets) + 1,
                problem["row"] or 0,
                order.index(problem["column"]) if problem["column"] in order else len(order))
    return sorted(problems, key=key)
