"""Intake decisions that need no database: arrival times, file statuses, unit statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from xzzf.periods import end_of_day, period_of
from xzzf.vocabulary import EVER_ACCEPTED, FileStatus, UnitStatus


def arrival_time(mtime: dt.datetime, last_scan: dt.datetime | None) -> dt.datetime:
    """A file arrives at its mtime, but never before the last scan that did not see it: the
    latest scan up to this one, never one dated in the future."""
    return max(mtime, last_scan) if last_scan else mtime


def arrived_by(arrival: dt.datetime, as_of: dt.datetime, now: dt.datetime) -> bool:
    """A file had arrived by `as_of` (operations.md): a run dated before a file came does not
    see it. A file in the folder now has arrived by now, whatever its mtime says (another
    machine's clock ahead): a run as of now takes it."""
    return min(arrival, now) <= as_of


@dataclass
class FileEntry:
    """One line of the run report: a file in the inbox and its status now."""

    path: str
    sha256: str | None
    unit: str | None
    period: str | None
    status: str
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path, "sha256": self.sha256, "unit": self.unit, "period": self.period,
            "status": self.status, "errors": self.errors, "warnings": self.warnings,
        }


@dataclass(frozen=True)
class SubmissionFact:
    """What the as-of rules need to know of one recorded file."""

    id: int
    unit_code: str | None
    period: str | None
    status: str  # as recorded now (a FileStatus code)
    arrival_at: dt.datetime
    fill_date: dt.date | None = None
    sha256: str = ""


def recency(fact) -> tuple:
    """Which of two accepted files for a (unit, period) is later (submission.md): the later
    arrival; on a tie the later 填报日期, then the larger SHA-256."""
    return (fact.arrival_at, fact.fill_date or dt.date.min, fact.sha256)


def as_of_view(facts: Iterable[SubmissionFact], as_of: dt.datetime,
               withdrawn: frozenset[int] = frozenset()) -> list[SubmissionFact]:
    """The recorded files as they stood at `as_of` — "as of D" is what the data said on D:
    only files that had arrived by then, for a period up to its month; a file withdrawn by a
    decision in force then (`withdrawn`) is 已撤销 and counts for nothing; of each
    unit-period's other accepted files the latest is in force, the others superseded. Every
    status, figure and summary is computed from this view."""
    month = period_of(as_of.date())
    seen = [f for f in facts if f.arrival_at <= as_of and (f.period is None or f.period <= month)]
    # The store keeps the status of now: a file withdrawn since `as_of` was accepted then.
    was_accepted = [f.id in withdrawn or f.status in (*EVER_ACCEPTED, FileStatus.WITHDRAWN) for f in seen]
    latest: dict[tuple, SubmissionFact] = {}
    for fact, accepted in zip(seen, was_accepted, strict=True):
        key = (fact.unit_code, fact.period)
        if accepted and fact.id not in withdrawn and (key not in latest or recency(fact) > recency(latest[key])):
            latest[key] = fact
    in_force = {fact.id for fact in latest.values()}

    def then(fact: SubmissionFact, accepted: bool) -> str:
        if not accepted:
            return fact.status
        if fact.id in withdrawn:
            return FileStatus.WITHDRAWN
        return FileStatus.ACCEPTED if fact.id in in_force else FileStatus.SUPERSEDED

    return [replace(f, status=then(f, accepted)) for f, accepted in zip(seen, was_accepted, strict=True)]


def in_force(view: Iterable[SubmissionFact]) -> set[int]:
    return {fact.id for fact in view if fact.status == FileStatus.ACCEPTED}


def first_accepted(view: Iterable[SubmissionFact]) -> dict[tuple[str, str], dt.datetime]:
    """(unit, period) → arrival of the first file accepted for it: a month's timeliness is
    decided by it, whatever corrections came later."""
    first: dict[tuple[str, str], dt.datetime] = {}
    for fact in view:
        key = (fact.unit_code, fact.period)
        if fact.status in EVER_ACCEPTED and (key not in first or fact.arrival_at < first[key]):
            first[key] = fact.arrival_at
    return first


def on_time(arrived: dt.datetime, due: dt.date) -> bool:
    """The one on-time rule: the first accepted file arrived by the end of the due day (Beijing)."""
    return arrived <= end_of_day(due)


def past_due(due: dt.date, as_of: dt.datetime) -> bool:
    """The due day is over as of `as_of` (its whole day, Beijing): from then on a month
    without an accepted file is 未报送, and it is in the on-time rate."""
    return as_of > end_of_day(due)


def evidence(facts: Iterable[SubmissionFact]) -> tuple[dt.datetime | None, bool]:
    """What a unit's month has received (facts of the as-of view, for that unit and month):
    the arrival of its first accepted file, and whether a rejected one came."""
    facts = list(facts)
    accepted = [f.arrival_at for f in facts if f.status in EVER_ACCEPTED]
    return min(accepted, default=None), any(f.status == FileStatus.REJECTED for f in facts)


def month_status(first_accepted: dt.datetime | None, rejected: bool, due: dt.date, as_of: dt.datetime) -> UnitStatus:
    """A unit's status for one month it owes, due on `due`.

    on_time/late by the first accepted file (a later rejected correction changes nothing);
    rejected when only rejected files came; not_due before the due day passes; else missing.
    """
    if first_accepted is not None:
        return UnitStatus.ON_TIME if on_time(first_accepted, due) else UnitStatus.LATE
    if rejected:
        return UnitStatus.REJECTED
    return UnitStatus.MISSING if past_due(due, as_of) else UnitStatus.NOT_DUE
