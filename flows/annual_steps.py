"""The annual report's steps: the figures (and the year before, for 同比), the files under
reports/<Y>/, and the mail to the 司法局."""

from __future__ import annotations

import json
from pathlib import Path

from connectors.mail import Email
from connectors.report_writer import write_draft, write_public_data, write_workbook
from flows.setup import Run
from flows.summary_steps import year_figures
from xzzf.annual import figures_json
from xzzf.annual_report import draft_sections, public_data, workbook_sheets
from xzzf.catalog import assign, load_catalog

DISTRICT = "吴忠市红寺堡区"


def reports(run: Run, year: int) -> tuple[dict, dict | None]:
    """The year's figures, and the year before's where it has data."""
    report, previous = year_figures(run, year), year_figures(run, year - 1)
    before = previous["district"]["indicators"]
    return report, previous if before["staff_enforcement"] or before["decisions_total"] else None


def write_files(run: Run, year: int, report: dict, previous: dict | None) -> dict[str, Path]:
    folder = run.settings.out / "reports" / str(year)
    tasks = load_catalog()
    assignment = assign(tasks, run.registry)
    figures_file = folder / f"figures-{year}.json"
    folder.mkdir(parents=True, exist_ok=True)
    figures_file.write_text(json.dumps(figures_json(report), ensure_ascii=False, indent=1), encoding="utf-8")
    sheets = workbook_sheets(report, previous, tasks, assignment, assignment.unassigned)
    title, sections = draft_sections(report, DISTRICT)
    return {
        "figures": figures_file,
        "workbook": write_workbook(folder / f"{year}年度行政执法工作报告-数据.xlsx", sheets),
        "draft": write_draft(folder / f"{title}（草稿）.docx", title, sections),
        "public": write_public_data(folder / f"公开数据-{year}.xlsx", public_data(report)),
    }


def as_email(run: Run, year: int, report: dict, files: dict[str, Path]) -> Email:
    district = report["district"]
    subject = f"【年度报告】{DISTRICT}{year}年度行政执法工作报告（截至 {report['as_of']}）"
    failing = "、".join(district["failing"]) or "无"
    text = (f"{subject}\n附件：工作报告草稿（Word）、数据工作簿、公开数据。\n全区未达标指标：{failing}\n"
            "四、下一步工作为待填写的占位内容。")
    html = "".join(f"<p>{line}</p>" for line in text.splitlines())  # our own text: nothing a unit typed
    return Email(tuple(run.settings.sfj_recipients), subject, html, text,
                 (files["draft"], files["workbook"], files["public"]))
