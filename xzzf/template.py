"""What a unit's blank workbook for a period contains: 基本信息 filled, last month's roster,
open complaints and task statuses pre-filled, the tasks it owes, and 填报说明 written
from the schema and the rule table."""

from __future__ import annotations

from dataclasses import dataclass, field

from xzzf.catalog import Assignment, load_catalog
from xzzf.rules import CELL_RULES, OWED_TASKS, RULES
from xzzf.schema import BASIC_INFO, SHEETS, TEMPLATE_VERSIONS, Column, Kind
from xzzf.units import Unit

INSTRUCTIONS_SHEET = "填报说明"
_KIND_TEXT = {Kind.TEXT: "文本", Kind.IDENT: "文本（编号按原样填写）", Kind.ENUM: "从下拉列表选择",
              Kind.YESNO: "是 / 否", Kind.DATE: "日期，如 2026-03-05", Kind.NUMBER: "数字",
              Kind.INTEGER: "整数", Kind.MONEY: "金额（元），数字"}


@dataclass
class Template:
    unit: Unit
    period: str
    info: list[tuple[str, object]]
    rows: dict[str, list[dict]] = field(default_factory=dict)  # sheet name → rows by internal column name
    instructions: list[list[str]] = field(default_factory=list)
    task_titles: dict[int, str] = field(default_factory=dict)  # shown as a note on 任务序号


def choices(column: Column) -> tuple[str, ...]:
    """The drop-down list of an enumerated or 是/否 column."""
    return column.choices if column.kind is Kind.ENUM else ("是", "否") if column.kind is Kind.YESNO else ()


def build_template(unit: Unit, period: str, assignment: Assignment, roster: list[dict],
                   open_complaints: list[dict], task_states: dict[int, dict]) -> Template:
    """The template of `unit` for `period`, pre-filled from its last accepted data."""
    values = {"unit_code": unit.code, "unit_name": unit.name, "period": period,
              "template_version": TEMPLATE_VERSIONS[-1]}
    info = [(c.header, values.get(c.name)) for c in BASIC_INFO]
    owed = assignment.tasks_of(unit.code)
    progress = [{**task_states.get(no, {}), "task_no": no} for no in owed]
    rows = {"roster": roster, "complaints": open_complaints, "task_progress": progress}
    titles = {task.no: f"任务 {task.no}：{task.title}（完成时限：{task.deadline.phrase}）"
              for task in load_catalog() if task.no in owed}
    return Template(unit, period, info, rows, instructions(), titles)


def instructions() -> list[list[str]]:
    """填报说明: for each sheet its columns, then every rule with its severity."""
    lines = [["行政执法月报填报说明（模板版本 " + TEMPLATE_VERSIONS[-1] + "）"],
             ["请勿删除、改名或增加工作表和列；第 1 行为列名，数据从第 2 行开始；每月报送本单位上月数据。"],
             ["“错误”会导致整个文件被退回，“提醒”不影响采用。"], []]
    for sheet in SHEETS:
        lines += [[f"【{sheet.title}】"], ["列名", "填写要求", "可选值"]]
        lines += [[c.header, _KIND_TEXT[c.kind] + ("，必填" if c.required else ""), "、".join(choices(c))]
                  for c in sheet.columns]
        lines += [[_severity(r.severity), r.message] for r in RULES if _sheet_of(r) == sheet.name
                  and not r.id.endswith((".required", ".choice"))]
        lines.append([])
    return [*lines, ["【所有工作表】"], *([_severity(r.severity), r.message] for r in CELL_RULES)]


def _sheet_of(rule) -> str:
    return "task_progress" if rule.sheet == OWED_TASKS else rule.sheet


def _severity(severity: str) -> str:
    return "错误" if severity == "error" else "提醒"


def prefill(rows: dict[str, list[dict]], period: str) -> tuple[list[dict], list[dict], dict[int, dict]]:
    """From one unit's accepted rows (each with its `period`): the roster of its latest
    month before `period`, its complaints still open in their latest version, and the latest
    status of each task. Values are put back as the clerk typed them (是/否 as text)."""
    earlier = {table: [r for r in records if r["period"] < period] for table, records in rows.items()}
    roster_rows = earlier.get("roster", [])
    last = max((r["period"] for r in roster_rows), default=None)
    roster = [_as_typed("roster", r) for r in roster_rows if r["period"] == last]
    complaints = [_as_typed("complaints", r) for r in _latest_by(earlier.get("complaints", []), "complaint_no")
                  if r["closed_on"] is None]
    states = {r["task_no"]: _as_typed("task_progress", r)
              for r in _latest_by(earlier.get("task_progress", []), "task_no")}
    return roster, complaints, states


def _latest_by(records: list[dict], key: str) -> list[dict]:
    latest: dict = {}
    for record in sorted(records, key=lambda r: (r["period"], r.get("excel_row", 0))):
        latest[record[key]] = record
    return list(latest.values())


def _as_typed(table: str, record: dict) -> dict:
    sheet = next(s for s in SHEETS if s.name == table)
    return {c.name: ("是" if record[c.name] else "否") if c.kind is Kind.YESNO and record[c.name] is not None
            else record[c.name] for c in sheet.columns}
