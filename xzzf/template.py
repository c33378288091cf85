"""What a unit's blank workbook for a period contains: 基本信息 filled, last month's roster,
open complaints and task statuses pre-filled, the tasks it owes with their titles, and
填报说明: the due day, where to put the file and how to save it, then every sheet's columns
and rules, written from the schema and the rule table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xzzf import cells
from xzzf.catalog import Assignment, Task
from xzzf.rules import CELL_RULES, OWED_TASKS, RULES
from xzzf.schema import BASIC_INFO, BASIC_INFO_SHEET, SHEETS, TEMPLATE_VERSIONS, Column, Kind
from xzzf.units import Registry, Unit
from xzzf.vocabulary import Progress

INSTRUCTIONS_SHEET = "填报说明"
_KIND_TEXT = {Kind.TEXT: "文本", Kind.IDENT: "文本（编号按原样填写）", Kind.ENUM: "从下拉列表选择",
              Kind.YESNO: "是 / 否", Kind.DATE: "日期，如 {year}-03-05", Kind.NUMBER: "数字",
              Kind.INTEGER: "整数", Kind.MONEY: "金额（元），数字"}
_PREFILLED = "已由司法局填好，不能修改"
_WEEKDAYS = "一二三四五六日"
# What counts as done, by the kind of 完成时限 (task_status reads the statuses so).
_SHEET_NOTES = {"task_progress": (
    "本表已列出本单位牵头、负责或配合的全部任务：请逐项选择“进展状态”，不要删除任务行。",
    "完成时限为具体日期的任务（如“2024年3月底前”）：完成后选“已完成”，并填写完成日期和佐证材料；"
    "“长期坚持”“推进中”都不算完成，到期仍未报“已完成”即为逾期。",
    "完成时限为“……前并长期坚持”的任务：到期前完成的选“已完成”并填写完成日期；到期后仍在坚持的可选“长期坚持”。",
    "完成时限为“每年……前”的任务：每年都要完成一次。当年完成后选“已完成”，完成日期填当年的日期；"
    "上一年的完成日期不算当年完成，“长期坚持”也不算完成。",
    "完成时限为“长期坚持”的任务：选“长期坚持”即可。",
)}


@dataclass
class Template:
    unit: Unit
    period: str
    info: list[tuple[str, object]]
    rows: dict[str, list[dict]] = field(default_factory=dict)  # sheet name → rows by internal column name
    instructions: list[list[str]] = field(default_factory=list)
    task_titles: dict[int, str] = field(default_factory=dict)  # also shown as a note on 任务序号

    @property
    def file_name(self) -> str:
        return f"{self.unit.name}{self.period}月报.xlsx"


def choices(column: Column) -> tuple[str, ...]:
    """The drop-down list of an enumerated or 是/否 column."""
    return column.choices if column.kind is Kind.ENUM else ("是", "否") if column.kind is Kind.YESNO else ()


def build_template(unit: Unit, period: str, due: dt.date, assignment: Assignment, roster: list[dict],
                   open_complaints: list[dict], task_states: dict[int, dict]) -> Template:
    """The template of `unit` for `period` (due on `due`), pre-filled from its last accepted data."""
    values = {"unit_code": unit.code, "unit_name": unit.name, "period": period,
              "template_version": TEMPLATE_VERSIONS[-1]}
    info = [(c.header, values.get(c.name)) for c in BASIC_INFO]
    owed = assignment.tasks_of(unit.code)
    tasks = {task.no: task for task in assignment.tasks if task.no in owed}
    # A task the unit has never reported on starts as 未启动: an untouched template then lacks
    # only what the clerk must write (填报人, 填报日期), and a status is there to change.
    progress = [{"state": Progress.NOT_STARTED, **task_states.get(no, {}), "task_no": no,
                 "task_title": tasks[no].title, "task_deadline": tasks[no].deadline.phrase} for no in owed]
    progress = [{**row, "state": prefilled_state(tasks[row["task_no"]], row["state"])} for row in progress]
    rows = {"roster": roster, "complaints": open_complaints, "task_progress": progress}
    titles = {no: f"{task.label}（完成时限：{task.deadline.phrase}）" for no, task in tasks.items()}
    return Template(unit, period, info, rows, instructions(unit, period, due, info), titles)


def prefilled_state(task: Task, last: str) -> str:
    """The status the unit last reported, except 长期坚持 on a task due by a day (not 并长期坚持)
    or every year: that never counts as done, so it comes back as 推进中 for the clerk to
    change to 已完成 once done."""
    deadline = task.deadline
    held = deadline.kind == "ongoing" or (deadline.kind == "dated" and deadline.ongoing_after)
    return Progress.UNDERWAY if last == Progress.ONGOING and not held else last


def unit_template(unit: Unit, period: str, due: dt.date, assignment: Assignment, stored: dict[str, list[dict]],
                  registry: Registry) -> Template:
    """`unit`'s template for `period`, pre-filled from stored rows (each with its unit_code and
    period): its own, and those of the units it took over (a merger, a rename), whose staff
    and cases it starts from."""
    history = registry.history(unit.code)
    mine = {table: [r for r in rows if r["unit_code"] in history] for table, rows in stored.items()}
    return build_template(unit, period, due, assignment, *prefill(mine, period))


def long_date(day: dt.date) -> str:
    """A date as a notice gives it: 2026年12月7日（星期一）."""
    return f"{day.year}年{day.month}月{day.day}日（星期{_WEEKDAYS[day.weekday()]}）"


def instructions(unit: Unit, period: str, due: dt.date, info: list[tuple[str, object]]) -> list[list[str]]:
    """填报说明: when and where to put the file and in what format, then for 基本信息 and each
    sheet its columns and every rule with its severity. Each line is short enough to print on
    one line of an A4 landscape page."""
    year, month = period.split("-")
    lines = [[f"行政执法月报填报说明（{unit.name}，{year}年{int(month)}月，模板版本 {TEMPLATE_VERSIONS[-1]}）"],
             [f"报送期限：请于 {long_date(due)}前"
              f"报送本单位 {year}年{int(month)}月 的数据（遇节假日已顺延至工作日）。"],
             [f"报送位置：将填好的文件放入共享文件夹中本单位的文件夹“{unit.code}”（以单位编码命名），"
              "文件名可自取。"],
             ["更正：把改好的文件再放入同一文件夹即可，以最后收到的文件为准。"],
             ["文件格式：请保持 .xlsx 格式，直接保存即可；不要另存为 .xls、.et、.ods 或 .csv，否则会被退回。"],
             ["请勿删除、改名或增加工作表和列；第 1 行为列名，数据从第 2 行开始；灰色单元格由司法局填写。"],
             ["“错误”会导致整个文件被退回，“提醒”不影响采用；每个文件都有回执，请按回执逐条修改。"], [],
             [f"【{BASIC_INFO_SHEET}】"], ["项目", "填写要求"]]
    lines += [[c.header, _requirement(c, value is not None, year)]
              for c, (_, value) in zip(BASIC_INFO, info, strict=True)]
    lines.append([])
    for sheet in SHEETS:
        lines += [[f"【{sheet.title}】"], *([note] for note in _SHEET_NOTES.get(sheet.name, ())),
                  ["列名", "填写要求", "可选值"]]
        lines += [[c.header, _requirement(c, c in sheet.display, year), "、".join(choices(c))]
                  for c in sheet.template_columns]
        said: list[str] = []
        for rule in RULES:
            # Two rules may say the same (a date neither before nor after the period), or one
            # the other's words and a note (公开时限 while the year's holidays are estimated): said once.
            if (_sheet_of(rule) == sheet.name and not rule.id.endswith((".required", ".choice"))
                    and not any(rule.message.startswith(earlier) for earlier in said)):
                said.append(rule.message)
                lines.append([_severity(rule.severity), rule.message])
        lines.append([])
    return [*lines, ["【所有工作表】"], *([_severity(r.severity), r.message.replace(
        cells.DATE_EXPECTED, cells.date_expected(int(year)))] for r in CELL_RULES)]


def _requirement(column: Column, prefilled: bool, year: str) -> str:
    if prefilled:
        return _PREFILLED
    return _KIND_TEXT[column.kind].format(year=year) + ("，必填" if column.required else "")


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
