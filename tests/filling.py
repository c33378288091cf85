"""Filling a generated template as a clerk does, in the template itself: 基本信息 by label,
table rows by header, a task's progress on the row the template lists it on."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import openpyxl

from tests.builders import VALID_ROWS
from xzzf.catalog import assign
from xzzf.plans import plan_in_force
from xzzf.units import SAMPLE_REGISTRY, load_registry

TASK_NO = "任务序号"


def every_task(unit: str, period: str) -> list[dict]:
    """任务进展 rows with nothing missing: VALID_ROWS's of the tasks `unit` owes in `period`
    (the plan in force with none imported), and 推进中 for every other task it owes."""
    owed = assign(plan_in_force([], period).tasks, load_registry(SAMPLE_REGISTRY)).tasks_of(unit)
    given = [dict(row) for row in VALID_ROWS["任务进展"] if row[TASK_NO] in owed]
    listed = {row[TASK_NO] for row in given}
    return [*given, *({TASK_NO: no, "进展状态": "推进中"} for no in owed if no not in listed)]


def make_template(db: str, unit: str, period: str, out: Path) -> Path:
    """`unit`'s template for `period`, as the templates flow writes it from the store `db`."""
    from flows.templates import templates

    with mock.patch.dict(os.environ, {"XZZF_DATABASE_URL": db, "XZZF_TEMPLATES": str(out)}):
        templates(period=period, only_units=[unit])
    return next((out / unit).glob("*.xlsx"))


def fill_template(path: Path, info: dict[str, object], rows: dict[str, list[dict]], to: Path | None = None) -> Path:
    """The template at `path` with `info` (label → value) in 基本信息 and `rows` (sheet title →
    rows by header) in its sheets, saved to `to` (default: in place). A 任务进展 row goes onto
    the template's row for its 任务序号; any other row below the sheet's last filled row."""
    book = openpyxl.load_workbook(path)
    for row in book["基本信息"].iter_rows():
        if row[0].value in info:
            row[1].value = info[row[0].value]
    for title, records in rows.items():
        sheet = book[title]
        columns = {cell.value: cell.column for cell in sheet[1]}
        listed = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)} if TASK_NO in columns else {}
        for record in records:
            line = listed.get(record.get(TASK_NO)) or sheet.max_row + 1
            for header, value in record.items():
                sheet.cell(row=line, column=columns[header], value=value)
    target = to or path
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target
