"""The rule table: every row rule and warning of submission.md, in one place.

The Great Expectations suites in `expectations/` are generated from it, the template's
填报说明 is written from it, and the feedback takes each message from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xzzf import cells
from xzzf.schema import SHEETS, SHEETS_BY_NAME, Kind
from xzzf.vocabulary import Progress

OWED_TASKS = "owed_tasks"  # a derived table: one row per task a file's unit owes


@dataclass(frozen=True)
class When:
    """A row condition: every (column, operator, value) must hold; operators are those GX
    Condition objects offer (==, !=, IN, NOT_IN, null, not_null)."""

    terms: tuple[tuple[str, str, object], ...]


def when(*terms: tuple[str, str, object]) -> When:
    return When(tuple(terms))


@dataclass(frozen=True)
class Rule:
    id: str
    sheet: str  # internal sheet name (or OWED_TASKS)
    column: str  # the column the clerk is pointed at
    check: str  # not_null | in_set | not_in_set | between | at_least | unique | max_length | credit_code | null
    message: str
    severity: str = "error"  # error | warning
    params: dict = field(default_factory=dict)
    condition: When | None = None


def _header(sheet: str, column: str) -> str:
    return SHEETS_BY_NAME[sheet].column(column).header if sheet in SHEETS_BY_NAME else column


def _schema_rules() -> list[Rule]:
    """Required columns and enumerations, straight from the sheet schema."""
    rules = []
    for sheet in SHEETS:
        for column in sheet.columns:
            if column.required:
                rules.append(Rule(f"{sheet.name}.{column.name}.required", sheet.name, column.name, "not_null",
                                  f"“{column.header}”必须填写"))
            if column.kind is Kind.ENUM:
                rules.append(Rule(
                    f"{sheet.name}.{column.name}.choice", sheet.name, column.name, "in_set",
                    f"“{column.header}”只能填写：{'、'.join(column.choices)}（请从下拉列表中选择）",
                    params={"value_set": list(column.choices)}))
    return rules


def _unique(sheet: str, columns: tuple[str, ...]) -> Rule:
    headers = " + ".join(_header(sheet, c) for c in columns)
    return Rule(f"{sheet}.key.unique", sheet, columns[0], "unique",
                f"{headers} 在本表中重复：同一记录只能填写一行，请删除或合并重复行", params={"columns": list(columns)})


def _on_or_after(sheet: str, later: str, earlier: str, message: str, rule_id: str, **extra) -> Rule:
    """`later` ≥ `earlier` (either may be a derived column such as _period_end)."""
    return Rule(rule_id, sheet, later if not later.startswith("_") else earlier, "at_least", message,
                params={"column": later, "floor": earlier}, **extra)


def _within_period(sheet: str, column: str, start: str = "_period_start", what: str = "报送期间内") -> list[Rule]:
    header = _header(sheet, column)
    return [
        _on_or_after(sheet, column, start, f"“{header}”应在{what}", f"{sheet}.{column}.after_start"),
        _not_after_period(sheet, column, f"“{header}”应在{what}"),
    ]


def _not_after_period(sheet: str, column: str, message: str | None = None) -> Rule:
    header = _header(sheet, column)
    return _on_or_after(sheet, "_period_end", column, message or f"“{header}”不能晚于报送期间的最后一天",
                        f"{sheet}.{column}.not_after_period")


def _required_when(sheet: str, column: str, condition: When, reason: str) -> Rule:
    return Rule(f"{sheet}.{column}.required_when", sheet, column, "not_null",
                f"{reason}时，“{_header(sheet, column)}”必须填写", condition=condition)


RULES: tuple[Rule, ...] = (
    *_schema_rules(),
    # 执法人员
    _unique("roster", ("cert_no",)),
    _required_when("roster", "cert_no", when(("cert_status", "!=", "未取得")), "证件状态不是“未取得”"),
    _required_when("roster", "cert_valid_until", when(("cert_status", "==", "有效")), "证件状态为“有效”"),
    Rule("roster.certified_duty", "roster", "cert_status", "in_set",
         "执法人员应持有效执法证件上岗（持证上岗）：该人员“是否执法人员”为“是”，但证件状态不是“有效”",
         "warning", {"value_set": ["有效"]}, when(("is_enforcer", "==", True))),
    _on_or_after("roster", "cert_valid_until", "_period_end",
                 "执法证件已过有效期，但证件状态仍为“有效”：请换证或更新证件状态", "roster.cert_expired",
                 severity="warning", condition=when(("cert_status", "==", "有效"))),
    # 培训记录
    _unique("trainings", ("cert_no", "training_date", "title")),
    Rule("trainings.cert_no.on_roster", "trainings", "cert_no", "in_set",
         "该执法证号不在本表“执法人员”工作表中：请先在执法人员表中登记此人，或核对证号",
         params={"value_set": [True], "derived": "_on_roster"}),
    *_within_period("trainings", "training_date"),
    Rule("trainings.hours.range", "trainings", "hours", "between", "“学时”应大于 0 且不超过 80",
         params={"min_value": 0, "max_value": 80, "strict_min": True}),
    # 执法决定
    _unique("decisions", ("decision_no",)),
    _not_after_period("decisions", "decision_date"),
    _required_when("decisions", "credit_code", when(("party_type", "==", "企业")), "当事人类型为“企业”"),
    Rule("decisions.credit_code.checksum", "decisions", "credit_code", "credit_code",
         "统一社会信用代码无效（18 位，最后一位校验码不符，GB 32100）：请核对营业执照上的代码"),
    Rule("decisions.on_spot.only_penalty", "decisions", "on_spot", "in_set",
         "只有“行政处罚”才能是当场处罚：执法类别不是行政处罚时，“是否当场处罚”应填“否”",
         params={"value_set": [False]}, condition=when(("category", "!=", "行政处罚"))),
    _required_when("decisions", "filed", when(("on_spot", "==", True)), "当场处罚"),
    _required_when("decisions", "published_on", when(("publication", "IN", ["已公开", "已下撤"])),
                   "公开状态为“已公开”或“已下撤”"),
    _on_or_after("decisions", "published_on", "decision_date", "“公开日期”不能早于“决定日期”",
                 "decisions.published_on.after_decision"),
    Rule("decisions.fine.range", "decisions", "fine", "between", "“罚没金额（元）”不能为负数",
         params={"min_value": 0}),
    Rule("decisions.fine.only_penalty", "decisions", "fine", "null",
         "只有“行政处罚”才填写罚没金额：执法类别不是行政处罚时请留空",
         condition=when(("category", "!=", "行政处罚"))),
    _on_or_after("decisions", "_publication_due", "published_on",
                 "公开时间超过规定时限（行政许可、行政处罚 7 个工作日，其他 20 个工作日，国办发〔2018〕118号）",
                 "decisions.published_on.in_time", severity="warning",
                 condition=when(("_calendar_known", "==", True))),
    _on_or_after("decisions", "_publication_due", "published_on",
                 "公开时间超过规定时限（行政许可、行政处罚 7 个工作日，其他 20 个工作日，国办发〔2018〕118号）；"
                 "该年度官方节假日数据尚未收录，按周一至周五及配置的节假日估算",
                 "decisions.published_on.in_time_estimated", severity="warning",
                 condition=when(("_calendar_known", "==", False))),
    Rule("decisions.withdrawal_pending", "decisions", "publication", "not_in_set",
         "决定已被撤销、确认违法或责令重作，但仍为“已公开”：应及时从公示平台下撤（应下撤未下撤）",
         "warning", {"value_set": ["已公开"]}, when(("state", "!=", "有效"))),
    # 投诉举报
    _unique("complaints", ("complaint_no",)),
    _not_after_period("complaints", "received_on"),
    _on_or_after("complaints", "due_on", "received_on", "“规定办结日期”不能早于“受理日期”",
                 "complaints.due_on.after_received"),
    _on_or_after("complaints", "closed_on", "received_on", "“办结日期”不能早于“受理日期”",
                 "complaints.closed_on.after_received"),
    _not_after_period("complaints", "closed_on"),
    _required_when("complaints", "result", when(("closed_on", "not_null", None)), "已填写办结日期"),
    # 柔性执法案例
    _unique("flexible_cases", ("title", "occurred_on")),
    *_within_period("flexible_cases", "occurred_on", "_year_start", "报送期间所在年度内、且不晚于报送期间"),
    Rule("flexible_cases.summary.length", "flexible_cases", "summary", "max_length",
         "“简要情况”不能超过 500 字", params={"max_value": 500}),
    # 心理健康活动
    _unique("psych_activities", ("held_on", "title")),
    *_within_period("psych_activities", "held_on"),
    Rule("psych_activities.participants.range", "psych_activities", "participants", "between",
         "“参加人数”应为不小于 1 的整数", params={"min_value": 1}),
    # 任务进展
    _unique("task_progress", ("task_no",)),
    Rule("task_progress.task_no.range", "task_progress", "task_no", "between",
         "“任务序号”应为 1 至 43 的整数", params={"min_value": 1, "max_value": 43}),
    Rule("task_progress.task_no.owed", "task_progress", "task_no", "in_set",
         "本单位不是该任务的牵头、责任或配合单位，请删除此行或核对任务序号",
         params={"value_set": [True], "derived": "_owed"}),
    _required_when("task_progress", "completed_on", when(("state", "==", Progress.DONE)), "进展状态为“已完成”"),
    _required_when("task_progress", "evidence", when(("state", "==", Progress.DONE)), "进展状态为“已完成”"),
    _not_after_period("task_progress", "completed_on"),
    Rule("owed_tasks.reported", OWED_TASKS, "task_no", "in_set",
         "本单位承担的任务未在“任务进展”中填报，请补充该任务的进展", "warning",
         {"value_set": [True], "derived": "_reported"}),
)

# Cell rules are checked while reading (xzzf.workbook); listed here for 填报说明 and fixtures.
CELL_RULES: tuple[Rule, ...] = (
    Rule("cell.date", "*", "*", "parse", f"日期列{cells.DATE_EXPECTED}"),
    Rule("cell.number", "*", "*", "parse", f"数字列{cells.NUMBER_EXPECTED}，可用全角数字"),
    Rule("cell.integer", "*", "*", "parse", f"整数列{cells.INTEGER_EXPECTED}"),
    Rule("cell.yes_no", "*", "*", "parse", f"是/否列{cells.YES_NO_EXPECTED}"),
    Rule("cell.error_value", "*", "*", "parse", cells.ERROR_VALUE.format(shown="#DIV/0! 等")),
    Rule("cell.formula_without_value", "*", "*", "parse", cells.FORMULA_WITHOUT_VALUE),
)

RULES_BY_ID = {rule.id: rule for rule in (*RULES, *CELL_RULES)}
