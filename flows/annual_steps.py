"""The annual report's steps: the figures (and the year before, for 同比), the files under
reports/<Y>/ (a preview's under reports/<Y>/预览/), their copy on the staff share, what the
run's page shows, and the mail to the 司法局."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from html import escape
from pathlib import Path

import pandas as pd

from connectors.draft_writer import write_draft
from connectors.mail import Email
from connectors.report_writer import copy_to, write_public_data, write_workbook
from flows.artifacts import code_span
from flows.setup import Run
from flows.summary_steps import in_force_rows, year_figures
from xzzf.adjustments import record_rows
from xzzf.annual import figures_json
from xzzf.annual_report import amendments, public_data, verdict, workbook_sheets
from xzzf.catalog import Task, assign
from xzzf.draft import annual_draft
from xzzf.indicators import NAMES, judged, shown, target_text
from xzzf.periods import BEIJING
from xzzf.quality import quality_rows
from xzzf.settings import SettingsError

DISTRICT = "吴忠市红寺堡区"
PREVIEW = "预览"


def year_ended(year: int, moment: dt.datetime) -> bool:
    """The report is about a whole year: its as-of day (Beijing) must be 31 December or later."""
    return moment.astimezone(BEIJING).date() >= dt.date(year, 12, 31)


def refuse_unfinished(year: int, moment: dt.datetime, preview: str = "preview") -> None:
    """A report of a year not ended would be issued and mailed with a part-year's figures as
    the year's; only a preview (`preview`: how to ask for one) may look at them."""
    if not year_ended(year, moment):
        raise SettingsError(f"{year} 年度尚未结束（数据截至 {moment.astimezone(BEIJING):%Y-%m-%d}）："
                            f"年度报告的数据截至日期不能早于 {year}-12-31（{year + 1}-01-01 起可生成）；"
                            f"要先看看当前数据，请勾选“{PREVIEW}”（{preview}）")


def preview_notice(report: dict) -> str:
    """What every preview file and page says, so none is taken for the issued report."""
    return (f"{PREVIEW}：数据截至 {report['as_of']}，仅供查看，不是正式报告"
            "（未记为已报送，未发送）")


def reports(run: Run, year: int) -> tuple[dict, dict | None, dict[str, pd.DataFrame]]:
    """The year's figures, the year before's where it has data, and the rows in force they come
    from (the draft tells what the units did and said from them)."""
    view = run.view()
    rows = in_force_rows(run, view)
    report, previous = year_figures(run, view, rows, year, year - 1, district_only=(year - 1,))  # 同比
    # The decisions about the year's months, as they stood at the as-of time.
    made = [a for a in run.store.adjustments() if a.period.startswith(f"{year}-") and a.decided_at <= run.as_of]
    report["adjustments"] = record_rows(made, run.registry) if made else []
    # The signals of the year's files still open: the figures that rest on unconfirmed numbers.
    still_open = run.open_signals(year, view)
    report["quality"] = quality_rows(still_open, run.registry) if still_open else []
    before = previous["district"]["indicators"]
    return report, previous if before["staff_enforcement"] or before["decisions_total"] else None, rows


def changes_since_issued(run: Run, year: int, report: dict) -> list[list]:
    issued = run.store.latest_issued(year)
    return amendments(issued["figures"], figures_json(report), run.plan(f"{year}-12").tasks) if issued else []


def record_issued(run: Run, year: int, report: dict, files: dict[str, Path], changes: list[list]) -> bool:
    """The first report, and each one whose figures changed, is recorded as issued."""
    if run.store.latest_issued(year) and not changes:
        return False
    shas = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files.values()}
    run.store.record_issued(year, run.as_of.date(), run.as_of, shas, figures_json(report))
    return True


def report_folder(root: Path, year: int, preview: bool) -> Path:
    """<root>/<Y>/, and for a preview <root>/<Y>/预览/: a preview never sits beside, or
    replaces, the issued files staff look for."""
    return root / str(year) / PREVIEW if preview else root / str(year)


def write_files(run: Run, year: int, report: dict, previous: dict | None, rows: dict[str, pd.DataFrame],
                changes: list[list], preview: bool = False) -> dict[str, Path]:
    """The four files; a preview's names, titles and sheets say 预览 (a file copied or sent on
    elsewhere still says what it is)."""
    folder = report_folder(run.settings.out / "reports", year, preview)
    mark, suffix = (f"（{PREVIEW}）", f"-{PREVIEW}") if preview else ("", "")
    notice = preview_notice(report) if preview else None
    plan = run.plan(f"{year}-12")  # the plan in force at the year's end
    tasks = plan.tasks
    assignment = assign(tasks, run.registry)
    figures_file = folder / f"figures-{year}{suffix}.json"
    folder.mkdir(parents=True, exist_ok=True)
    figures_file.write_text(json.dumps(figures_json(report), ensure_ascii=False, indent=1), encoding="utf-8")
    sheets = workbook_sheets(report, previous, tasks, assignment, assignment.unassigned, changes)
    draft = annual_draft(report, previous, rows, tasks, district=DISTRICT, addressee=run.settings.report_addressee,
                         issuer=run.settings.issuer, plan_notice=plan.notice)
    draft = replace(draft, title=draft.title + mark)
    return {
        "figures": figures_file,
        "workbook": write_workbook(folder / f"{year}年度行政执法工作报告{mark}-数据.xlsx", sheets, notice),
        "draft": write_draft(folder / f"{draft.title}（草稿）.docx", draft, run.as_of, notice),
        "public": write_public_data(folder / f"公开数据-{year}{suffix}.xlsx", public_data(report), notice),
    }


