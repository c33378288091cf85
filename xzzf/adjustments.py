"""The 司法局's own decisions about a unit's month — 延期, 免报, 撤销受理, 复核 of stored
files — and the revocation of one of them; and what each unit owes for each month once the registry's dates and the
decisions in force are applied.

A decision is a record, never edited: it is in force from its time (the as-of of the run that
made it) until another decision revokes it. "As of D" sees the decisions made by D."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from xzzf.intake import SubmissionFact, evidence, month_status, past_due
from xzzf.periods import BEIJING, due_day, year_periods
from xzzf.units import Registry, RegistryError
from xzzf.vocabulary import AdjustmentKind, UnitStatus
from xzzf.workdays import WorkCalendar


class AdjustmentError(ValueError):
    """A decision refused before anything changes; the message says what to fix."""


@dataclass(frozen=True)
class Adjustment:
    id: int
    kind: AdjustmentKind
    unit_code: str  # "" for a 复核 of a whole period: every unit's files
    period: str
    reason: str
    operator: str  # who decided: the name the administrator gave
    decided_at: dt.datetime  # the as-of of the run that recorded it
    until: dt.date | None = None  # 延期: the new due day
    submission_id: int | None = None  # 撤销受理: the file withdrawn
    revokes: int | None = None  # 撤回决定: the decision revoked
    changes: str = ""  # what it changed, in words, as it stood when it was made
    signal_id: int | None = None  # 已核实: the data-quality signal confirmed

    @property
    def label(self) -> str:
        return f"第 {self.id} 号决定（{self.kind.label}）"

    @property
    def number(self) -> str:
        """How a file named after the decision says which one: 第3号."""
        return f"第{self.id}号"


@dataclass(frozen=True)
class Standing:
    """The decisions in force at one time, by what they do."""

    extensions: dict[tuple[str, str], dt.date] = field(default_factory=dict)  # (unit, period) → due day
    exemptions: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, period) → reason
    withdrawn: frozenset[int] = frozenset()  # submission ids
    verified: frozenset[int] = frozenset()  # data-quality signal ids (已核实)
    adjustments: tuple[Adjustment, ...] = ()  # those in force, oldest first


def standing(decisions: Iterable[Adjustment], as_of: dt.datetime) -> Standing:
    """The decisions made by `as_of` and not revoked by then; of two about the same unit's
    month and kind, the later one holds."""
    made = sorted((d for d in decisions if d.decided_at <= as_of), key=lambda d: (d.decided_at, d.id))
    revoked = {d.revokes for d in made if d.kind == AdjustmentKind.REVOCATION}
    live = tuple(d for d in made if d.kind != AdjustmentKind.REVOCATION and d.id not in revoked)
    return Standing(
        extensions={(d.unit_code, d.period): d.until for d in live if d.kind == AdjustmentKind.EXTENSION},
        exemptions={(d.unit_code, d.period): d.reason for d in live if d.kind == AdjustmentKind.EXEMPTION},
        withdrawn=frozenset(d.submission_id for d in live if d.kind == AdjustmentKind.WITHDRAWAL),
        verified=frozenset(d.signal_id for d in live if d.kind == AdjustmentKind.VERIFICATION),
        adjustments=live,
    )


@dataclass(frozen=True)
class Obligations:
    """What each unit owes for each month, the one place every status, matrix, figure,
    reminder and summary takes it from: owed only while it exists (the registry's dates,
    Unit.owes), due on the due day moved past holidays or on the day an extension gives, or
    not at all where it is exempt (免报)."""

    registry: Registry
    due_day_of_month: int
    calendar: WorkCalendar
    standing: Standing = field(default_factory=Standing)
    # period → due day: asked for each unit and month, while the calendar walks day by day
    _dues: dict[str, dt.date] = field(default_factory=dict, compare=False, repr=False)

    def owes(self, code: str, period: str) -> bool:
        """The unit reports and exists on the month's last day (Unit.owes)."""
        unit = self.registry.get(code)
        return bool(unit and unit.owes(period))

    def normal_due(self, period: str) -> dt.date:
        if period not in self._dues:
            self._dues[period] = due_day(period, self.due_day_of_month, self.calendar)
        return self._dues[period]

    def due(self, code: str, period: str) -> dt.date:
        """An extension only ever moves the due day later."""
        normal = self.normal_due(period)
        return max(normal, self.standing.extensions.get((code, period), normal))

    def exempt(self, code: str, period: str) -> str | None:
        """The reason a unit's month is 免报, or None."""
        return self.standing.exemptions.get((code, period))

    def counts(self, code: str, period: str) -> bool:
        """The month is in the unit's denominators (应报送月数, 按时报送率): owed and not 免报
        (from its due day on: `in_rate`)."""
        return self.owes(code, period) and self.exempt(code, period) is None

    def past_due(self, code: str, period: str, as_of: dt.datetime) -> bool:
        """The unit's own due day for the month is over as of `as_of`: the extended one, or
        for a 免报 month, which no extension concerns, the normal one."""
        exempt = self.exempt(code, period) is not None
        return past_due(self.normal_due(period) if exempt else self.due(code, period), as_of)

    def in_rate(self, code: str, period: str, as_of: dt.datetime) -> bool:
        """The month is in the on-time rate as of `as_of` (owed, not 免报, past its due day):
        the matrix's and the annual figures' denominator alike."""
        return self.counts(code, period) and self.past_due(code, period, as_of)

    def notes(self, code: str, year: int) -> str:
        """What a reader of a unit's months of `year` needs told: the unit set up, merged or
        abolished in the year (the months it did not owe show as —), then the decisions on
        its months: 免报 with its reason, 延期."""
        unit = self.registry.get(code)
        changes = self.registry.changes_of(unit, year) if unit else []
        notes = [f"{day.isoformat()} {what}" for what, day in changes]
        if changes:
            owed = [int(p[5:]) for p in year_periods(year) if self.owes(code, p)]
            notes.append(f"应报送 {owed[0]}—{owed[-1]}月" if len(owed) > 1
                         else f"应报送 {owed[0]}月" if owed else "本年各月均不需报送")
        for period in year_periods(year):
            month = int(period[5:])
            if (reason := self.exempt(code, period)) is not None:
                notes.append(f"{month}月免报（{reason}）")
            elif (due := self.due(code, period)) != self.normal_due(period):
                notes.append(f"{month}月延期至 {due.isoformat()}")
        return "；".join(notes)

    def status(self, code: str, period: str, facts: Iterable[SubmissionFact], as_of: dt.datetime) -> UnitStatus:
        """The unit's status for a month it owes (facts of the as-of view, for that unit and month)."""
        return self.status_of(code, period, *evidence(facts), as_of)

    def status_of(self, code: str, period: str, first_accepted: dt.datetime | None, rejected: bool,
                  as_of: dt.datetime) -> UnitStatus:
        """The unit's status for a month it owes, from what the month received: the arrival of
        its first accepted file, and whether a rejected one came."""
        if self.exempt(code, period) is not None:
            return UnitStatus.EXEMPT
        return month_status(first_accepted, rejected, self.due(code, period), as_of)

    def unit_statuses(self, view: Iterable[SubmissionFact], period: str, as_of: dt.datetime) -> dict[str, UnitStatus]:
        """The status for `period` of every unit that owes it, from the store's as-of view: what
        the run report, the summary, the reminders and the matrix all show."""
        facts: dict[str, list[SubmissionFact]] = {}
        for fact in view:
            if fact.period == period:
                facts.setdefault(fact.unit_code, []).append(fact)
        return {unit.code: self.status(unit.code, period, facts.get(unit.code, []), as_of)
                for unit in self.registry.owing(period)}


