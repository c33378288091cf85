"""The year's reporting matrix: reporting units × months, each cell the unit's status for
that month as of a date (按时/逾期/退回/未报送/未到期/免报; — where the unit did not exist),
with the on-time rate over the months already due — what the 司法局 looks at before reading
anything else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xzzf.adjustments import Obligations
from xzzf.figures import rate
from xzzf.intake import SubmissionFact
from xzzf.periods import period_start, year_periods
from xzzf.tables import markdown_cell
from xzzf.units import Unit
from xzzf.vocabulary import UnitStatus


@dataclass(frozen=True)
class MatrixRow:
    unit: Unit
    statuses: tuple[UnitStatus | None, ...]  # per period; None: the unit did not owe it (not yet, no longer)
    owed: tuple[bool, ...]  # per period: in the on-time rate (owed, not 免报, its own due day passed)
    notes: str = ""  # the 司法局's decisions on its months: 免报 and why, 延期


@dataclass(frozen=True)
class ReportingMatrix:
    year: int
    as_of: dt.datetime
    periods: tuple[str, ...]  # the year's months begun by the as-of date
    rows: tuple[MatrixRow, ...]

    def on_time_rate(self, row: MatrixRow | None = None) -> float | None:
        """按时 over the months owed whose due day has passed, as the annual figures count it
        (a file already in for a month not yet due counts once that month is due; a 免报
        month is not owed)."""
        rows = [row] if row is not None else self.rows
        owed = [s for r in rows for s, counted in zip(r.statuses, r.owed, strict=True) if counted]
        return rate(sum(1 for s in owed if s == UnitStatus.ON_TIME), len(owed))

    def markdown(self, title: str) -> str:
        """A Markdown table the Prefect UI renders: one row a unit, one column a month."""
        months = [f"{int(p[5:])}月" for p in self.periods]
        lines = [f"## {title}", "",
                 f"全区按时报送率：{_percent(self.on_time_rate())}（已到期月份中按时报送的比例）", "",
                 # The rate next to the name: a narrow window scrolls the last months, not it.
                 "| 单位 | 按时报送率 | " + " | ".join(months) + " |",
                 "|---|" + "---|" * (len(months) + 1)]
        for row in self.rows:
            lines.append(f"| {markdown_cell(row.unit.name)}（{row.unit.code}） | {_percent(self.on_time_rate(row))} | "
                         + " | ".join(s.label if s else "—" for s in row.statuses) + " |")
        decided = [f"- {markdown_cell(row.unit.name)}（{row.unit.code}）：{markdown_cell(row.notes)}"
                   for row in self.rows if row.notes]
        lines += ["", "说明（单位变动和司法局的决定）：", "", *decided] if decided else []
        lines += ["", "按时：到期日前收到可受理的文件；逾期：到期日后才受理；退回：只收到被退回的文件；"
                  "未报送：到期日已过仍无文件；未到期：到期日还没到；免报：司法局决定该月不需报送，"
                  "不计入按时报送率；—：该单位当月尚未设立或已撤并，不需报送。"]
        return "\n".join(lines)


def reporting_matrix(view: list[SubmissionFact], obligations: Obligations, year: int,
                     as_of: dt.datetime) -> ReportingMatrix:
    """Each reporting unit of `year`'s status for each month begun by `as_of`, from the
    store's as-of view: each month's Obligations.unit_statuses, as the run report and the
    summary give them, and the on-time rate over Obligations.in_rate, as the annual figures
    count it."""
    periods = tuple(p for p in year_periods(year) if period_start(p) <= as_of.date())
    by_period = [obligations.unit_statuses(view, p, as_of) for p in periods]
    rows = []
    for unit in obligations.registry.in_year(year):
        if not unit.reports:
            continue
        statuses = tuple(month.get(unit.code) for month in by_period)  # None: not owed
        owed = tuple(obligations.in_rate(unit.code, p, as_of) for p in periods)
        rows.append(MatrixRow(unit, statuses, owed, obligations.notes(unit.code, year)))
    return ReportingMatrix(year, as_of, periods, tuple(rows))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"
