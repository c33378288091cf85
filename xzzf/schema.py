"""The monthly workbook contract (template 2026.1): sheets, columns, keys and value kinds.

One fact, one place: the reader, the store, the suites, the templates and the feedback all
take sheet and column names from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xzzf.vocabulary import DecisionCategory, Progress, Publication

TEMPLATE_VERSIONS = ("2026.1",)
BASIC_INFO_SHEET = "基本信息"


class Kind(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    IDENT = "ident"  # identifier: kept as the text the clerk sees
    ENUM = "enum"
    YESNO = "yesno"
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    MONEY = "money"


class SheetRole(StrEnum):
    SNAPSHOT = "snapshot"  # the whole state as of the period's end; replaces the previous one
    EVENTS = "events"  # things that happened in the period; count once per key
    LEDGER = "ledger"  # rows a later period may update, by key


@dataclass(frozen=True)
class Column:
    header: str
    name: str  # ASCII internal name (database column, GX column)
    kind: Kind
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    title: str
    name: str  # ASCII table name
    role: SheetRole
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # internal column names
    # Columns the template shows for reading only (filled by us, locked), right after the
    # first column. Not data: the reader skips them, so a workbook with or without them is read
    # alike (older templates have none).
    display: tuple[Column, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def template_columns(self) -> tuple[Column, ...]:
        """The template's columns, in order: the display columns after the first one."""
        return (self.columns[0], *self.display, *self.columns[1:])

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _col(header: str, name: str, kind: Kind, choices: tuple[str, ...] = (), required=False):
    return Column(header, name, kind, choices, required)


T, ID, E, YN, D, N, INT, M = (
    Kind.TEXT, Kind.IDENT, Kind.ENUM, Kind.YESNO, Kind.DATE, Kind.NUMBER, Kind.INTEGER, Kind.MONEY,
)

CERT_STATUSES = ("有效", "暂扣", "收回", "注销", "未取得")
TRAINING_CATEGORIES = ("公共法律知识", "业务知识", "执法技能", "政治理论", "党性教育", "职业道德")
QUALIFYING_TRAINING = ("公共法律知识", "业务知识", "执法技能")
DECISION_CATEGORIES = tuple(DecisionCategory)
PARTY_TYPES = ("自然人", "个体工商户", "企业", "其他组织")
PUBLICATION_STATES = tuple(Publication)
DECISION_STATES = ("有效", "被撤销", "确认违法", "责令重作")
COMPLAINT_SOURCES = ("12345热线", "来信", "来访", "网络", "媒体", "其他")
COMPLAINT_RESULTS = ("属实已处理", "部分属实", "不属实", "转办", "其他")
FLEXIBLE_METHODS = ("说服教育", "劝导示范", "警示告诫", "指导约谈", "首违不罚", "轻微免罚", "其他")
PSYCH_TYPES = ("心理健康教育", "心理训练", "心理咨询", "危机干预")
PROGRESS_STATES = tuple(Progress)

BASIC_INFO = (
    _col("单位编码", "unit_code", ID, required=True),
    _col("单位名称", "unit_name", T, required=True),
    _col("报送期间", "period", T, required=True),
    _col("模板版本", "template_version", T, required=True),
    _col("填报人", "filled_by", T, required=True),
    _col("联系电话", "phone", T),
    _col("填报日期", "fill_date", D, required=True),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet("执法人员", "roster", SheetRole.SNAPSHOT, (
        _col("姓名", "name", T, required=True),
        _col("执法证号", "cert_no", ID),
        _col("证件状态", "cert_status", E, CERT_STATUSES, required=True),
        _col("证件有效期至", "cert_valid_until", D),
        _col("是否执法人员", "is_enforcer", YN, required=True),
        _col("是否法制审核人员", "is_legal_reviewer", YN, required=True),
        _col("是否公职律师", "is_public_lawyer", YN, required=True),
        _col("在岗状态", "duty_status", E, ("在岗", "离岗"), required=True),
    ), key=("cert_no",)),
    Sheet("培训记录", "trainings", SheetRole.EVENTS, (
        _col("姓名", "name", T, required=True),
        _col("执法证号", "cert_no", ID, required=True),
        _col("培训日期", "training_date", D, required=True),
        _col("培训名称", "title", T, required=True),
        _col("培训类别", "category", E, TRAINING_CATEGORIES, required=True),
        _col("学时", "hours", N, required=True),
        _col("组织方式", "organiser", E, ("本单位", "跨部门联合", "上级部门", "司法局统一"),
             required=True),
    ), key=("cert_no", "training_date", "title")),
    Sheet("执法决定", "decisions", SheetRole.LEDGER, (
        _col("决定文书号", "decision_no", ID, required=True),
        _col("执法类别", "category", E, DECISION_CATEGORIES, required=True),
        _col("决定日期", "decision_date", D, required=True),
        _col("当事人类型", "party_type", E, PARTY_TYPES, required=True),
        _col("统一社会信用代码", "credit_code", ID),
        _col("是否当场处罚", "on_spot", YN, required=True),
        _col("是否备案", "filed", YN),
        _col("是否应公开", "must_publish", YN, required=True),
        _col("公开状态", "publication", E, PUBLICATION_STATES, required=True),
        _col("公开日期", "published_on", D),
        _col("是否重大执法决定", "is_major", YN, required=True),
        _col("是否法制审核", "legal_reviewed", YN, required=True),
        _col("是否录入监督平台", "on_platform", YN, required=True),
        _col("是否移送司法机关", "transferred", YN, required=True),
        _col("罚没金额（元）", "fine", M),
        _col("决定状态", "state", E, DECISION_STATES, required=True),
    ), key=("decision_no",)),
    Sheet("投诉举报", "complaints", SheetRole.LEDGER, (
        _col("登记编号", "complaint_no", ID, required=True),
        _col("来源", "source", E, COMPLAINT_SOURCES, required=True),
        _col("受理日期", "received_on", D, required=True),
        _col("是否涉民营企业", "private_enterprise", YN, required=True),
        _col("规定办结日期", "due_on", D, required=True),
        _col("办结日期", "closed_on", D),
        _col("办理结果", "result", E, COMPLAINT_RESULTS),
    ), key=("complaint_no",)),
    Sheet("柔性执法案例", "flexible_cases", SheetRole.EVENTS, (
        _col("案例名称", "title", T, required=True),
        _col("执法方式", "method", E, FLEXIBLE_METHODS, required=True),
        _col("发生日期", "occurred_on", D, required=True),
        _col("简要情况", "summary", T, required=True),
    ), key=("title", "occurred_on")),
    Sheet("心理健康活动", "psych_activities", SheetRole.EVENTS, (
        _col("活动日期", "held_on", D, required=True),
        _col("活动名称", "title", T, required=True),
        _col("活动类型", "activity_type", E, PSYCH_TYPES, required=True),
        _col("参加人数", "participants", INT, required=True),
    ), key=("held_on", "title")),
    Sheet("任务进展", "task_progress", SheetRole.SNAPSHOT, (
        _col("任务序号", "task_no", INT, required=True),
        _col("进展状态", "state", E, PROGRESS_STATES, required=True),
        _col("完成日期", "completed_on", D),
        _col("佐证材料", "evidence", T),
        _col("备注", "remark", T),
    ), key=("task_no",), display=(_col("任务内容", "task_title", T), _col("完成时限", "task_deadline", T))),
)

SHEETS_BY_TITLE = {s.title: s for s in SHEETS}
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
