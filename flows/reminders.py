"""The reminders flow, daily at 08:30 Beijing (after the intake's first hourly run): 报送提醒
before a month's due day with the unit's pre-filled template, 催报 after it and the list to the
司法局, 任务提醒 before a task's 完成时限 (the rules: xzzf.reminders). Each is owed once in the
mail ledger, then everything owed is sent — so a notice whose mail could not go out is sent by
the next run, once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from connectors.mail import Email
from connectors.template_writer import write_template
from flows import mail_steps
from flows.artifacts import answered, noted, report_artifact, run_log
from flows.intake import send_owed_mail
from flows.parameters import AS_OF, DRY_RUN, ONLY_UNITS, AsOf, Units
from flows.setup import Run, prepare
from flows.task_steps import plan
from flows.task_steps import task_notices as unit_task_notices
from flows.templates import PREFILLED
from xzzf.catalog import assign
from xzzf.intake import in_force
from xzzf.periods import period_of, previous_period
from xzzf.reminders import (
    Notice,
    NoticeKind,
    TemplateFor,
    due_notices,
    overdue_notices,
    reminder_periods,
    task_notices,
)
from xzzf.tables import markdown_table
from xzzf.template import unit_template
from xzzf.vocabulary import MailStatus


@task(cache_policy=NO_CACHE)
def find_notices(run: Run, whole: bool) -> list[Notice]:
    """Every notice due as of the run, whether or not an earlier run already owed it."""
    decided = run.standing()
    view, obligations = run.view(decided), run.obligations(decided)
    today = run.as_of.date()
    told = unit_task_notices(run, view)
    notices = []
    for period in reminder_periods(today):
        notices += due_notices(obligations, period, obligations.unit_statuses(view, period, run.as_of),
                               run.as_of, run.settings.remind_days, told)
    collected = previous_period(today)
    notices += overdue_notices(obligations, collected, obligations.unit_statuses(view, collected, run.as_of),
                               run.as_of, tuple(run.settings.sfj_recipients), told, with_list=whole)
    tasks, assignment = plan(run, period_of(today))
    notices += task_notices(tasks, assignment, run.registry,
                            run.store.rows("task_progress", in_force(view)), run.as_of, told)
    return notices


@task(cache_policy=NO_CACHE)
def owe_notices(run: Run, notices: list[Notice]) -> dict[str, str]:
    """The notices no earlier run owed, each put in the mail ledger with its template attached
    (a dry run: only listed); key → status."""
    fresh = [notice for notice in notices if not mail_steps.known(run.store, notice.key)]
    if run.dry_run:
        return {notice.key: MailStatus.DRY_RUN for notice in fresh}
    sources = None
    owed = {}
    for notice in fresh:
        attachments = ()
        if notice.template:
            sources = sources or _template_sources(run)  # read once, and only when a template is due
            attachments = (_template(run, notice.template, sources),)
        email = Email(notice.to, notice.subject, notice.html, notice.text, attachments)
        owed[notice.key] = mail_steps.deliver(run.store, run.settings, notice.key, email, run.as_of)
    return owed


def _template_sources(run: Run) -> dict[str, list[dict]]:
    """The rows the templates are pre-filled from, of the files in force as of the run."""
    ids = in_force(run.view())
    return {table: run.store.rows(table, ids) for table in PREFILLED}


def _template(run: Run, wanted: TemplateFor, stored: dict[str, list[dict]]) -> Path:
    """The unit's template for the month (the tasks of the plan in force for it), kept beside
    the run's other outputs; its mail carries a copy (the .eml is built at once)."""
    assignment = assign(run.plan(wanted.period).tasks, run.registry)
    template = unit_template(wanted.unit, wanted.period, wanted.due, assignment, stored, run.registry)
    return write_template(run.runs_dir(f"reminders/{wanted.period}") / wanted.unit.code / template.file_name,
                          template)


def show_notices(run: Run, notices: list[Notice], statuses: dict[str, str], resent: int) -> str:
    """The run's page: what it owed and what became of each mail; the run's one-line outcome."""
    mine = [notice for notice in notices if notice.key in statuses]
    counts = Counter(notice.kind for notice in mine)
    tally = "，".join(f"{kind} {counts[kind]} 封" for kind in NoticeKind)
    title = f"提醒邮件（数据截至 {run.as_of:%Y-%m-%d}）：{tally}"
    rows = [["类型", "收件单位", "事项", "收件人", "邮件"]] + [
        [notice.kind, notice.whom, notice.about, "、".join(notice.to) or "（无收件人）",
         MailStatus.label_of(statuses[notice.key])] for notice in mine]
    body = markdown_table(rows) if mine else "今天没有需要发送的提醒（已发送过的提醒不再发送）。"
    if resent:
        body += f"\n\n此前未能发送的邮件本次补发 {resent} 封。"
    notes = run.settings.calendar_notes(*reminder_periods(run.as_of.date()))
    shown = report_artifact("reminders", title, body + noted(notes), run.dry_run)
    log = run_log()
    log.info("%s", shown)
    for note in notes:
        log.warning("%s", note)
    for notice in mine:
        log.info("%s：%s，%s（%s）", notice.kind, notice.whom, notice.about, MailStatus.label_of(statuses[notice.key]))
    return shown


@flow(name="reminders", log_prints=True)
@answered
def reminders(as_of: AsOf = AS_OF, only_units: Units = ONLY_UNITS, dry_run: bool = DRY_RUN) -> str:
    """Remind the units, each notice once: 报送提醒 before a month's due day (template attached),
    催报 after it (and the list to the 司法局), 任务提醒 before a task's 完成时限."""
    with prepare(as_of=as_of, dry_run=dry_run, only_units=only_units, needs_inbox=False, records=True) as run:
        notices = find_notices(quote(run), whole=not only_units)
        owed = owe_notices(quote(run), quote(notices))
        sent = send_owed_mail(quote(run))
        failed = [key for key, status in sent.items() if status == MailStatus.UNSENT]
        outcome = show_notices(run, notices, {key: sent.get(key, status) for key, status in owed.items()},
                               sum(1 for key in sent if key not in owed and key not in failed))
        if failed and (state := mail_steps.undelivered(f"{len(failed)} 封邮件", failed[0], MailStatus.UNSENT,
                                                        run.store)):
            return state
        return outcome
