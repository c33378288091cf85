"""The plan's tasks as the flows give them to the units: who owes which task, and each unit's
任务提示 as of the run, from the 任务进展 rows of the files in force."""

from __future__ import annotations

from collections.abc import Callable

from flows.setup import Run
from xzzf.annual import as_frames
from xzzf.catalog import Assignment, Task, assign
from xzzf.intake import SubmissionFact, in_force
from xzzf.periods import BEIJING, period_of
from xzzf.task_notice import unit_task_notice
from xzzf.task_status import latest_progress
from xzzf.units import Unit


def plan(run: Run, period: str) -> tuple[tuple[Task, ...], Assignment]:
    """The tasks of the plan in force for `period` and who owes each among the run's units."""
    tasks = run.plan(period).tasks
    return tasks, assign(tasks, run.registry)


def task_notices(run: Run, view: list[SubmissionFact] | None = None) -> Callable[[Unit], list[str]]:
    """unit → its 任务提示 as of the run (`view`: the store's as-of view, when the caller has it),
    under the plan in force for the run's month."""
    today = run.as_of.astimezone(BEIJING).date()
    tasks, assignment = plan(run, period_of(today))
    rows = run.store.rows("task_progress", in_force(run.view() if view is None else view))
    latest = latest_progress(as_frames({"task_progress": rows})["task_progress"], today)
    return lambda unit: unit_task_notice(tasks, assignment, unit, latest, today)
