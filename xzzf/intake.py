"""Intake decisions that need no database: arrival times, file statuses, unit statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from xzzf.periods import end_of_day


def arrival_time(mtime: dt.datetime, last_scan: dt.datetime | None) -> dt.datetime:
    """A file arrives at its mtime, but never before the last scan that did not see it."""
    return max(mtime, last_scan) if last_scan else mtime


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
    """What the unit-status rule needs to know of one recorded file."""

    unit_code: str | None
    period: str | None
    status: str
    arrival_at: dt.datetime


def unit_status(facts: Iterable[SubmissionFact], due: dt.date, as_of: dt.datetime) -> str:
    """A unit's status for one period (facts already limited to that unit and period).

    on_time/late by the first accepted file (a later rejected correction changes nothing);
    rejected when only rejected files came; not_due before the due day passes; else missing.
    """
    facts = list(facts)
    accepted = [f.arrival_at for f in facts if f.status in ("accepted", "superseded")]
    if accepted:
        return "on_time" if min(accepted) <= end_of_day(due) else "late"
    if any(f.status == "rejected" for f in facts):
        return "rejected"
    return "not_due" if as_of <= end_of_day(due) else "missing"
