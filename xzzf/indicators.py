"""The indicators of indicators.md, one table: each figure's name, its kind (what it is a
number of, and so how it is shown and how its 同比 is said), the unit it is counted in, and its
target — the comparison, the threshold, whether it is judged for the district or per unit only,
and from when (a cumulative one is progress until its deadline). The figures, the annual
workbook, the monthly summary, the run pages and the draft all read it here, and only here;
tests/xzzf/test_indicators.py pins it to indicators.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from xzzf.catalog import Task, task_label
from xzzf.tables import Number
from xzzf.vocabulary import IndicatorKind as Kind


@dataclass(frozen=True)
class Target:
    comparison: str  # ">=" or "<="
    threshold: int | float
    per_unit: bool = False  # judged per unit only: the district's pooled count is no verdict
    judged_from: tuple[int, int] | None = None  # (month, day): a cumulative target is progress until then
    missed: str = ""  # what missing it means for the work: the draft's finding says it last


@dataclass(frozen=True)
class Indicator:
    name: str  # 名称, as every table and text says it
    kind: Kind
    unit: str = ""  # what a count is counted in (人, 件, …); a rate carries its %, money its 元
    target: Target | None = None


INDICATORS: dict[str, Indicator] = {  # indicators.md's table, in its order
    "staff_enforcement": Indicator("执法人员数", Kind.COUNT, "人"),
    "certified_rate": Indicator("持证率", Kind.RATE, target=Target(">=", 1,
        missed="部分执法人员执法证过期或未取得执法证，存在无证执法的风险。")),
    "legal_review_staff": Indicator("法制审核人员数", Kind.COUNT, "人"),
    "legal_review_staff_ratio": Indicator("法制审核人员占比", Kind.RATE, target=Target(">=", 0.05,
        missed="法制审核力量不足，重大执法决定的法制审核难以落实。")),
    "training_hours_per_capita": Indicator("人均培训学时", Kind.AVERAGE, "学时"),
    # 60 qualifying hours "in Y": a person may still reach them until the year's last day.
    "training_compliance_rate": Indicator("培训达标率", Kind.RATE, target=Target(">=", 1, judged_from=(12, 31),
        missed="部分执法人员培训学时不足，业务能力跟不上执法要求。")),
    "decisions_total": Indicator("行政执法决定数", Kind.COUNT, "件"),
    "decisions_by_category": Indicator("分类决定数", Kind.BREAKDOWN, "件"),
    "publication_rate": Indicator("行政执法决定公开率", Kind.RATE, target=Target(">=", 1,
        missed="部分执法决定未按规定公开，执法透明度有待提高。")),
    "withdrawal_pending": Indicator("应下撤未下撤数", Kind.COUNT, "件", Target("<=", 0,
        missed="已撤销或变更的执法决定仍在公开，可能误导公众。")),
    "on_spot_filing_rate": Indicator("当场处罚备案率", Kind.RATE, target=Target(">=", 1,
        missed="部分当场处罚决定未按规定备案，执法监督存在盲区。")),
    "major_review_rate": Indicator("重大执法决定法制审核率", Kind.RATE, target=Target(">=", 1,
        missed="部分重大执法决定未经法制审核即作出，存在违法风险。")),
    "platform_entry_rate": Indicator("案件录入率", Kind.RATE, target=Target(">=", 1,
        missed="部分案件未录入执法平台，执法数据不完整。")),
    "transferred_to_judiciary": Indicator("移送司法机关数", Kind.COUNT, "件"),
    "fines_total": Indicator("罚没金额合计（元）", Kind.MONEY, "元"),
    "complaints_due": Indicator("应办结投诉举报数", Kind.COUNT, "件"),
    "complaint_ontime_rate": Indicator("投诉举报按时办结率", Kind.RATE, target=Target(">=", 0.9,
        missed="投诉举报未能按时办结，群众诉求得不到及时回应。")),
    "enterprise_complaint_ontime_rate": Indicator("涉民营企业投诉按时办结率", Kind.RATE, target=Target(">=", 0.9,
        missed="涉企投诉办理不及时，影响营商环境。")),
    "flexible_cases": Indicator("柔性执法典型案例数", Kind.COUNT, "个",
                                Target(">=", 3, per_unit=True, judged_from=(10, 31),
        missed="柔性执法工作推进不平衡，部分单位尚未形成可推广的经验。")),
    "psych_activities": Indicator("心理健康教育和心理训练活动次数", Kind.COUNT, "次",
                                  Target(">=", 1, per_unit=True, judged_from=(12, 31),
        missed="部分单位未开展心理健康教育和心理训练，执法人员心理支持不足。")),
    "submissions_expected": Indicator("应报送月数", Kind.COUNT, "份"),
    "submissions_on_time": Indicator("按时报送月数", Kind.COUNT, "份"),
    "submissions_late": Indicator("逾期报送月数", Kind.COUNT, "份"),
    "submissions_missing": Indicator("未报送月数", Kind.COUNT, "份"),
    "submission_timeliness_rate": Indicator("按时报送率", Kind.RATE, target=Target(">=", 1,
        missed="月度数据报送不及时，影响全区执法数据的统计和分析。")),
    # Its target (none overdue) is the task statuses', not a comparison: xzzf.annual judges it.
    "tasks_overdue": Indicator("逾期任务", Kind.TASKS, "项"),
}
NAMES = {key: indicator.name for key, indicator in INDICATORS.items()}  # the names alone, by key
TARGETED = tuple(key for key, indicator in INDICATORS.items() if indicator.target)  # in indicators.md's order
TIMELINESS_COUNTS = ("submissions_expected", "submissions_on_time", "submissions_late", "submissions_missing")
# How a figure of each kind reads in a workbook cell; the kinds not listed are text.
FORMATS = {Kind.COUNT: "0", Kind.RATE: "0.0%", Kind.AVERAGE: "0.0", Kind.MONEY: "#,##0.00"}
PROGRESS = "（进度，截止后评判）"  # a cumulative target's figure before its deadline
POINTS = "个百分点"  # what a rate's change is counted in: never %, which would read as a share of the rate


def kind(key: str) -> Kind:
    return INDICATORS[key].kind


def target(key: str) -> Target | None:
    return INDICATORS[key].target


def judged(key: str, year: int, as_of: dt.date) -> bool:
    """Whether a figure's target applies yet: a cumulative one only after its deadline."""
    aim = target(key)
    return not (aim and aim.judged_from) or as_of > dt.date(year, *aim.judged_from)


