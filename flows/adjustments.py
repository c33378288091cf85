"""The 司法局's decisions about a unit's month, each a flow the administrator starts from the
Custom run form (or `xzzf adjust | withdraw | revoke`): 延期 or 免报, 撤销受理 of an accepted
file, and 撤回决定 of an earlier decision. Each is checked before anything changes, then
recorded once — with who, when, why and what it changed — and the 调整记录 artifact lists
every decision. A withdrawal (or its revocation) sends the unit a 回执 saying so."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Literal

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from connectors.mail import Email
from connectors.receipt_writer import write_receipt
from connectors.store import StoredSubmission
from flows import mail_steps
from flows.artifacts import answered, beijing, matrix_artifact, run_log, units_artifact
from flows.intake import send_owed_mail
from flows.intake_steps import status_reasons
from flows.parameters import (
    AS_OF,
    DECISION_PERIOD,
    OPERATOR,
    REASON,
    UNIT,
    AsOf,
    DecisionPeriod,
    UnitCode,
    described,
)
from flows.receipt_list import written
from flows.receipt_steps import decision_receipts
from flows.setup import Run, prepare
from xzzf.adjustments import (
    Adjustment,
    AdjustmentError,
    change_text,
    check_adjustment,
    check_revocation,
    record_rows,
    standing,
    unit_text,
)
from xzzf.intake import FileEntry, as_of_view
from xzzf.matrix import reporting_matrix
from xzzf.periods import BEIJING
from xzzf.receipt import first_problem, receipt_lines, receipt_mail, receipt_name
from xzzf.tables import markdown_table
from xzzf.vocabulary import AdjustmentKind, FileStatus

MonthKind = Literal["延期", "免报"]  # AdjustmentKind's labels: the form offers them as a list
_MONTH_KINDS = {kind.label: kind for kind in (AdjustmentKind.EXTENSION, AdjustmentKind.EXEMPTION)}
KIND = described(..., "决定", "延期：该月在延期日期前收到的文件算按时；"
                 "免报：该月不需报送，不计入应报送月数和按时报送率", "延期")
UNTIL = described("", "延期至", "仅“延期”填写：新的截止日期 YYYY-MM-DD，须晚于原截止日；“免报”留空", "2026-11-20",
                  allOf=[{"pattern": r"^(?=|延期至应为 YYYY-MM-DD，如 2026-11-20)(\d{4}-\d{2}-\d{2})?$"}])
NUMBER = described(..., "决定编号", "要撤回的决定的编号（见调整记录的“编号”列）", 1, minimum=1)


@flow(name="adjust-month", log_prints=True)
@answered
def adjust(unit: UnitCode = UNIT, period: DecisionPeriod = DECISION_PERIOD, kind: MonthKind = KIND,
           until: AsOf = UNTIL, reason: str = REASON, operator: str = OPERATOR, as_of: AsOf = AS_OF) -> str:
    """延期 or 免报 for one unit's month."""
    with decision_run(as_of) as run:
        kind = _MONTH_KINDS[kind]
        check_adjustment(kind, run.registry, unit, period, reason, operator,
                         run.obligations().normal_due(period), until if kind == AdjustmentKind.EXTENSION else None)
        return decide(run, None, kind=kind, unit_code=unit, period=period, reason=reason, operator=operator,
                       until=until if kind == AdjustmentKind.EXTENSION else None)


@flow(name="withdraw-submission", log_prints=True)
@answered
def withdraw(unit: UnitCode = UNIT, period: DecisionPeriod = DECISION_PERIOD, reason: str = REASON,
             operator: str = OPERATOR, as_of: AsOf = AS_OF) -> str:
    """撤销受理 of the file in force for one unit's month: the earlier accepted file, if any,
    is in force again. The file, its rows and the decision stay in the store and the archive."""
    with decision_run(as_of) as run:
        check_adjustment(AdjustmentKind.WITHDRAWAL, run.registry, unit, period, reason, operator)
        in_force = _in_force(run, run.view(), unit, period)
        if in_force is None:
            raise AdjustmentError(f"{unit_text(run.registry, unit)} 的 {period} 没有在用（已受理）的文件，无可撤销")
        return decide(run, None, kind=AdjustmentKind.WITHDRAWAL, unit_code=unit, period=period, reason=reason,
                       operator=operator, submission_id=in_force)


@flow(name="revoke-adjustment", log_prints=True)
@answered
def revoke(number: int = NUMBER, reason: str = REASON, operator: str = OPERATOR, as_of: AsOf = AS_OF) -> str:
    """撤回决定: an earlier decision stops holding from now on (it is never edited or deleted)."""
    with decision_run(as_of) as run:
        made = run.store.adjustments()
        target = next((a for a in made if a.id == number), None)
        check_revocation(target, number, made)
        check_adjustment(AdjustmentKind.REVOCATION, run.registry, target.unit_code, target.period, reason, operator)
        reopened = (f"第 {target.signal_id} 号数据质量提醒恢复为待核实" if target.kind == AdjustmentKind.VERIFICATION
                    else None)
        return decide(run, reopened, kind=AdjustmentKind.REVOCATION, unit_code=target.unit_code, period=target.period,
                       reason=reason, operator=operator, revokes=number)


