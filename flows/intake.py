"""The intake flow: scan the inbox, read and check new files, record them, report."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import intake_steps as steps
from flows import mail_steps, receipt_steps
from flows.setup import Run, prepare
from xzzf.intake import as_of_view
from xzzf.periods import previous_period


@task(cache_policy=NO_CACHE)
def send_owed_mail(run: Run) -> dict[str, str]:
    """Every mail owed — this run's and any a previous run could not send — after the work."""
    return {} if run.dry_run else mail_steps.send_owed(run.store, run.settings, run.as_of)


@task(cache_policy=NO_CACHE)
def examine_inbox(run: Run) -> steps.Scan:
    return steps.examine(run.inbox, run.settings, run.registry, run.store, run.as_of, run.now)


@task(cache_policy=NO_CACHE)
def record_scan(run: Run, scan: steps.Scan) -> None:
    steps.record(scan, run.store, run.archive, run.as_of, run.dry_run)


@task(cache_policy=NO_CACHE)
def write_receipts(run: Run) -> int:
    """Every 回执 owed — this run's files and any a previous run left — and its mail queued."""
    if run.dry_run:
        return 0
    return receipt_steps.complete_receipts(run.store, run.archive, run.registry, run.settings, run.as_of)


@task(cache_policy=NO_CACHE)
def report_run(run: Run, scan: steps.Scan, period: str, name: str) -> str:
    units = steps.unit_statuses(as_of_view(run.store.facts(), run.as_of), run.registry, period, run.as_of,
                                run.settings)
    path = steps.write_run_report(run.runs_dir(name) / "run-report.json", run.as_of, scan,
                                  period, units)
    create_table_artifact(
        key=f"submissions-{period}", description=f"报送文件（{period}，as-of {run.as_of:%Y-%m-%d %H:%M}）",
        table=[{"文件": e.path, "单位": e.unit, "期间": e.period, "状态": e.status,
                "错误数": len(e.errors), "警告数": len(e.warnings)} for e in scan.entries])
    create_table_artifact(
        key=f"units-{period}", description=f"各单位报送状态（{period}）",
        table=[{"单位": code, "状态": status} for code, status in units.items()])
    return str(path)


def intake_run(run: Run, period: str, name: str) -> str:
    """Scan, read, check, record and report: the intake, also the monthly run's first part."""
    # quote(): Prefect would otherwise walk every row of the run's data as task inputs.
    scan = examine_inbox(quote(run))
    record_scan(quote(run), quote(scan))
    write_receipts(quote(run))
    return report_run(quote(run), quote(scan), period, name)


@flow(name="intake", log_prints=True)
def intake(as_of: dt.date | dt.datetime | None = None, dry_run: bool = False, inbox: str | None = None,
           units: str | None = None, db: str | None = None, out: str | None = None) -> str:
    """Take every new file in the inbox; report on every file and on the month being collected."""
    with prepare(as_of=as_of, dry_run=dry_run, inbox=inbox, units=units, db=db, out=out) as run:
        name = f"intake/{run.as_of:%Y-%m-%dT%H-%M-%S}"
        report = intake_run(run, previous_period(run.as_of.date()), name)
        send_owed_mail(quote(run))
        return report
