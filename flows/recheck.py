"""复核: the 司法局 has stored files judged again — one file, one unit's month or a whole
period — with today's rules, each as if it had been judged when it arrived. A decision like
the others (number, reason, operator, as-of, what it changed; revocable): a file whose
outcome changes (退回 → 已受理, or the reverse) changes the file in force, the statuses and
the figures; its unit gets one 复核回执 for it. The earlier outcome stays in the store.

The repair for a store hurt by a run that judged a file wrongly (a past-dated run that took
files not yet arrived as future periods), and for a rule that was wrong."""

from __future__ import annotations

from prefect import flow

from connectors.inbox import InboxFile
from flows import intake_steps as steps
from flows.adjustments import adjustments_artifact, decision_run, outcome_changes, show_effect, tell_units
from flows.artifacts import answered, run_log
from flows.intake import send_owed_mail
from flows.parameters import (
    AS_OF,
    DECISION_PERIOD,
    OPERATOR,
    REASON,
    AsOf,
    DecisionPeriod,
    UnitCode,
    described,
    unit_field,
)
from flows.setup import Run
from xzzf.adjustments import AdjustmentError, check_adjustment, unit_text
from xzzf.periods import BEIJING
from xzzf.problems import Problem
from xzzf.vocabulary import EVER_ACCEPTED, AdjustmentKind, FileStatus
from xzzf.workbook import ParsedWorkbook

RECHECK_UNIT = unit_field("", "单位", "只复核这个单位的文件；留空为该月全部单位的文件")
RECHECK_FILE = described("", "文件", "只复核这一个文件：填写运行报告或回执中的“文件”（如 LQX/2025-12.xlsx）；"
                         "留空为该月（该单位）全部文件", "LQX/2025-12.xlsx")


@flow(name="recheck-files", log_prints=True)
@answered
def recheck(period: DecisionPeriod = DECISION_PERIOD, unit: UnitCode = RECHECK_UNIT, file: str = RECHECK_FILE,
            reason: str = REASON, operator: str = OPERATOR, as_of: AsOf = AS_OF) -> str:
    """复核: judge the stored files of a period (of one unit, or one file) again."""
    with decision_run(as_of) as run:
        check_adjustment(AdjustmentKind.RECHECK, run.registry, unit, period, reason, operator)
        stored = run.store.judged_files(period, unit or None, file or None)
        if not stored:
            where = f"{unit_text(run.registry, unit)} {period}" + (f" 的文件 {file}" if file else "")
            raise AdjustmentError(f"{where} 没有已收到的文件（已撤销受理的除外），无可复核："
                                  "请核对报送期间、单位编码和文件名")
        # A file under the size limit whose archive copy is gone cannot be read again: it keeps
        # its outcome (judged without its bytes it would read as "too big"). One over the limit
        # was never archived, and is judged by its size again.
        readable = [f for f in stored if run.archive.path_of(f[0].sha256).exists()
                    or f[1] > run.settings.max_file_mb << 20]
        lost = len(stored) - len(readable)
        if not readable:
            raise AdjustmentError(f"{unit_text(run.registry, unit)} {period} 的 {lost} 个文件在归档文件夹"
                                  f"（{run.archive.root}）中没有副本，无法复核：请先从备份恢复归档文件夹")
        judged, runner = _judge_again(run, readable)
        before = {s.id: s for s, *_ in readable}
        changed = {i: item for i, item in judged.items()
                   if (before[i].status in EVER_ACCEPTED) != item.accepted}
        _flag([item for item in changed.values() if item.accepted], run, runner)
        changes = _changes(run, before, changed, len(readable))
        if lost:
            changes += f"；另有 {lost} 个文件没有归档副本，无法复核，结论不变"
        decision = run.store.record_recheck(
            {i: steps.new_submission(item) for i, item in changed.items()},
            kind=AdjustmentKind.RECHECK, unit_code=unit, period=period, reason=reason, operator=operator,
            decided_at=run.as_of, changes=changes)
        line = (f"{decision.label}：{unit_text(run.registry, unit)} {period}，{decision.changes}；"
                f"理由：{decision.reason}；经办人：{decision.operator}")
        run_log().info("已记录%s", line)
        if changed:
            tell_units(run, decision, {i: before[i] for i in changed})
            send_owed_mail(run)
        adjustments_artifact(run)
        show_effect(run, period)
        return line


def _judge_again(run: Run, stored) -> tuple[dict[int, steps.Examined], object]:
    """Each stored file read from the archive and judged with today's rules, on the day the
    run that recorded it should have judged it: the later of its arrival and that run's
    as-of (a run dated before the file came judged it as from the future); and the Great
    Expectations runner that checked them (None when none could be read)."""
    scan = steps.Scan({}, [], {})
    for submission, size, mtime, scanned_at in stored:
        judged_at = max(submission.arrival_at, scanned_at)
        item = InboxFile(submission.path, submission.folder, size, mtime, False, judged_at, raw=submission.path)
        # None: over the size limit, never archived (its refusal is made again)
        data = run.archive.get(submission.sha256) if run.archive.path_of(submission.sha256).exists() else None
        reason = steps.refusal(item, data, run.registry, run.settings)
        scan.new.append(steps.Examined(item, submission.unit_code, submission.sha256, data, submission.arrival_at,
                                       ParsedWorkbook(errors=[Problem(reason)] if reason else []),
                                       judged_at.astimezone(BEIJING).date()))
    steps.judge(scan, run.settings, run.registry, run.store.plans())
    return {submission.id: item for (submission, *_), item in zip(stored, scan.new, strict=True)}, scan.runner


def _flag(accepted: list[steps.Examined], run: Run, runner) -> None:
    """A file the 复核 accepts gets its data-quality signals as a newly received file does,
    against the store as of the decision (in `runner`, the one that checked its rows): in its
    复核回执 and the 司法局's list."""
    steps.check_quality(steps.Scan({}, accepted, {}, runner), steps.History(run.store, run.as_of),
                        run.settings, run.registry)


def _changes(run: Run, before: dict, changed: dict[int, steps.Examined], count: int) -> str:
    """What the 复核 changes, in the words of the 调整记录."""
    if not changed:
        return f"复核文件 {count} 个，结论均未改变"
    outcomes = {i: (FileStatus.ACCEPTED if item.accepted else FileStatus.REJECTED, item.period)
                for i, item in changed.items()}
    return "；".join([f"复核文件 {count} 个，改变结论 {len(changed)} 个", *outcome_changes(run, before, outcomes)])