def decision_run(as_of):
    """A decision is recorded at the run's as-of time, which may not be in the future: it
    would hold for runs dated before it was made."""
    return prepare(as_of=as_of, needs_inbox=False, records=True)


def decide(run: Run, said: str | None, **values) -> str:
    """Record the decision with what it changes (`said`, else the unit's month before and
    after), show the 调整记录, and tell the unit of a withdrawal, a revoked 复核, or their undoing."""
    made = run.store.adjustments()
    unit, period = values["unit_code"], values["period"]
    undone = _recheck_undone(run, made, values.get("revokes"))
    if said:
        changes = said
    elif undone:  # the files it changed get their earlier outcomes back
        earlier = {i: (outcome["status"], outcome["period"]) for i, outcome, _ in
                   run.store.rejudged(values["revokes"]) if i in undone}
        changes = "；".join([f"恢复第 {values['revokes']} 号决定之前的结论",
                            *outcome_changes(run, undone, earlier)])
    else:
        (status, in_force) = _state(run, made, unit, period)
        trial = Adjustment(id=max((a.id for a in made), default=0) + 1, decided_at=run.as_of, **values)
        (status_after, in_force_after) = _state(run, [*made, trial], unit, period)
        changes = change_text(status, status_after, in_force, in_force_after)
    decision = run.store.record_adjustment(decided_at=run.as_of, **values, changes=changes)
    line = (f"{decision.label}：{unit_text(run.registry, unit)} {period}，{decision.changes}；"
            f"理由：{decision.reason}；经办人：{decision.operator}")
    run_log().info("已记录%s", line)
    if undone:
        tell_units(run, decision, undone)
        send_owed_mail(run)
    withdrawn = _withdrawal_of(decision, made)
    if withdrawn is not None:
        _tell_unit(run, decision, withdrawn)
        send_owed_mail(run)
    adjustments_artifact(run)
    show_effect(run, period)
    return line


def outcome_changes(run: Run, files: dict[int, StoredSubmission], outcomes: dict[int, tuple[str, str | None]]
                    ) -> list[str]:
    """What a decision that changes files' outcomes (`outcomes`: status and period by file;
    `files`: each as stored before) changes, in the words of the 调整记录: each file's outcome,
    and the status of each unit-month it touches, before and after."""
    decided = run.standing()
    facts = run.store.facts()
    after = [replace(f, status=outcomes[f.id][0], period=outcomes[f.id][1]) if f.id in outcomes else f
             for f in facts]
    obligations = run.obligations(decided)
    views = [as_of_view(version, run.as_of, decided.withdrawn) for version in (facts, after)]

    def status(view, unit, period):
        return obligations.status(unit, period, [f for f in view if f.unit_code == unit and f.period == period],
                                  run.as_of)

    moved: dict[str, list[str]] = {}  # "退回 → 已受理" → the files that moved so
    for i, (status_now, _) in outcomes.items():
        moved.setdefault(f"{FileStatus.label_of(files[i].status)} → {FileStatus.label_of(status_now)}",
                         []).append(files[i].path)
    months: dict[str, list[str]] = {}  # "报送状态 退回 → 按时" → the unit-months so
    for unit, period in sorted({(files[i].unit_code, p) for i, (_, new) in outcomes.items()
                                for p in (files[i].period, new) if p}):
        old, new = (status(view, unit, period) for view in views)
        change = f"报送状态 {old.label} → {new.label}" if old != new else f"报送状态仍为{new.label}"
        months.setdefault(change, []).append(f"{unit_text(run.registry, unit)} {period}")
    return [*(f"{_listed(paths, '个文件')} {change}" for change, paths in moved.items()),
            *(f"{_listed(names, '个单位月份')} {change}" for change, names in months.items())]


def _listed(names: list[str], counted: str) -> str:
    """A few names in full; many as their count and the first (the 调整记录 is a table cell:
    each file and unit is told in its own 回执)."""
    return "、".join(names) if len(names) <= 3 else f"{len(names)} {counted}（{names[0]} 等）"


def _state(run: Run, made: list[Adjustment], unit: str, period: str):
    """The unit's status for the month and the file in force, under the decisions `made`."""
    decided = standing(made, run.as_of)
    view = run.view(decided)
    facts = [f for f in view if f.unit_code == unit and f.period == period]
    status = run.obligations(decided).status(unit, period, facts, run.as_of)
    in_force = _in_force(run, view, unit, period)
    paths = {s.id: s.path for s in run.store.submissions_for(period)}
    return status, paths.get(in_force)


def _in_force(run: Run, view, unit: str, period: str) -> int | None:
    return next((f.id for f in view if f.unit_code == unit and f.period == period
                 and f.status == FileStatus.ACCEPTED), None)


