"""The annual report's steps: the figures (and the year before, for 同比), the files under
reports/<Y>/, and the mail to the 司法局."""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path

from connectors.mail import Email
from connectors.report_writer import write_draft, write_public_data, write_workbook
from flows.setup import Run
from flows.summary_steps import year_figures
from xzzf.annual import figures_json
from xzzf.annual_report import Sheet, amendments, draft_sections, public_data, workbook_sheets
from xzzf.catalog import assign, load_catalog
from xzzf.figures import NAMES
from xzzf.intake import as_of_view

DISTRICT = "吴忠市红寺堡区"


def reports(run: Run, year: int) -> tuple[dict, dict | None]:
    """The year's figures, and the year before's where it has data."""
    report, previous = year_figures(run, as_of_view(run.store.facts(), run.as_of), year, year - 1)
    before = previous["district"]["indicators"]
    return report, previous if before["staff_enforcement"] or before["decisions_total"] else None


def changes_since_issued(run: Run, year: int, report: dict) -> list[list]:
    issued = run.store.latest_issued(year)
    return amendments(issued["figures"], figures_json(report)) if issued else []


def record_issued(run: Run, year: int, report: dict, files: dict[str, Path], changes: list[list]) -> bool:
    """The first report, and each one whose figures changed, is recorded as issued."""
    if run.store.latest_issued(year) and not changes:
        return False
    shas = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files.values()}
    run.store.record_issued(year, run.as_of.date(), run.as_of, shas, figures_json(report))
    return True


def write_files(run: Run, year: int, report: dict, previous: dict | None, changes: list[list]) -> dict[str, Path]:
    folder = run.settings.out / "reports" / str(year)
    tasks = load_catalog()
    assignment = assign(tasks, run.registry)
    figures_file = folder / f"figures-{year}.json"
    folder.mkdir(parents=True, exist_ok=True)
    figures_file.write_text(json.dumps(figures_json(report), ensure_ascii=False, indent=1), encoding="utf-8")
    sheets = workbook_sheets(report, previous, tasks, assignment, assignment.unassigned)
    if changes:
        sheets.append(Sheet("更正说明", changes))
    title, sections = draft_sections(report, DISTRICT)
    return {
        "figures": figures_file,
        "workbook": write_workbook(folder / f"{year}年度行政执法工作报告-数据.xlsx", sheets),
        "draft": write_draft(folder / f"{title}（草稿）.docx", title, sections),
        "public": write_public_data(folder / f"公开数据-{year}.xlsx", public_data(report)),
    }


def as_email(run: Run, year: int, report: dict, files: dict[str, Path], changes: list[list]) -> Email:
    district = report["district"]
    subject = f"【年度报告】{DISTRICT}{year}年度行政执法工作报告（截至 {report['as_of']}）"
    failing = "、".join(NAMES[key] for key in district["failing"]) or "无"
    text = (f"{subject}\n附件：工作报告草稿（Word）、数据工作簿、公开数据。\n全区未达标指标：{failing}\n"
            "四、下一步工作为待填写的占位内容。")
    if changes:
        text += "\n自上次报送以来数据有更正，以下指标发生变化：\n" + "\n".join(
            f"{scope} {name}：{old} → {new}" for scope, name, old, new in changes[1:])
    html = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    return Email(tuple(run.settings.sfj_recipients), subject, html, text,
                 (files["draft"], files["workbook"], files["public"]))