def check_adjustment(kind: AdjustmentKind, registry: Registry, unit_code: str, period: str, reason: str,
                   operator: str, normal_due: dt.date | None = None, until: dt.date | None = None) -> None:
    """Refuse a decision that names a unit or month that does not exist, a date in the wrong
    order, or no reason or operator — before anything changes."""
    if not operator.strip():
        raise AdjustmentError("请填写经办人姓名（operator）：每项决定都记录由谁作出")
    if not reason.strip():
        raise AdjustmentError("请填写理由（reason）：每项决定都须写明理由，理由会列入调整记录")
    if kind in (AdjustmentKind.RECHECK, AdjustmentKind.REVOCATION) and not unit_code:  # a whole period's 复核
        return
    try:
        unit = registry.only([unit_code]).units[0]
    except RegistryError as error:
        raise AdjustmentError(f"{error}（请使用单位名册中的单位编码）") from None
    if kind in (AdjustmentKind.REVOCATION, AdjustmentKind.RECHECK, AdjustmentKind.VERIFICATION):  # stored files
        return
    if not unit.owes(period):
        raise AdjustmentError(f"{unit_text(registry, unit.code)}不需报送 {period}：{_why_not_owed(unit, period)}")
    if kind == AdjustmentKind.EXTENSION:
        if until is None:
            raise AdjustmentError("延期须给出延期至的日期（until），如 2026-11-20")
        if normal_due is not None and until <= normal_due:
            raise AdjustmentError(f"延期至 {until.isoformat()} 不晚于 {unit_text(registry, unit.code)} {period} "
                                f"的报送截止日 {normal_due.isoformat()}：延期日期应在截止日之后")


