"""A plan's tasks: their 完成时限 rules and who owes each one. The seed plan's 43 tasks ship
as data/tasks.yaml; plans imported later are stored (xzzf.plans says which is in force)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from xzzf.cells import normalise_header
from xzzf.units import Registry

CATALOG_FILE = Path(__file__).parent / "data" / "tasks.yaml"
ROLES = {"lead": "牵头单位", "responsible": "责任单位", "cooperating": "配合单位"}


@dataclass(frozen=True)
class Deadline:
    """A parsed 完成时限.

    kind: "dated" (a fixed day; `ongoing_after` for 「…并长期坚持」), "yearly" (a month-end
    every year) or "ongoing" (长期坚持 alone: never overdue).
    """

    phrase: str
    kind: str
    due: dt.date | None = None
    month: int | None = None
    ongoing_after: bool = False

    def due_in(self, year: int) -> dt.date:
        """A yearly deadline's day in `year`."""
        return _month_end(year, self.month)

    def days_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The days from `start` to `end` (both included) on which this 完成时限 falls."""
        days = ([self.due] if self.kind == "dated" else
                [self.due_in(year) for year in range(start.year, end.year + 1)] if self.kind == "yearly" else [])
        return [day for day in days if start <= day <= end]


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"月份 {month} 无效")
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日前(并长期坚持)?$")
_MONTH_END = re.compile(r"^(\d{4})年(\d{1,2})月底前(并长期坚持)?$")
_YEAR_END = re.compile(r"^(\d{4})年底前(并长期坚持)?$")
_YEARLY = re.compile(r"^每年(\d{1,2})月底前$")


def parse_deadline(phrase: str) -> Deadline:
    """Parse a 完成时限 as written in the plan (stray spaces included)."""
    text = re.sub(r"\s+", "", phrase)
    if text == "长期坚持":
        return Deadline(phrase, "ongoing")
    try:
        if match := _DAY.match(text):
            year, month, day, ongoing = match.groups()
            return Deadline(phrase, "dated", dt.date(int(year), int(month), int(day)), None, bool(ongoing))
        if match := _MONTH_END.match(text):
            year, month, ongoing = match.groups()
            return Deadline(phrase, "dated", _month_end(int(year), int(month)), None, bool(ongoing))
        if match := _YEAR_END.match(text):
            year, ongoing = match.groups()
            return Deadline(phrase, "dated", dt.date(int(year), 12, 31), None, bool(ongoing))
        if (match := _YEARLY.match(text)) and 1 <= int(match.group(1)) <= 12:
            return Deadline(phrase, "yearly", None, int(match.group(1)))
    except ValueError:
        pass
    raise ValueError(f"无法识别的完成时限：{phrase!r}")


@dataclass(frozen=True)
class Task:
    no: int
    section: str
    title: str
    text: str
    owners: dict[str, tuple[str, ...]]  # role → owner phrases as written
    deadline: Deadline
    note: str = ""

    @property
    def label(self) -> str:
        """How a person reads a task anywhere: its number in the plan and its short title."""
        return f"第 {self.no} 项 {self.title}"


@functools.cache
def load_catalog(path: Path = CATALOG_FILE) -> tuple[Task, ...]:
    """The seed plan's tasks (2023–2025). A run asks xzzf.plans for the plan in force instead."""
    return tasks_from_entries(yaml.safe_load(path.read_text(encoding="utf-8"))["tasks"])


def tasks_from_entries(entries: list[dict]) -> tuple[Task, ...]:
    """Tasks from their entries as tasks.yaml writes them (and the store keeps an imported plan's)."""
    return tuple(
        Task(
            no=e["number"], section=e["section"], title=e["title"], text=e["text"],
            owners={role: tuple(e[role]) for role in ROLES},
            deadline=parse_deadline(e["deadline"]), note=e.get("note", ""),
        )
        for e in entries
    )


def task_entry(task: Task) -> dict:
    """A task as an entry of tasks.yaml (the inverse of tasks_from_entries)."""
    return {"number": task.no, "section": task.section, "title": task.title,
            **{role: list(task.owners[role]) for role in ROLES},
            "deadline": task.deadline.phrase, "text": task.text, **({"note": task.note} if task.note else {})}


# Group phrases of the plan and the units they mean (indicators.md, "Who owes a task").
_GROUPS = {
    "各行政执法部门[单位]": lambda u: u.kind == "部门" and u.enforcement,
    "各乡镇[街道]": lambda u: u.kind in ("乡镇", "街道"),
    "各行业主管部门": lambda u: u.kind == "部门",
    "各行政主管部门[单位]": lambda u: u.kind == "部门",
}


def owner_key(phrase: str) -> str:
    """An owner phrase as it is matched: brackets of any width folded, spaces dropped."""
    return re.sub(r"\s+", "", normalise_header(phrase)).replace("(", "[").replace(")", "]")


def group_phrases() -> tuple[str, ...]:
    """The group phrases a plan may name owners by (bracket-folded as owner_key gives them)."""
    return tuple(_GROUPS)


def resolve_owner(phrase: str, registry: Registry) -> tuple[str, ...]:
    """Unit codes an owner phrase names; empty when a named bureau is not registered."""
    key = owner_key(phrase)
    if key in _GROUPS:
        return tuple(u.code for u in registry.units if _GROUPS[key](u))
    unit = registry.by_name(key)
    return (unit.code,) if unit else ()


@dataclass(frozen=True)
class Assignment:
    """Who owes each task, and the owner phrases no registered unit answers to."""

    roles: dict[int, dict[str, str]]  # task no → unit code → role (strongest role wins)
    unassigned: dict[int, tuple[str, ...]]  # task no → owner phrases with no unit
    tasks: tuple[Task, ...] = ()  # the plan's tasks it was made from

    def tasks_of(self, unit_code: str) -> tuple[int, ...]:
        return tuple(no for no, owners in sorted(self.roles.items()) if unit_code in owners)


def assign(tasks: tuple[Task, ...], registry: Registry) -> Assignment:
    roles: dict[int, dict[str, str]] = {}
    unassigned: dict[int, tuple[str, ...]] = {}
    for task in tasks:
        owners: dict[str, str] = {}
        missing = []
        for role in ROLES:  # lead first: a unit named twice keeps its strongest role
            for phrase in task.owners[role]:
                codes = resolve_owner(phrase, registry)
                missing += [] if codes else [phrase]
                for code in codes:
                    owners.setdefault(code, role)
        roles[task.no] = owners
        if missing:
            unassigned[task.no] = tuple(missing)
    return Assignment(roles, unassigned, tasks)


def task_label(no: int, tasks: tuple[Task, ...]) -> str:
    """第 N 项 + short title of task number `no` of `tasks`: a plan's own (each plan numbers and
    titles its tasks anew), never another plan's."""
    return {task.no: task.label for task in tasks}[no]
