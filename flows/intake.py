"""The intake flow: scan the inbox, read and check new files, record them, report."""

from __future__ import annotations

from collections import Counter

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import intake_steps as steps
from flows import mail_steps, receipt_steps
from flows.artifacts import answered, beijing, period_artifacts, quality_artifact, run_log
from flows.parameters import AS_OF_MOMENT, DRY_RUN, AsOfMoment
from flows.receipt_list import list_receipts
from flows.setup import Run, prepare
from xzzf.periods import previous_period
from xzzf.vocabulary import FileStatus, MailStatus


@task(cache_policy=NO_CACHE)
def send_owed_mail(run: Run) -> dict[str, str]:
    """Every mail owed — this run's and any a previous run could not send — after the work."""
    if run.dry_run:
        return {}
    outcome = mail_steps.send_owed(run.store, run.settings, run.as_of)
    counts = Counter(outcome.values())
    run_log().info("邮件：发送 %d 封，写入文件 %d 封（未设置邮件服务器或没有收件人），"
                   "未能发送 %d 封（下次运行重发），部分收件人暂时拒收 %d 封",
                   *(counts[status] for status in (MailStatus.SENT, MailStatus.WRITTEN, MailStatus.UNSENT,
                                                   MailStatus.DEFERRED)))
    list_receipts(run)  # after sending: each 回执's line says what became of its mail
    return outcome


@task(cache_policy=NO_CACHE)
def examine_inbox(run: Run) -> steps.Scan:
    return steps.examine(run.inbox, run.settings, run.registry, run.store, run.as_of, run.now)


@task(cache_policy=NO_CACHE)
def check_quality(run: Run, scan: steps.Scan) -> None:
    """The accepted new files' data-quality signals, against the store as of the run."""
    raised = steps.check_quality(scan, steps.History(run.store, run.as_of), run.settings, run.registry)
    accepted = sum(1 for item in scan.new if item.accepted)
    if accepted:
        run_log().info("数据质量检查：新受理文件 %d 个，提醒 %d 条", accepted, raised)


@task(cache_policy=NO_CACHE)
def record_scan(run: Run, scan: steps.Scan) -> None:
    steps.record(scan, run.store, run.archive, run.as_of, run.dry_run)


@task(cache_policy=NO_CACHE)
def write_receipts(run: Run) -> int:
    """Every 回执 owed — this run's files and any a previous run left — and its mail queued."""
    if run.dry_run:
        return 0
    return receipt_steps.complete_receipts(run)


@task(cache_policy=NO_CACHE)
def report_run(run: Run, scan: steps.Scan, period: str, name: str) -> str:
    decided = run.standing()
    view, obligations = run.view(decided), run.obligations(decided)
    units = obligations.unit_statuses(view, period, run.as_of)
    path = steps.write_run_report(run.runs_dir(name) / "run-report.json", run.as_of, scan,
                                  period, units)
    reasons = steps.status_reasons(run.store, view, obligations, period, units)
    notes = run.settings.calendar_notes(period)
    period_artifacts(scan.entries, units, reasons, run.registry, period, beijing(run.as_of), run.dry_run,
                     notes)
    quality_artifact(run, view)
    log = run_log()
    for note in notes:
        log.warning("%s", note)
    log.info("%s扫描收件文件夹：共 %d 个文件，新文件 %d 个（已受理 %d 个，退回 %d 个），"
             "重复 %d 个，忽略 %d 个，待处理 %d 个，未到达（晚于数据截至日期，本次不处理）%d 个",
             "【试运行】" if run.dry_run else "", len(scan.entries), len(scan.new),
             sum(1 for item in scan.new if item.accepted), sum(1 for item in scan.new if not item.accepted),
             *(sum(1 for e in scan.entries if e.status == status)
               for status in (FileStatus.DUPLICATE, FileStatus.IGNORED, FileStatus.PENDING,
                                FileStatus.NOT_ARRIVED)))
    log.info("%s 各单位报送状态：%s", period, "，".join(
        f"{status.label} {count}" for status, count in Counter(units.values()).most_common()) or "没有报送单位")
    return str(path)


def intake_run(run: Run, period: str, name: str) -> str:
    """Scan, read, check, record and report: the intake, also the monthly run's first part."""
    # quote(): Prefect would otherwise walk every row of the run's data as task inputs.
    scan = examine_inbox(quote(run))
    check_quality(quote(run), quote(scan))
    record_scan(quote(run), quote(scan))
    write_receipts(quote(run))
    return report_run(quote(run), quote(scan), period, name)


@flow(name="intake", log_prints=True)
@answered
def intake(as_of: AsOfMoment = AS_OF_MOMENT, dry_run: bool = DRY_RUN) -> str:
    """Take every new file in the inbox; report on every file and on the month being collected."""
    with prepare(as_of=as_of, dry_run=dry_run) as run:
        name = f"intake/{run.as_of:%Y-%m-%dT%H-%M-%S}"
        report = intake_run(run, previous_period(run.as_of.date()), name)
        send_owed_mail(quote(run))
        return report
