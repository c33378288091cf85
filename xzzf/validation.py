"""Row validation around the rule table: the frames to validate (all new files of a run
pooled per sheet, with derived columns) and the attribution of failures back to files."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from xzzf import cells
from xzzf.calendars import PUBLICATION_WORKDAYS, PUBLICATION_WORKDAYS_FAST
from xzzf.catalog import Assignment
from xzzf.periods import period_end, period_start
from xzzf.problems import Problem
from xzzf.rules import OWED_TASKS, RULES_BY_ID
from xzzf.schema import SHEETS, SHEETS_BY_NAME
from xzzf.vocabulary import DecisionCategory
from xzzf.workbook import EXCEL_ROW, ParsedWorkbook
from xzzf.workdays import WorkCalendar

FILE_ID = "_file_id"
INDEX_COLUMNS = [FILE_ID, EXCEL_ROW]
FAST_PUBLICATION = (DecisionCategory.LICENSE, DecisionCategory.PENALTY)  # published within 7 working days, not 20


@dataclass(frozen=True)
class Failure:
    """One row that broke one rule, as the validation engine reports it."""

    rule: str
    file_id: int
    excel_row: int
    value: object


def validation_frames(workbooks: dict[int, tuple[str, ParsedWorkbook]], assignment: Callable[[str], Assignment],
                      calendar: WorkCalendar) -> dict[str, pd.DataFrame]:
    """Every sheet of every workbook (file id → (unit, parsed)) in one frame per sheet;
    `assignment`: who owes which task under the plan in force for a period (YYYY-MM)."""
    periods = {fid: parsed.period for fid, (_, parsed) in workbooks.items() if parsed.period}
    frames: dict[str, pd.DataFrame] = {}
    for sheet in SHEETS:
        records = [{**record, FILE_ID: fid} for fid, (_, parsed) in workbooks.items() if fid in periods
                   for record in parsed.tables.get(sheet.name, ())]
        if records:
            columns = [EXCEL_ROW, *(c.name for c in sheet.columns), FILE_ID]
            frames[sheet.name] = _with_period(pd.DataFrame.from_records(records, columns=columns), periods)
    if "trainings" in frames:
        frames["trainings"]["_on_roster"] = _on_roster(frames["trainings"], frames.get("roster"))
    if "decisions" in frames:
        _add_publication_due(frames["decisions"], calendar)
    owed = _owed_tasks(workbooks, periods, assignment)
    if "task_progress" in frames:
        progress = frames["task_progress"]
        progress["_owed"] = [task in owed.get(fid, ()) for fid, task in zip(progress[FILE_ID], progress["task_no"],
                                                                           strict=True)]
    frames[OWED_TASKS] = _owed_frame(owed, frames.get("task_progress"))
    return frames


def _with_period(frame: pd.DataFrame, periods: dict[int, str]) -> pd.DataFrame:
    files = frame[FILE_ID]
    frame["_period_start"] = files.map({fid: period_start(p) for fid, p in periods.items()})
    frame["_period_end"] = files.map({fid: period_end(p) for fid, p in periods.items()})
    frame["_year_start"] = files.map({fid: dt.date(int(p[:4]), 1, 1) for fid, p in periods.items()})
    return frame


def _on_roster(trainings: pd.DataFrame, roster: pd.DataFrame | None) -> pd.Series:
    if roster is None:
        return pd.Series(False, index=trainings.index)
    known = set(zip(roster[FILE_ID], roster["cert_no"], strict=True))
    return pd.Series([(f, c) in known for f, c in zip(trainings[FILE_ID], trainings["cert_no"], strict=True)],
                     index=trainings.index)


def _add_publication_due(decisions: pd.DataFrame, calendar: WorkCalendar) -> None:
    """The last day a decision may be published: 7 or 20 working days after it."""
    due = functools.cache(calendar.add_workdays)
    days = decisions["category"].map(
        lambda c: PUBLICATION_WORKDAYS_FAST if c in FAST_PUBLICATION else PUBLICATION_WORKDAYS)
    decisions["_publication_due"] = [due(d, n) if isinstance(d, dt.date) else None
                                     for d, n in zip(decisions["decision_date"], days, strict=True)]
    decisions["_calendar_known"] = [isinstance(d, dt.date) and calendar.is_official(d)
                                    and calendar.is_official(due(d, n))
                                    for d, n in zip(decisions["decision_date"], days, strict=True)]


def _owed_tasks(workbooks, periods, assignment: Callable[[str], Assignment]) -> dict[int, tuple[int, ...]]:
    return {fid: assignment(periods[fid]).tasks_of(unit) for fid, (unit, _) in workbooks.items()
            if fid in periods and unit}


def _owed_frame(owed: dict[int, tuple[int, ...]], progress: pd.DataFrame | None) -> pd.DataFrame:
    reported = set() if progress is None else set(zip(progress[FILE_ID], progress["task_no"], strict=True))
    rows = [(fid, 0, task, (fid, task) in reported) for fid, tasks in owed.items() for task in tasks]
    return pd.DataFrame(rows, columns=[FILE_ID, EXCEL_ROW, "task_no", "_reported"])


def attribute(failures: list[Failure], workbooks: dict[int, tuple[str, ParsedWorkbook]]) -> None:
    """Add each failure to its workbook's errors or warnings, located as the clerk sees it.
    A cell that was filled but could not be read already has its one problem (“应为日期…”):
    the row rules saw it empty, and what they say of it (“必须填写”) is not reported."""
    unreadable = {fid: {(p.sheet, p.row, p.column) for p in parsed.errors if (p.rule or "").startswith("cell.")}
                  for fid, (_, parsed) in workbooks.items()}
    for failure in sorted(failures, key=lambda f: (f.file_id, f.excel_row, f.rule)):
        rule = RULES_BY_ID[failure.rule]
        sheet = SHEETS_BY_NAME["task_progress" if rule.sheet == OWED_TASKS else rule.sheet]
        value, header = failure.value, sheet.column(rule.column).header
        parsed = workbooks[failure.file_id][1]
        typed = parsed.typed_as.get((sheet.title, failure.excel_row, header))
        problem = Problem(
            rule.message, sheet.title, failure.excel_row or None, header,
            typed or ("" if value is None or value != value else cells.shown(value)), rule.id)
        if (problem.sheet, problem.row, problem.column) in unreadable[failure.file_id]:
            continue
        (parsed.errors if rule.severity == "error" else parsed.warnings).append(problem)

