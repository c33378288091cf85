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

