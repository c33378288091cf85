"""The plan's tasks as the flows give them to the units: who owes which task, and each unit's
任务提示 as of the run, from the 任务进展 rows of the files in force."""

from __future__ import annotations

from collections.abc import Callable

from flows.setup import Run
from xzzf.annual import as_frames
from xzzf.catalog import Assignment, Task, assign, load_catalog
from xzzf.intake import SubmissionFact, in_force
from xzzf.periods import BEIJING
from xzzf.task_notice import unit_task_notice
from xzzf.task_status import latest_progress
from xzzf.units import Registry, Unit


def plan(registry: Registry) -> tuple[tuple[Task, ...], Assignment]:
    """The plan's tasks and who owes each among `registry`'s units."""
    tasks = load_catalog()
    return tasks, assign(tasks, registry)


def task_notices(run: Run, view: list[SubmissionFact] | None = None) -> Callable[[Unit], list[str]]:
    """unit → its 任务提示 as of the run (`view`: the store's as-of view, when the caller has it)."""
    tasks, assignment = plan(run.registry)
    rows = run.store.rows("task_progress", in_force(run.view() if view is None else view))
    today = run.as_of.astimezone(BEIJING).date()
    latest = latest_progress(as_frames({"task_progress": rows})["task_progress"], today)
    return lambda unit: unit_task_notice(tasks, assignment, unit, latest, today)