def misses(key: str, value) -> bool:
    aim = target(key)
    if aim is None or value is None:
        return False
    return value < aim.threshold if aim.comparison == ">=" else value > aim.threshold


def shortfall(key: str, value) -> float:
    """How far `value` misses its target, as a share of the target, so that rates and counts
    compare: a rate of 95 % against 100 % misses by 0.05, 2.5 % against 5 % by 0.5, one case
    against three by 0.67. The only ≤ target is 0 (应下撤未下撤数, a void decision still
    public): any excess misses it wholly."""
    if not misses(key, value):
        return 0.0
    aim = target(key)
    return 1.0 if aim.comparison == "<=" else (aim.threshold - value) / aim.threshold


def shown(key: str, value, tasks: tuple[Task, ...] = ()) -> str:
    """A figure as text, without its unit: 不适用 for null. `tasks`: the tasks of the plan in
    force for the figures' year, which tasks_overdue numbers (needed for that figure only)."""
    if value is None:
        return "不适用"
    figure_kind = kind(key)
    if figure_kind is Kind.RATE:
        return f"{value:.1%}"
    if figure_kind is Kind.AVERAGE:
        return f"{value:.1f}"
    if figure_kind is Kind.BREAKDOWN:
        return "，".join(f"{k} {v}" for k, v in value.items() if v)
    if figure_kind is Kind.TASKS:
        return "、".join(task_label(no, tasks) for no in value)
    return str(value)


def goal(key: str) -> str:
    """A target's threshold as it reads: a rate's in %, a count's with its unit (3个, 0件)."""
    aim = target(key)
    return f"{aim.threshold:.0%}" if kind(key) is Kind.RATE else f"{aim.threshold}{INDICATORS[key].unit}"


def target_text(key: str) -> str:
    """The 目标 column: "≥ 100%", "≤ 0件"; a target judged per unit says so ("每单位 ≥ 3个")."""
    aim = target(key)
    if aim is None:
        return ""
    return ("每单位 " if aim.per_unit else "") + ("≥ " if aim.comparison == ">=" else "≤ ") + goal(key)


def number_format(key: str) -> str | None:
    """How a figure's number reads in a workbook, as shown() writes it in text; None: not a number."""
    return FORMATS.get(kind(key))


def numeric(key: str, value) -> int | float | Decimal | None:
    """A figure's value as a number (money is kept as a decimal string in the figures), or None
    when it is not one: null, a list, an object."""
    if value is None or number_format(key) is None:
        return None
    return Decimal(value) if kind(key) is Kind.MONEY else value


def as_cell(key: str, value, tasks: tuple[Task, ...] = ()):
    """A figure as a workbook cell: a Number; null stays the text 不适用 and a list or an object
    its text, since neither is one number (`tasks` as for shown)."""
    number = numeric(key, value)
    return shown(key, value, tasks) if number is None else Number(number, number_format(key), shown(key, value))


def difference(key: str, value, before) -> Number | None:
    """The change from the year before as a signed number in a cell: a rate's in 个百分点, a
    count's (money's, an average's) in its own unit and format; None where either year has no
    number."""
    now, then = numeric(key, value), numeric(key, before)
    if now is None or then is None:
        return None
    delta = now - then
    if kind(key) is Kind.RATE:
        delta *= 100
        unsigned, text = f'0.0" {POINTS}"', f"{delta:.1f} {POINTS}"
    else:
        unsigned, text = number_format(key), shown(key, delta)
    return Number(delta, f"+{unsigned};-{unsigned};{unsigned}", ("+" if delta > 0 else "") + text)
