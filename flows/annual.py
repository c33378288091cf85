"""The annual report flow (task 32, due 每年1月底前): the year's figures, the report
workbook, the Word draft, figures-<Y>.json and the public data, copied to the staff share and
mailed to the 司法局. A year not ended gets only a preview: marked, not issued, not mailed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import annual_steps, mail_steps
from flows.artifacts import answered, beijing, run_log
from flows.intake import send_owed_mail
from flows.parameters import AS_OF, PREVIEW, RESEND, YEAR, AsOf, Year, year_or_default
from flows.setup import Run, prepare
from xzzf.periods import as_of_time
from xzzf.settings import SettingsError
from xzzf.vocabulary import MailStatus


@task(cache_policy=NO_CACHE)
def compute_figures(run: Run, year: int) -> tuple[dict, dict | None, dict[str, pd.DataFrame]]:
    return annual_steps.reports(run, year)


@task(cache_policy=NO_CACHE)
def write_report(run: Run, year: int, report: dict, previous: dict | None, rows: dict[str, pd.DataFrame],
                 changes: list[list], preview: bool) -> dict:
    files = annual_steps.write_files(run, year, report, previous, rows, changes, preview)
    if not preview:  # a preview is never the issued report, nor what a later one amends
        annual_steps.record_issued(run, year, report, files, changes)
    return files


@task(cache_policy=NO_CACHE)
def share_report(run: Run, year: int, files: dict, preview: bool) -> tuple[dict, str | None]:
    return annual_steps.share(run, year, files, preview)


@task(cache_policy=NO_CACHE)
def show_report(run: Run, year: int, report: dict, files: dict, shared: dict, share_error: str | None,
                preview: bool) -> None:
    """The run's page: figures and the report's files, in the UI itself. A preview's keys are
    its own, so it never shows as the year's latest report."""
    key, title = (f"{year}-preview", f"{year} 年度报告（预览，未报送）") if preview else (str(year), f"{year} 年度报告")
    create_table_artifact(key=f"figures-{key}", description=f"{title}：全区指标（数据截至 {beijing(run.as_of)}）",
                          table=annual_steps.figure_rows(report))
    create_markdown_artifact(key=f"report-{key}", description=f"{title}：文件位置、指标和未达标事项",
                             markdown=annual_steps.report_page(run, year, report, files, shared, share_error, preview))


@task(cache_policy=NO_CACHE)
def queue_report(run: Run, year: int, report: dict, files: dict, changes: list[list], resend: bool) -> tuple[str, str]:
    """Owed once (the key, the status); an amended report (figures changed since issued) is owed again."""
    email = annual_steps.as_email(run, year, report, files, changes)
    key = f"annual/{year}" + (f"/amended-{run.as_of:%Y%m%dT%H%M%S}" if changes else "")
    return key, mail_steps.deliver(run.store, run.settings, key, email, run.as_of, resend)


@flow(name="annual-report", log_prints=True)
@answered
def annual(year: Year = YEAR, as_of: AsOf = AS_OF, preview: bool = PREVIEW, resend: bool = RESEND) -> str:
    """Compute year `year`'s figures (default the year before the as-of date) as of the date,
    write the report files, copy them to the share, mail them; or, `preview`, only write them
    marked 预览."""
    if year and not preview:  # empty: the year before the as-of date, which has ended
        # A wrong parameter, refused before the store is opened or a file written. The clock
        # read here is read again by prepare(), later: a year ended now is ended then too.
        annual_steps.refuse_unfinished(year, as_of_time(as_of, dt.datetime.now(dt.UTC)))
    with prepare(as_of=as_of, needs_inbox=False) as run:
        year = year_or_default(year, run.as_of)  # the year before the as-of date: always ended
        report, previous, rows = compute_figures(quote(run), year)
        changes = [] if preview else annual_steps.changes_since_issued(run, year, report)
        files = write_report(quote(run), year, quote(report), quote(previous), quote(rows), quote(changes), preview)
        shared, share_error = share_report(quote(run), year, quote(files), preview)
        show_report(quote(run), year, quote(report), quote(files), quote(shared), share_error, preview)
        if preview:
            print(f"{annual_steps.preview_notice(report)}：{files['figures'].parent}")
            undelivered = None
        else:
            key, queued = queue_report(quote(run), year, quote(report), quote(files), quote(changes), resend)
            status = send_owed_mail(quote(run)).get(key, queued)
            run_log().info("年度报告邮件：%s", MailStatus.label_of(status))
            undelivered = mail_steps.undelivered(f"{year} 年度报告邮件", key, status, run.store)
        if shared:
            print(f"年度报告文件已复制到共享文件夹：{shared['figures'].parent}")
        if share_error:
            # Last, after the report is recorded and mailed: the run fails so that someone
            # sees it, and a re-run (after the share is fixed) copies the files, mailing nothing again.
            raise SettingsError(f"{share_error}。报告文件已在服务器上生成（{files['figures'].parent}）"
                                f"{'' if preview else '，邮件照常发送'}；修好后重新运行即可复制，不会重复发送")
        return undelivered or str(files["figures"].parent)
