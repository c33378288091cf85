"""The monthly summary for the 司法局: who reported, who did not, what is wrong, what is
due next. Everything a unit typed is HTML-escaped here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from xzzf.catalog import Assignment, Task
from xzzf.draft import worst_first
from xzzf.indicators import NAMES, PROGRESS, TIMELINESS_COUNTS, as_cell, judged, target, target_text
from xzzf.naming import listed, worst
from xzzf.quality import QUALITY_SHEET
from xzzf.tables import Sheet, captioned
from xzzf.task_notice import behind, missed_text, overdue_tasks
from xzzf.units import Registry
from xzzf.vocabulary import UnitStatus

HORIZON_DAYS = 60
MARKED = (UnitStatus.LATE, UnitStatus.MISSING)  # the statuses the 报送情况 table makes stand out
MARKED_STYLE = "background:#FFC7CE;font-weight:bold"  # as the workbook's 未达标 fill, and bold


@dataclass(frozen=True)
class Summary:
    subject: str
    sheets: list[Sheet]  # the tables, as the mail shows them and the attached workbook holds them
    html: str
    text: str


def upcoming_deadlines(tasks: tuple[Task, ...], assignment: Assignment, registry: Registry,
                       as_of: dt.date, next_due: dt.date) -> list[list]:
    """Task deadlines and the next reporting due day within the next 60 days."""
    until = as_of + dt.timedelta(days=HORIZON_DAYS)
    rows = [[next_due.isoformat(), "月报报送截止", "全部报送单位"]] if as_of <= next_due <= until else []
    for task in tasks:
        for day in task.deadline.days_between(as_of, until):
            owners = [unit.name for code in assignment.roles.get(task.no, {})
                      if (unit := registry.get(code)).exists_on(day)]
            rows.append([day.isoformat(), task.label, "、".join(owners)])
    return [["截止日期", "事项", "责任单位"], *sorted(rows)]


def figure_rows(report: dict, as_of: dt.date) -> list[list]:
    """Year-to-date figures of the district against their targets, with the units that miss
    them, said as naming.listed says them (never two dozen names in a cell): the furthest from
    the target first; a cumulative target is shown as progress until its deadline."""
    year, units = report["year"], list(report["units"].values())
    rows = [["指标", "全区", "目标", "未达标单位"]]
    for key, value in report["district"]["indicators"].items():
        if key in TIMELINESS_COUNTS:  # its rate says it
            continue
        verdict = short_of(key, units) if judged(key, year, as_of) else PROGRESS if target(key) else ""
        rows.append([NAMES[key], as_cell(key, value), target_text(key), verdict])
    return rows


def short_of(key: str, units: list[dict]) -> str:
    """The units that miss `key`: "大河乡、自然资源局", "除弘德街道外的24个单位；差距最大：…" or
    "25个单位中的20个；差距最大：…" (the five furthest), out of the units it applies to."""
    failing = [u["name"] for u in worst_first(key, units)]
    others = [u["name"] for u in units if key not in u["failing"] and u["indicators"].get(key) is not None]
    few = worst(failing, others)
    return listed(failing, others) + (f"；差距最大：{'、'.join(few)}" if few else "")


def task_rows(report: dict, tasks: tuple[Task, ...]) -> list[list]:
    """任务完成情况: each task some owner is behind on in the report's year, with the deadline
    it means (a yearly task's day that year and its next) and who is behind, every one of
    many owners counted rather than listed (task_notice, as the annual draft says it)."""
    year = report["year"]
    return [["任务", "完成时限", "情况"],
            *([task.label, missed_text(task, year), behind(names, owners)]
              for task, names, owners in overdue_tasks(report, tasks))]


def build_summary(period: str, as_of: dt.date, registry: Registry, statuses: dict[str, str],
                  reasons: dict[str, str], deadlines: list[list], report: dict,
                  amended: dict[str, list[list]], tasks: tuple[Task, ...], notes: Sequence[str] = (),
                  quality: list[list] | None = None) -> Summary:
    """`report`: the year's figures so far, `tasks` the plan's of its year (its tasks' labels).
    `amended`: for each issued annual report whose figures changed since, the changes.
    `notes`: what the mail must say before its tables (the calendar its due days rest on).
    `reasons`: unit code → why it is where it is: its latest file was rejected for this (what
    the unit must fix), 免报 and why, 延期 to when. `quality`: the data-quality signals open
    (xzzf.quality.quality_rows), the 数据质量 sheet when there is any."""
    units = [["单位编码", "单位名称", "报送状态", "说明"]] + [
        [code, registry.get(code).name, UnitStatus.label_of(status),
         reasons.get(code, "")]
        for code, status in statuses.items()]
    # The few units late or missing stand out among two dozen 按时: the whole row marked.
    behind_rows = tuple((number, column) for number, status in enumerate(statuses.values(), start=2)
                        if status in MARKED for column in range(1, len(units[0]) + 1))
    tables = {"报送情况": units, f"{report['year']}年累计指标": figure_rows(report, as_of),
              "任务完成情况": task_rows(report, tasks), "近期截止事项": deadlines, **amended,
              **({QUALITY_SHEET: quality} if quality and len(quality) > 1 else {})}
    heading, day = f"{period} 行政执法月报汇总", as_of.isoformat()
    sheets = [captioned(heading, day, title, rows, behind_rows if title == "报送情况" else ())
              for title, rows in tables.items()]
    subject = f"【行政执法月报】{period} 报送情况汇总（截至 {as_of.isoformat()}）"
    html = "".join([
        f"<h2>{escape(subject)}</h2>",
        f"<p>{escape(overview(statuses))}。</p>",
        *(f"<p><b>注意：</b>{escape(note)}</p>" for note in notes),
        *(f"<h3>{escape(sheet.title)}</h3>{_html_table(sheet.rows, sheet.marked)}" for sheet in sheets),
        "<p>附件为同样内容的 Excel 表格。本邮件由 xzzf 自动发送。</p>",
    ])
    text = "\n".join([subject, f"{overview(statuses)}。", *(f"注意：{note}" for note in notes), "",
                      *(f"{sheet.title}\n" + "\n".join("\t".join(_cell(c) for c in row) for row in sheet.rows) + "\n"
                        for sheet in sheets)])
    return Summary(subject, sheets, html, text)


def overview(statuses: dict[str, str]) -> str:
    """The summary's first line: the units that owe the month, by status; a 免报 unit owes
    nothing, so it is not one of them but is named apart."""
    owing = Counter(s for s in statuses.values() if s != UnitStatus.EXEMPT)
    line = f"应报送单位 {owing.total()} 个"
    if owing:
        line += "：" + "，".join(f"{status.label} {owing[status]} 个" for status in UnitStatus if owing[status])
    exempt = len(statuses) - owing.total()
    return line + (f"；另有免报 {exempt} 个" if exempt else "")


def _cell(value) -> str:
    return "" if value is None else str(value)


def _html_table(rows: list[list], marked: tuple[tuple[int, int], ...] = ()) -> str:
    """A table; the rows with a marked cell bold on the workbook's red fill."""
    head, *body = rows
    cells = "".join(f"<th>{escape(_cell(c))}</th>" for c in head)
    standing_out = {number for number, _ in marked}
    lines = "".join((f'<tr style="{MARKED_STYLE}">' if number in standing_out else "<tr>")
                    + "".join(f"<td>{escape(_cell(c))}</td>" for c in row) + "</tr>"
                    for number, row in enumerate(body, start=2))
    return f'<table border="1" cellspacing="0" cellpadding="4"><tr>{cells}</tr>{lines}</table>'


def lateness(status: str, due: dt.date, arrived: dt.datetime | None, as_of: dt.date) -> str:
    """说明 of a unit 逾期 or 未报送: when it was due and when (or whether) it came."""
    if status == UnitStatus.LATE and arrived is not None:
        days = (arrived.date() - due).days
        return f"截止 {due.isoformat()}，{arrived.date().isoformat()} 报送，晚 {days} 天"
    if status == UnitStatus.MISSING:
        return f"截止 {due.isoformat()}，截至 {as_of.isoformat()} 未收到"
    return ""
