"""The monthly summary: the period's unit statuses, why files were rejected, what is due
next; written as summary-<period>.xlsx and mailed to the 司法局."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import Path

import pandas as pd

from connectors.mail import Email
from connectors.xlsx_writer import write_tables
from flows import intake_steps
from flows.setup import Run
from xzzf.annual import annual_figures, figures_json
from xzzf.annual_report import amendments
from xzzf.catalog import assign
from xzzf.figures import READ_COLUMNS
from xzzf.intake import SubmissionFact, first_accepted, in_force
from xzzf.periods import due_day, end_of_day, next_period_start, period_of
from xzzf.quality import quality_rows
from xzzf.summary import Summary, build_summary, lateness, upcoming_deadlines


def summary_is_due(run: Run, period: str) -> bool:
    """The summary goes out once the period's due day (moved past holidays) has passed."""
    return run.as_of > end_of_day(due_day(period, run.settings.due_day, run.settings.calendar()))


def build(run: Run, period: str) -> tuple[Summary, Path]:
    decided = run.standing()
    view, obligations = run.view(decided), run.obligations(decided)
    statuses = obligations.unit_statuses(view, period, run.as_of)
    reasons = intake_steps.status_reasons(run.store, view, obligations, period, statuses)
    arrivals = first_accepted(view)
    for code, status in statuses.items():  # 逾期 and 未报送 say when it was due and when it came
        if said := lateness(status, obligations.due(code, period), arrivals.get((code, period)), run.as_of.date()):
            reasons[code] = "；".join(filter(None, (reasons.get(code), said)))
    next_month = period_of(next_period_start(period))
    tasks = run.plan(period_of(run.as_of.date())).tasks
    deadlines = upcoming_deadlines(tasks, assign(tasks, run.registry), run.registry,
                                   run.as_of.date(), due_day(next_month, run.settings.due_day, run.settings.calendar()))
    year = int(period[:4])
    issued = {y: run.store.latest_issued(y) for y in (year - 1, year)}
    years = [year, *([year - 1] if issued[year - 1] else [])]
    figures = dict(zip(years, year_figures(run, view, in_force_rows(run, view), *years), strict=True))
    amended = {}
    for y, was in issued.items():
        if was and (changes := amendments(was["figures"], figures_json(figures[y]), run.plan(f"{y}-12").tasks)):
            amended[f"{y}年度报告更正（报送后数据有变化）"] = changes
    report = figures[year]
    summary = with_plan_notice(build_summary(period, run.as_of.date(), run.registry, statuses, reasons, deadlines,
                                             report, amended, run.plan(f"{year}-12").tasks,
                                             run.settings.calendar_notes(period, next_month),
                                             quality_rows(run.open_signals(view=view), run.registry)),
                               run.plan(period).notice)
    workbook = write_tables(run.runs_dir(period) / f"summary-{period}.xlsx", summary.sheets)
    return summary, workbook


def in_force_rows(run: Run, view: list[SubmissionFact]) -> dict[str, pd.DataFrame]:
    """Every sheet's rows of the submissions in force in the store's as-of view, one frame a
    table and only the columns the figures and the draft read (figures.READ_COLUMNS)."""
    ids = in_force(view)
    # Of every month's 任务进展 snapshot only each task's latest row counts (latest_progress;
    # the view holds no period after the as-of month): read first, the largest table (40 rows a
    # file) is cut to those before the others are read, not held whole beside them.
    progress = run.store.frame("task_progress", READ_COLUMNS["task_progress"], ids)
    tables = {"task_progress": progress.sort_values(["period", "excel_row"]).drop_duplicates(
        ["unit_code", "task_no"], keep="last")}
    del progress
    return tables | {name: run.store.frame(name, columns, ids) for name, columns in READ_COLUMNS.items()
                     if name != "task_progress"}


def year_figures(run: Run, view: list[SubmissionFact], rows: dict[str, pd.DataFrame], *years: int,
                 district_only: tuple[int, ...] = ()) -> list[dict]:
    """Each year's figures as of the run, from the rows in force (one read of the store for all);
    of the years in `district_only`, the district's alone."""
    arrivals, obligations = first_accepted(view), run.obligations()
    tasks = {year: run.plan(f"{year}-12").tasks for year in years}  # a year's report: its plan at year end
    return [annual_figures(year, run.as_of, run.registry, assign(tasks[year], run.registry), tasks[year], rows,
                           arrivals, obligations, district_only=year in district_only) for year in years]


def with_plan_notice(summary: Summary, notice: str | None) -> Summary:
    """The summary opening with the one line saying its year has no plan of its own."""
    if not notice:
        return summary
    return replace(summary, html=f"<p><b>{escape(notice)}</b></p>{summary.html}", text=f"{notice}\n\n{summary.text}")


def as_email(run: Run, summary: Summary, workbook: Path) -> Email:
    return Email(tuple(run.settings.sfj_recipients), summary.subject, summary.html, summary.text, (workbook,))