def check_revocation(target: Adjustment | None, number: int, decisions: Iterable[Adjustment]) -> None:
    if target is None:
        raise AdjustmentError(f"没有第 {number} 号决定：请在调整记录中查看决定编号")
    if target.kind == AdjustmentKind.REVOCATION:
        raise AdjustmentError(f"{target.label}本身是撤回决定，不能再撤回；如需恢复，请重新作出原决定")
    if any(d.kind == AdjustmentKind.REVOCATION and d.revokes == target.id for d in decisions):
        raise AdjustmentError(f"{target.label}已被撤回，无需再撤回")


def _why_not_owed(unit, period: str) -> str:
    if not unit.reports:
        return "单位名册中该单位不是报送单位（reports: false），本来就不需要报送"
    if unit.start:
        return f"该单位存续期间为 {unit.start.isoformat()} 至 {unit.end.isoformat() if unit.end else '今'}"
    return f"该单位已于 {unit.end.isoformat()} 撤销"


def change_text(status_before: UnitStatus, status_after: UnitStatus,
                file_before: str | None = None, file_after: str | None = None) -> str:
    """What a decision changed, in the words of the 调整记录: the unit's status for the month,
    and for a withdrawal which file is in force."""
    parts = []
    if file_before != file_after:
        parts.append(f"在用文件 {file_before or '无'} → {file_after or '无'}")
    parts.append(f"报送状态 {status_before.label} → {status_after.label}" if status_before != status_after
                 else f"报送状态仍为{status_after.label}")
    return "；".join(parts)


def unit_text(registry: Registry, code: str) -> str:
    """A unit as every message names it, 柳泉乡（LQX）; "" (a whole period's 复核) is 全部单位."""
    if not code:
        return "全部单位"
    unit = registry.get(code)
    return f"{unit.name}（{code}）" if unit else f"（{code}）"


def record_rows(adjustments: Iterable[Adjustment], registry: Registry) -> list[list]:
    """The 调整记录 as a table (header first): every decision ever made, oldest first, with
    whether it is still in force (a revoked one says by which decision)."""
    adjustments = list(adjustments)
    revoked_by = {a.revokes: a.id for a in adjustments if a.kind == AdjustmentKind.REVOCATION}
    rows = [["编号", "决定", "单位", "报送期间", "内容", "变化", "理由", "经办人", "决定时间", "现状"]]
    for a in adjustments:
        content = {AdjustmentKind.EXTENSION: f"延期至 {a.until.isoformat() if a.until else ''}",
                   AdjustmentKind.EXEMPTION: "该月免报",
                   AdjustmentKind.WITHDRAWAL: "撤销受理该月在用的文件（见“变化”）",
                   AdjustmentKind.RECHECK: "按现行规则重新读取、校验已收到的文件（见“变化”）",
                   AdjustmentKind.REVOCATION: f"撤回第 {a.revokes} 号决定",
                   AdjustmentKind.VERIFICATION: f"第 {a.signal_id} 号数据质量提醒已核实：数据属实，不需更正"}[a.kind]
        state = f"已被第 {revoked_by[a.id]} 号决定撤回" if a.id in revoked_by else "有效"
        rows.append([a.id, a.kind.label, unit_text(registry, a.unit_code), a.period, content,
                     a.changes, a.reason, a.operator, a.decided_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
                     state])
    return rows
