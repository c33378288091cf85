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


LISTED_PER_FILE = 200  # errors, and warnings, listed for one file; the rest are counted
OMITTED = "omitted"  # the key of the line that counts the problems not listed


def bounded(problems: list[dict], kind: str) -> list[dict]:
    """The first LISTED_PER_FILE problems, then one line counting the rest: a file with a
    problem on every one of thousands of rows fixes the first ones, sends again and learns
    the others, and neither the store nor a run holds an unbounded list for one file."""
    rest = len(problems) - LISTED_PER_FILE
    if rest <= 0:
        return problems
    return [*problems[:LISTED_PER_FILE],
            {"sheet": None, "row": None, "column": None, "value": None, OMITTED: rest,
             "message": f"另有 {rest} 处{kind}未逐条列出（每个文件最多列出 {LISTED_PER_FILE} 处）："
                        "请先按以上各处修改，重新报送后回执会列出其余问题"}]


def count(problems: list[dict]) -> int:
    """How many problems a bounded list stands for."""
    return sum(p.get(OMITTED, 1) for p in problems)


def in_reading_order(problems: list[dict], sheets: tuple[str, ...], columns: dict[str, tuple[str, ...]]) -> list[dict]:
    """Problems as a clerk goes through the workbook: whole-file ones first, then sheet by
    sheet in the template's order, row by row, column by column (the 回执, the mail, the run
    report and the 标注 copy all list them so); last, the count of those not listed (bounded)."""
    def key(problem: dict) -> tuple:
        sheet = problem["sheet"]
        order = columns.get(sheet, ())
        return (OMITTED in problem,  # the count of problems not listed comes after them
                sheets.index(sheet) + 1 if sheet in sheets else 0 if sheet is None else len(sheets) + 1,
                problem["row"] or 0,
                order.index(problem["column"]) if problem["column"] in order else len(order))
    return sorted(problems, key=key)
