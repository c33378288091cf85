"""The year's reporting matrix: reporting units × months, each cell the unit's status for
that month as of a date (按时/逾期/退回/未报送/未到期), with the on-time rate over the months
already due — what the 司法局 looks at before reading anything else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xzzf.figures import rate
from xzzf.intake import SubmissionFact, unit_status
from xzzf.periods import due_day, end_of_day, period_start
from xzzf.units import Registry, Unit
from xzzf.vocabulary import UnitStatus
from xzzf.workdays import WorkCalendar


@dataclass(frozen=True)
class ReportingMatrix:
    year: int
    as_of: dt.datetime
    periods: tuple[str, ...]  # the year's months begun by the as-of date
    due: tuple[bool, ...]  # per period: its due day has passed
    rows: tuple[tuple[Unit, tuple[UnitStatus, ...]], ...]

    def on_time_rate(self, statuses: tuple[UnitStatus, ...] | None = None) -> float | None:
        """按时 over the months whose due day has passed, as the annual figures count it (a
        file already in for a month not yet due counts once that month is due)."""
        rows = [statuses] if statuses is not None else [row for _, row in self.rows]
        owed = [s for row in rows for s, due in zip(row, self.due, strict=True) if due]
        return rate(sum(1 for s in owed if s == UnitStatus.ON_TIME), len(owed))

    def markdown(self, title: str) -> str:
        """A Markdown table the Prefect UI renders: one row a unit, one column a month."""
        months = [f"{int(p[5:])}月" for p in self.periods]
        lines = [f"## {title}", "",
                 f"全区按时报送率：{_percent(self.on_time_rate())}（已到期月份中按时报送的比例）", "",
                 # The rate next to the name: a narrow window scrolls the last months, not it.
                 "| 单位 | 按时报送率 | " + " | ".join(months) + " |",
                 "|---|" + "---|" * (len(months) + 1)]
        for unit, statuses in self.rows:
            lines.append(f"| {_cell(unit.name)}（{unit.code}） | {_percent(self.on_time_rate(statuses))} | "
                         + " | ".join(s.label for s in statuses) + " |")
        lines += ["", "按时：到期日前收到可受理的文件；逾期：到期日后才受理；退回：只收到被退回的文件；"
                  "未报送：到期日已过仍无文件；未到期：到期日还没到。"]
        return "\n".join(lines)


def reporting_matrix(view: list[SubmissionFact], registry: Registry, year: int, as_of: dt.datetime,
                     due_day_of_month: int, calendar: WorkCalendar) -> ReportingMatrix:
    """Each reporting unit's status for each month of `year` begun by `as_of`, from the
    store's as-of view (the same rule as every unit status)."""
    periods = tuple(p for p in (f"{year}-{m:02d}" for m in range(1, 13)) if period_start(p) <= as_of.date())
    facts: dict[tuple[str, str], list[SubmissionFact]] = {}
    for fact in view:
        facts.setdefault((fact.unit_code, fact.period), []).append(fact)
    dues = {p: due_day(p, due_day_of_month, calendar) for p in periods}
    rows = tuple((unit, tuple(unit_status(facts.get((unit.code, p), []), dues[p], as_of) for p in periods))
                 for unit in registry.reporting)
    return ReportingMatrix(year, as_of, periods, tuple(as_of > end_of_day(dues[p]) for p in periods), rows)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "｜").replace("\n", " ")
