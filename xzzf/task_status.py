"""Where each unit stands on each task it owes, as of a date (indicators.md, 完成时限)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xzzf.catalog import Assignment, Task
from xzzf.indicators import misses
from xzzf.units import Unit
from xzzf.vocabulary import Progress, TaskStatus

FIGURE_TASKS = {17: "flexible_cases", 42: "psych_activities"}  # judged by their figures


def latest_progress(progress: pd.DataFrame, as_of: dt.date) -> dict[tuple[str, int], dict]:
    """(unit, task) → the row from the latest in-force submission that contains the task
    (a snapshot that omits a task does not erase its status)."""
    current = progress[progress["period"] <= f"{as_of.year:04d}-{as_of.month:02d}"]
    latest = current.sort_values(["period", "excel_row"]).drop_duplicates(["unit_code", "task_no"], keep="last")
    return {(r["unit_code"], int(r["task_no"])): r for r in latest.to_dict("records")}


def task_status(task: Task, row: dict | None, year: int, as_of: dt.date, unit_figures: dict | None) -> TaskStatus:
    deadline = task.deadline
    state = row["state"] if row else None
    completed = row["completed_on"] if row else None
    if deadline.kind == "ongoing":
        return TaskStatus.ONGOING
    if deadline.kind == "dated":
        if state == Progress.DONE:
            return TaskStatus.DONE_LATE if completed and completed > deadline.due else TaskStatus.DONE
        if as_of <= deadline.due:
            return TaskStatus.NOT_DUE
        return TaskStatus.ON_TRACK if deadline.ongoing_after and state == Progress.ONGOING else TaskStatus.OVERDUE
    due = deadline.due_in(year)
    if task.no in FIGURE_TASKS and unit_figures is not None:
        key = FIGURE_TASKS[task.no]
        if not misses(key, unit_figures.get(key)):
            return TaskStatus.DONE
        return TaskStatus.OVERDUE if as_of > due else TaskStatus.NOT_DUE
    if state == Progress.DONE and completed and completed.year == year:
        return TaskStatus.DONE if completed <= due else TaskStatus.DONE_LATE
    return TaskStatus.OVERDUE if as_of > due else TaskStatus.NOT_DUE


def unit_task_statuses(tasks: tuple[Task, ...], assignment: Assignment, unit: Unit,
                       latest: dict[tuple[str, int], dict], year: int, as_of: dt.date,
                       unit_figures: dict | None) -> dict[int, TaskStatus]:
    """The tasks a unit owes in `year`: those it is an owner of whose deadline falls while it
    exists (a unit set up in May owes no task due in March)."""
    return {task.no: task_status(task, latest.get((unit.code, task.no)), year, as_of, unit_figures)
            for task in tasks if unit.code in assignment.roles.get(task.no, {}) and owes_task(unit, task, year)}


def owes_task(unit: Unit, task: Task, year: int) -> bool:
    day = deadline_in(task, year)
    return unit.exists_on(day) if day else unit.exists_in(year)


def deadline_in(task: Task, year: int) -> dt.date | None:
    """The day a task is due that `year` means: a dated task's one day (whatever the year), a
    yearly task's day in `year`; None for 长期坚持."""
    deadline = task.deadline
    return deadline.due if deadline.kind == "dated" else deadline.due_in(year) if deadline.kind == "yearly" else None
