"""The monthly collection flow: the intake, then — once the period's due day has passed —
every unit's status and the 司法局's summary email (once per period unless resent)."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import mail_steps, summary_steps
from flows.intake import intake_run, send_owed_mail
from flows.parameters import AsOf, Period, Units, period_or_default
from flows.setup import Run, prepare


@task(cache_policy=NO_CACHE)
def queue_summary(run: Run, period: str, resend: bool) -> str:
    summary, workbook = summary_steps.build(run, period)
    if run.dry_run:
        return "dry-run"
    email = summary_steps.as_email(run, summary, workbook)
    return mail_steps.deliver(run.store, run.settings, summary_key(period), email, run.as_of, resend)


def summary_key(period: str) -> str:
    return f"summary/{period}"


@flow(name="monthly-collection", log_prints=True)
def monthly(period: Period = None, as_of: AsOf = None, only_units: Units = None, dry_run: bool = False,
            resend: bool = False, inbox: str | None = None, units: str | None = None, db: str | None = None,
            out: str | None = None) -> str:
    """Collect `period` (YYYY-MM, default the month before the as-of date): take new files,
    report every unit's status, and send the summary on the first run after the due day."""
    with prepare(as_of=as_of, dry_run=dry_run, only_units=only_units, inbox=inbox, units=units,
                 db=db, out=out) as run:
        period = period_or_default(period, run.as_of)
        report = intake_run(run, period, period)
        summary = None
        if summary_steps.summary_is_due(run, period) or resend:
            summary = queue_summary(quote(run), period, resend)
        sent = send_owed_mail(quote(run))
        if summary:
            print(f"汇总邮件：{sent.get(summary_key(period), summary)}")
        return report
