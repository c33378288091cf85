"""The annual report flow (task 32, due 每年1月底前): the year's figures, the report
workbook, the Word draft, figures-<Y>.json and the public data, mailed to the 司法局."""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import annual_steps, mail_steps
from flows.intake import send_owed_mail
from flows.parameters import AsOf, Year, year_or_default
from flows.setup import Run, prepare
from xzzf.figures import NAMES, shown


@task(cache_policy=NO_CACHE)
def compute_figures(run: Run, year: int) -> tuple[dict, dict | None]:
    return annual_steps.reports(run, year)


@task(cache_policy=NO_CACHE)
def write_report(run: Run, year: int, report: dict, previous: dict | None, changes: list[list]) -> dict:
    files = annual_steps.write_files(run, year, report, previous, changes)
    annual_steps.record_issued(run, year, report, files, changes)
    district = report["district"]["indicators"]
    create_table_artifact(key=f"figures-{year}", description=f"{year} 年全区指标（as-of {report['as_of']}）",
                          table=[{"指标": NAMES[k], "全区": shown(k, v)} for k, v in district.items()])
    create_markdown_artifact(key=f"report-{year}", description=f"{year} 年度报告文件",
                             markdown="\n".join(f"- [{p.name}]({p.resolve().as_uri()})" for p in files.values()))
    return files


@task(cache_policy=NO_CACHE)
def queue_report(run: Run, year: int, report: dict, files: dict, changes: list[list], resend: bool) -> tuple[str, str]:
    """Owed once (the key, the status); an amended report (figures changed since issued) is owed again."""
    email = annual_steps.as_email(run, year, report, files, changes)
    key = f"annual/{year}" + (f"/amended-{run.as_of:%Y%m%dT%H%M%S}" if changes else "")
    return key, mail_steps.deliver(run.store, run.settings, key, email, run.as_of, resend)


@flow(name="annual-report", log_prints=True)
def annual(year: Year = None, as_of: AsOf = None, resend: bool = False, units: str | None = None,
           db: str | None = None, out: str | None = None) -> str:
    """Compute year `year`'s figures (default the year before the as-of date) as of the date,
    write the report files, mail them."""
    with prepare(as_of=as_of, units=units, db=db, out=out, needs_inbox=False) as run:
        year = year_or_default(year, run.as_of)
        report, previous = compute_figures(quote(run), year)
        changes = annual_steps.changes_since_issued(run, year, report)
        files = write_report(quote(run), year, quote(report), quote(previous), quote(changes))
        key, queued = queue_report(quote(run), year, quote(report), quote(files), quote(changes), resend)
        print(f"年度报告邮件：{send_owed_mail(quote(run)).get(key, queued)}")
        return str(files["figures"].parent)