def _recheck_undone(run: Run, made: list[Adjustment], revokes: int | None) -> dict:
    """The files a revoked 复核 changed, as they stand before it is revoked (their 复核 outcome
    is undone: each gets a 回执 saying so); {} for any other decision."""
    target = next((a for a in made if a.id == revokes), None)
    if target is None or target.kind != AdjustmentKind.RECHECK:
        return {}
    return {s.id: s for s in run.store.submissions_by_id([i for i, _, _ in run.store.rejudged(target.id)])}


def _withdrawal_of(decision: Adjustment, made: list[Adjustment]) -> Adjustment | None:
    """The withdrawal a decision makes or undoes, if it is one."""
    if decision.kind == AdjustmentKind.WITHDRAWAL:
        return decision
    target = next((a for a in made if a.id == decision.revokes), None)
    return target if target and target.kind == AdjustmentKind.WITHDRAWAL else None


def _tell_unit(run: Run, decision: Adjustment, withdrawal: Adjustment) -> None:
    """A 回执 for the file, saying it was withdrawn (or restored), in the unit's 回执 folder
    and, where the unit has addresses, by mail once."""
    stored = next(s for s in run.store.submissions_for(withdrawal.period) if s.id == withdrawal.submission_id)
    status = FileStatus.WITHDRAWN if decision.kind == AdjustmentKind.WITHDRAWAL else FileStatus.ACCEPTED
    entry = FileEntry(stored.path, stored.sha256, stored.unit_code, stored.period, status, [], stored.warnings)
    unit = run.registry.get(stored.unit_code)
    said = (f"{decision.label}，{decision.decided_at:%Y-%m-%d}：{decision.changes}。理由：{decision.reason}")
    lines = receipt_lines(entry, unit.name, stored.arrival_at, decision=said)
    # Named by the decision: a later decision on the same file (withdrawn again after a
    # revocation) gets its own 回执 beside the earlier ones, not over them.
    kind = f"第{decision.id}号-" + ("撤销回执" if status == FileStatus.WITHDRAWN else "恢复受理回执")
    path = write_receipt(run.settings.receipts_dir / receipt_name(entry, kind), lines)
    key = f"adjustment/{decision.id}" if unit.email else None
    if key:
        subject, html, text = receipt_mail([entry], unit.name)
        mail_steps.deliver(run.store, run.settings, key,
                           Email(tuple(unit.email), subject, html + f"<p>{escape(said)}</p>", f"{text}\n{said}",
                                 (path,)), run.as_of)
    run.written.append(written(unit.code, [path], key))


def show_effect(run: Run, period: str) -> None:
    """The period's units table and the year's reporting matrix as they stand after a decision:
    its effect shows on the run's page at once, not after the next monthly run."""
    decided = run.standing()
    view, obligations = run.view(decided), run.obligations(decided)
    statuses = obligations.unit_statuses(view, period, run.as_of)
    units_artifact(statuses, status_reasons(run.store, view, obligations, period, statuses), run.registry,
                   period, beijing(run.as_of), run.dry_run, run.settings.calendar_notes(period))
    matrix_artifact(reporting_matrix(view, obligations, int(period[:4]), run.as_of), run.dry_run)


ARTIFACT_CELL = 40  # characters of a long cell the 调整记录 artifact shows: the table fits a 1600 px window


def adjustments_artifact(run: Run) -> None:
    """Every decision ever made (调整记录), for the run's page; a long 内容 or 变化 is cut there
    (the annual workbook's 调整记录 sheet has it whole)."""
    rows = [[_cut(cell) for cell in row] for row in record_rows(run.store.adjustments(), run.registry)]
    create_markdown_artifact(key="adjustments", description="调整记录（司法局的延期、免报、撤销受理和撤回决定）",
                             markdown=f"## 调整记录（截至 {beijing(run.as_of)}）\n\n" + markdown_table(rows))


def _cut(cell):
    text = str(cell)
    return f"{text[:ARTIFACT_CELL]}…" if len(text) > ARTIFACT_CELL + 1 else cell


def tell_units(run: Run, decision: Adjustment, earlier: dict[int, StoredSubmission]) -> None:
    """A 回执 for each file a 复核 (or the revocation of one) changed, as it stands now, saying
    what it was before and why (`earlier`: each file as stored before the decision)."""
    files = run.store.submissions_by_id(earlier)
    said = {}
    for now in files:
        was = earlier[now.id]
        why = first_problem(was.errors) if was.status == FileStatus.REJECTED else ""
        before = f"“{FileStatus.label_of(was.status)}”" + (f"（{why}）" if why else "")
        what = (f"撤回第 {decision.revokes} 号决定（复核），本文件恢复复核前的结论“{FileStatus.label_of(now.status)}”"
                f"（复核结论为{before}）" if decision.kind == AdjustmentKind.REVOCATION else
                f"本文件原结论为{before}，按现行规则重新读取、校验后为“{FileStatus.label_of(now.status)}”")
        said[now.id] = (f"{decision.label}，{decision.decided_at.astimezone(BEIJING):%Y-%m-%d}：{what}。"
                        f"理由：{decision.reason}")
    decision_receipts(run, files, f"{decision.number}-{decision.kind.label}", said, f"adjustment/{decision.id}")
