"""The monthly collection flow: the intake, then — once the period's due day has passed —
every unit's status and the 司法局's summary email (once per period unless resent)."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import mail_steps, summary_steps
from flows.artifacts import answered, matrix_artifact, run_log
from flows.intake import intake_run, send_owed_mail
from flows.parameters import AS_OF, DRY_RUN, ONLY_UNITS, PERIOD, RESEND, AsOf, Period, Units, period_or_default
from flows.setup import Run, prepare
from xzzf.matrix import reporting_matrix
from xzzf.vocabulary import MailStatus


@task(cache_policy=NO_CACHE)
def queue_summary(run: Run, period: str, resend: bool) -> str:
    """The summary built and owed once (again only when `resend`): a later run of the month,
    one an hour after the due day, neither rebuilds nor rewrites it."""
    if not run.dry_run and not resend and (status := mail_steps.known(run.store, summary_key(period))):
        return status
    summary, workbook = summary_steps.build(run, period)
    if run.dry_run:
        return MailStatus.DRY_RUN
    email = summary_steps.as_email(run, summary, workbook)
    return mail_steps.deliver(run.store, run.settings, summary_key(period), email, run.as_of, resend)


def summary_key(period: str) -> str:
    return f"summary/{period}"


@task(cache_policy=NO_CACHE)
def show_year(run: Run, period: str) -> None:
    """The year's reporting matrix as of the run, for the run's page."""
    decided = run.standing()
    matrix_artifact(reporting_matrix(run.view(decided), run.obligations(decided), int(period[:4]), run.as_of),
                    run.dry_run)


@flow(name="monthly-collection", log_prints=True)
@answered
def monthly(period: Period = PERIOD, as_of: AsOf = AS_OF, only_units: Units = ONLY_UNITS,
            dry_run: bool = DRY_RUN, resend: bool = RESEND) -> str:
    """Collect `period` (YYYY-MM, default the month before the as-of date): take new files,
    report every unit's status, and send the summary on the first run after the due day."""
    with prepare(as_of=as_of, dry_run=dry_run, only_units=only_units) as run:
        period = period_or_default(period, run.as_of)
        report = intake_run(run, period, period)
        show_year(quote(run), period)
        summary = None
        if summary_steps.summary_is_due(run, period) or resend:
            summary = queue_summary(quote(run), period, resend)
        sent = send_owed_mail(quote(run))
        if summary:
            key = summary_key(period)
            status = sent.get(key, summary)
            run_log().info("%s 汇总邮件：%s", period, MailStatus.label_of(status))
            if failed := mail_steps.undelivered(f"{period} 汇总邮件", key, status, run.store):
                return failed
        return report
