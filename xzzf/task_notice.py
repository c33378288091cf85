"""How every message speaks of the plan's tasks: the deadline it means (a yearly task has one
each year, so a message names the year's day and the next one, never "逾期" alone), who is
behind (every one of many owners counted, not listed), and the 任务提示 each unit reads in its
回执 and in every mail it gets."""

from __future__ import annotations

import datetime as dt

from xzzf.catalog import Assignment, Task
from xzzf.naming import NAMED
from xzzf.task_status import deadline_in, owes_task, task_status
from xzzf.units import Unit
from xzzf.vocabulary import TaskStatus

NOTICE_DAYS = 60  # a unit is told of its tasks due this many days ahead
NO_OVERDUE = "无逾期任务"
NOTICE_TITLE = "任务提示"
NOTICE_HEADING = f"{NOTICE_TITLE}（本单位承担的提升行政执法质量三年行动任务）："
_DONE = (TaskStatus.DONE, TaskStatus.DONE_LATE)


def written(day: dt.date) -> str:
    """A date as a sentence writes it: 2025年1月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def phrase(task: Task) -> str:
    """The plan's 完成时限 as written, without the stray spaces of the seed (每年 1 月底前)."""
    return "".join(task.deadline.phrase.split())


def deadline_text(task: Task, year: int) -> str:
    """The 完成时限 that `year` means: a dated task's day, a yearly task's day in `year` with
    the plan's phrase, 长期坚持 as it is."""
    day = deadline_in(task, year)
    if day is None:
        return phrase(task)
    return written(day) if task.deadline.kind == "dated" else f"{written(day)}（{phrase(task)}）"


def missed_text(task: Task, year: int) -> str:
    """A deadline missed, by its day: "完成时限 2024年3月31日，已逾期"; a yearly task's
    "完成时限 2025年1月31日 未完成；下一次 2026年1月31日" (`year`: the year whose day was missed)."""
    day = deadline_in(task, year)
    if task.deadline.kind == "yearly":
        return f"完成时限 {written(day)} 未完成；下一次 {written(deadline_in(task, year + 1))}"
    return f"完成时限 {written(day)}，已逾期"


def status_text(task: Task, status: str, year: int) -> str:
    """A unit's status on a task in `year`, naming the day where a deadline is missed or to come."""
    if status == TaskStatus.OVERDUE:
        return missed_text(task, year)
    if status == TaskStatus.NOT_DUE:
        return f"{TaskStatus.NOT_DUE.label}（完成时限 {written(deadline_in(task, year))}）"
    return TaskStatus.label_of(status)


def owners_named(names: list[str], owners: int) -> str:
    """The units named, or — when more than a few are behind — how many, and the first few
    of them: a list of two dozen names says nothing a reader would keep (naming.NAMED)."""
    if len(names) <= NAMED:
        return "、".join(names)
    return f"全部 {owners} 个责任单位" if len(names) == owners else f"未完成的 {len(names)} 个责任单位"


def behind(names: list[str], owners: int) -> str:
    """Who has not reported a task 已完成: "24 个责任单位均未报已完成", "24 个责任单位中 20 个
    未报已完成，如…" naming the first few, or the names."""
    if len(names) <= NAMED:
        return f"{'、'.join(names)}未报已完成"
    if len(names) == owners:
        return f"{owners} 个责任单位均未报已完成"
    return f"{owners} 个责任单位中 {len(names)} 个未报已完成，如{'、'.join(names[:NAMED])}"


def overdue_tasks(report: dict, tasks: tuple[Task, ...]) -> list[tuple[Task, list[str], int]]:
    """The year's overdue tasks of `report` (annual_figures) with the names of the units behind
    and how many owe the task: the longest overdue first (the earliest deadline), then the
    one more units are behind on, then in the plan's order."""
    year = report["year"]
    found = []
    for task in tasks:
        owners = [u for u in report["units"].values() if task.no in u["tasks"]]
        names = [u["name"] for u in owners if task.no in u["indicators"]["tasks_overdue"]]
        if names:
            found.append((deadline_in(task, year), -len(names), task.no, task, names, len(owners)))
    return [(task, names, owners) for *_, task, names, owners in sorted(found, key=lambda f: f[:3])]


def last_missable(task: Task, as_of: dt.date) -> int | None:
    """The year of the task's latest deadline before `as_of` (one that can be missed by now)."""
    if task.deadline.kind == "dated":
        return task.deadline.due.year if task.deadline.due < as_of else None
    if task.deadline.kind == "yearly":
        return as_of.year if task.deadline.due_in(as_of.year) < as_of else as_of.year - 1
    return None


def unit_task_notice(tasks: tuple[Task, ...], assignment: Assignment, unit: Unit,
                     latest: dict[tuple[str, int], dict], as_of: dt.date) -> list[str]:
    """任务提示: the unit's tasks overdue as of `as_of` (or 无逾期任务), then those due within
    NOTICE_DAYS days that it has not reported 已完成, each with its day (`latest`: the unit's
    rows of task_status.latest_progress, from its files in force)."""
    overdue, soon = [], []
    until = as_of + dt.timedelta(days=NOTICE_DAYS)
    for task in tasks:
        if unit.code not in assignment.roles.get(task.no, {}):
            continue
        row = latest.get((unit.code, task.no))
        year = last_missable(task, as_of)
        # A yearly task already done for its next deadline is not told as missed: the missed
        # year is past mending, and the unit has done this year's.
        if (year is not None and owes_task(unit, task, year)
                and task_status(task, row, year, as_of, None) == TaskStatus.OVERDUE
                and not (task.deadline.kind == "yearly" and task_status(task, row, year + 1, as_of, None) in _DONE)):
            overdue.append(f"{task.label}，{missed_text(task, year)}")
        soon += [f"{task.label}，完成时限 {written(day)}，尚未报已完成"
                 for day in task.deadline.days_between(as_of, until)
                 if unit.exists_on(day) and task_status(task, row, day.year, as_of, None) not in _DONE]
    return [*(overdue or [NO_OVERDUE]), *soon]