def share(run: Run, year: int, files: dict[str, Path], preview: bool) -> tuple[dict[str, Path], str | None]:
    """The files copied to XZZF_REPORTS (the share staff PCs open), each written under a
    temporary name and renamed, so a PC never opens a cut file. A share that cannot be
    written is reported, not raised here: the report is still recorded and mailed."""
    if run.settings.reports is None:
        return {}, None
    folder = report_folder(run.settings.reports, year, preview)
    try:
        return copy_to(files, folder), None
    except OSError as error:
        return {}, f"未能复制到 XZZF_REPORTS（{run.settings.shown_path(folder)}）：{error}"


def as_email(run: Run, year: int, report: dict, files: dict[str, Path], changes: list[list]) -> Email:
    district = report["district"]
    subject = f"【年度报告】{DISTRICT}{year}年度行政执法工作报告（截至 {report['as_of']}）"
    failing = "、".join(NAMES[key] for key in district["failing"]) or "无"
    text = (f"{subject}\n附件：工作报告草稿（Word）、数据工作簿、公开数据。\n全区未达标指标：{failing}\n"
            "四、下一步工作列出了针对存在问题的工作要点，标有【待完善】，请补充后使用。")
    if notice := run.plan(f"{year}-12").notice:  # the year's tasks are another plan's, carried on
        text += f"\n{notice}"
    if changes:
        text += "\n自上次报送以来数据有更正，以下指标发生变化：\n" + "\n".join(
            f"{scope} {name}：{old} → {new}" for scope, name, old, new in changes[1:])
    html = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    return Email(tuple(run.settings.sfj_recipients), subject, html, text,
                 (files["draft"], files["workbook"], files["public"]))


def figure_rows(report: dict) -> list[dict[str, str]]:
    """The district's figures against their targets, as the run's page shows them (the
    workbook's 总体情况 judgement: annual_report.verdict)."""
    return [{"指标": NAMES[key], "全区": shown(key, value), "目标": target_text(key),
             "是否达标": verdict(report, key)[0]} for key, value in report["district"]["indicators"].items()]


def failing_rows(report: dict, tasks: tuple[Task, ...]) -> list[dict[str, str]]:
    """The 通报 list in short: the district's failing figures, then each unit's, by name; a
    cumulative target before its deadline (a preview's) is marked as progress (`tasks`: the
    plan's of the report's year, which the overdue tasks number)."""
    year, as_of = report["year"], dt.date.fromisoformat(report["as_of"])

    def named(key: str, indicators: dict) -> str:
        if key == "tasks_overdue":
            return f"{NAMES[key]}（{shown(key, indicators[key], tasks)}）"
        return NAMES[key] + ("" if judged(key, year, as_of) else "（进度）")

    district = report["district"]
    scopes = [("全区", district["failing"], district["indicators"])]
    scopes += [(u["name"], u["failing"], u["indicators"]) for u in report["units"].values()]
    return [{"范围": name, "未达标指标": "、".join(named(k, indicators) for k in failing)}
            for name, failing, indicators in scopes if failing]


def report_page(run: Run, year: int, report: dict, files: dict[str, Path], shared: dict[str, Path],
                share_error: str | None, preview: bool) -> str:
    """The run's page: where to open the files, the figures and what missed its target. Paths
    are text to copy, never file:// links: a browser will not open a server's path; a path on
    the share is shown as a staff PC opens it (Settings.shown_path)."""
    lines = [f"## {DISTRICT}{year}年度行政执法工作报告{f'（{PREVIEW}）' if preview else ''}", "",
             f"数据截至 {report['as_of']}。"]
    if preview:
        lines += ["", f"> **{preview_notice(report)}**"]
    lines += ["", "### 文件", ""]
    if shared:
        lines += ["在办公电脑上打开共享文件夹（XZZF_REPORTS）中的文件，复制路径到文件资源管理器的地址栏：", ""]
        lines += [f"- {code_span(run.settings.shown_path(path))}" for path in shared.values()]
    else:
        if share_error:
            lines += [f"**{share_error}**", ""]
        elif run.settings.reports is None:
            lines += ["未设置 XZZF_REPORTS（办公电脑可以打开的共享文件夹）：文件只在服务器上，请管理员设置"
                      f"{'' if preview else '；在此之前请用邮件附件'}。", ""]
        lines += ["文件位置：", ""]
        lines += [f"- {code_span(run.settings.shown_path(path))}" for path in files.values()]
    failing = failing_rows(report, run.plan(f"{year}-12").tasks)
    lines += ["", "### 全区指标", "", *_table(figure_rows(report)), "", "### 未达标", ""]
    lines += _table(failing) if failing else ["没有未达标的指标。"]
    return "\n".join(lines) + "\n"


def _table(rows: list[dict[str, str]]) -> list[str]:
    """A markdown table; a `|` or a line break in a cell (a unit's name) cannot break it."""
    def cell(value: str) -> str:
        return " ".join(str(value).split()).replace("|", "\\|")

    head = list(rows[0])
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(cell(row[h]) for h in head) + " |" for row in rows)]
