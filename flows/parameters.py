"""The flows' parameters: the Prefect UI's Custom run form. Each is a business choice with a
Chinese title (the form's label), a description that says what to type and what an empty
field means, and an example; a wrong value is marked red under its field, in words, before
the run is submitted, and refused again by the server and by the flow if it gets there.

Prefect builds the form's schema from the signature: the type from the annotation, the
description and extras from a `Field` given as the default — the only place, besides a
docstring's `Args:`, that it reads them from.
Where runs happen (inbox, registry, database, output folder) is the deployment's setting
(XZZF_* in deployments/xzzf.env), never a field of the form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from connectors.prefect_api import UNIT_FIELD
from xzzf.periods import PERIOD_PATTERN, PERIOD_RULE, YEARS, previous_period
from xzzf.units import Unit


def described(default: Any, title: str, description: str, example: Any = None, **schema: Any) -> Any:
    """A parameter's default carrying its form label, description, example and any further
    JSON-schema keywords the form checks."""
    extra = {"title": title, **({"examples": [example]} if example is not None else {}), **schema}
    return Field(default, description=description, json_schema_extra=extra)


YEAR_RULE = "报告年度应为四位年份，如 2026"
DATE_RULE = "数据截至日期应为 YYYY-MM-DD，如 2026-11-06"
MOMENT_RULE = "数据截至时间应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，如 2026-11-06 10:00"
_PERIOD = PERIOD_PATTERN.removeprefix("^").removesuffix("$")
_DATE = r"\d{4}-\d{2}-\d{2}"
_FIRST, _LAST = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)


def _with_rule(rule: str, pattern: str) -> str:
    """A pattern with the rule in words inside it: the form shows a refused value only with
    the pattern it did not match, and has no message of its own to show. `(?=|…)` is a
    lookahead that always succeeds, so the words change nothing."""
    return f"^(?=|{rule}){pattern}$"


def _checked(rule: str, pattern: str) -> dict:
    """The form's own check of a text field, red under the field before the run is submitted:
    the pattern inside `allOf`, where Prefect's form keeps it (it drops a top-level one)."""
    return {"allOf": [{"pattern": _with_rule(rule, pattern)}]}


def _period(value: str) -> str:
    """The same check for a run started without the form (the API, a test): the rule in words."""
    if value and not re.fullmatch(PERIOD_PATTERN, value):
        raise ValueError(PERIOD_RULE)
    return value


def _blank_is_none(value: Any) -> Any:
    """An empty text field of the form: the default (None)."""
    return None if value == "" else value


# The form shows the date and the year as text fields, with their own check, and an empty
# field as "": as `T | None` it would show a `T`/`None` switch that reads "Property is type
# None". Python gets the typed value, or None for an empty field.
_TEXT = WithJsonSchema({"type": "string"})
Period = Annotated[str, AfterValidator(_period)]  # empty: the month before the as-of date
TemplatePeriod = Annotated[str, Field(min_length=1), AfterValidator(_period)]
Year = Annotated[Annotated[int, Field(ge=YEARS[0], le=YEARS[-1])] | None, BeforeValidator(_blank_is_none), _TEXT]
AsOf = Annotated[Annotated[dt.date, Field(ge=_FIRST, le=_LAST)] | None, BeforeValidator(_blank_is_none), _TEXT]
# The intake may be dated to the minute (an hourly run), like its schedule; a bare date is
# a date (the end of that day), so it is tried first.
AsOfMoment = Annotated[dt.date | dt.datetime | None, BeforeValidator(_blank_is_none), _TEXT]


def _code(value: Any) -> Any:
    """A unit chosen from the form's list ("LQX 柳泉乡") is its code; a bare code (the API,
    the command line) stays as given."""
    return value.strip().split(" ", 1)[0] if isinstance(value, str) and value.strip() else value


def unit_choice(unit: Unit) -> str:
    """A unit as the form lists it: code and name, so both show in the list and the code
    starts it (what `_code` takes back). The list is the registry's: connectors.prefect_api
    writes it into every field marked UNIT_FIELD (flows.unit_choices)."""
    return f"{unit.code} {unit.name}"


UnitCode = Annotated[str, BeforeValidator(_code)]
Units = list[UnitCode]
# A decision's unit and reason are checked by the flow (xzzf.adjustments.check_adjustment),
# so a wrong one is refused in Chinese, by the form and by the flow alike.
DecisionPeriod = TemplatePeriod

PERIOD = described("", "报送期间", f"{PERIOD_RULE}；留空为数据截至日期的上个月", "2026-10",
                   **_checked(PERIOD_RULE, f"({_PERIOD})?"))
TEMPLATE_PERIOD = described(..., "报送期间", f"模板所属的月份。{PERIOD_RULE}", "2026-11",
                            **_checked(PERIOD_RULE, _PERIOD))
YEAR = described("", "报告年度", f"{YEAR_RULE}（{YEARS[0]}–{YEARS[-1]}）；留空为数据截至日期的上一年", "2026",
                 **_checked(YEAR_RULE, r"(\d{4})?"))
AS_OF = described("", "数据截至日期",
                  f"按这一天结束时数据库里的数据计算。{DATE_RULE}；留空为今天（北京时间）。"
                  "记录数据的运行不能晚于今天", "2026-11-06", **_checked(DATE_RULE, f"({_DATE})?"))
AS_OF_MOMENT = described("", "数据截至时间",
                         f"按这一时刻数据库里的数据计算。{MOMENT_RULE}（只填日期为当天结束时）；留空为现在。"
                         "记录数据的运行不能晚于今天", "2026-11-06 10:00",
                         **_checked(MOMENT_RULE, rf"({_DATE}([ T]\d{{2}}:\d{{2}}(:\d{{2}})?)?)?"))
ONLY_UNITS = described([], "只处理这些单位", "从单位名册的单位中选择，可选多个；留空为全部单位",
                       **{UNIT_FIELD: True})
DRY_RUN = described(False, "试运行",
                    "只读取和校验，不记录、不归档、不入库、不发送；结果标为“试运行”，不替换正式运行的结果")
RESEND = described(False, "重新发送", "已发送过的汇总或报告邮件再发送一次（更正后重发时勾选）")


def unit_field(default: Any, title: str, description: str) -> Any:
    """A field naming one unit: a list of the registry's units (UNIT_FIELD), not free text."""
    return described(default, title, f"{description}（从单位名册的单位中选择）", **{UNIT_FIELD: True})


UNIT = unit_field(..., "单位", "作出决定的单位")
DECISION_PERIOD = described(..., "报送期间", f"决定涉及的月份。{PERIOD_RULE}", "2026-10",
                            **_checked(PERIOD_RULE, _PERIOD))
REASON_RULE = "请填写理由：每项决定都须写明理由，理由列入调整记录"
OPERATOR_RULE = "请填写经办人姓名：每项决定都记录由谁作出"
REASON = described(..., "理由", f"{REASON_RULE}，如“系统故障，单位书面申请延期”", "系统故障，单位书面申请延期",
                   **_checked(REASON_RULE, r"\s*\S[\s\S]*"))
OPERATOR = described(..., "经办人", f"{OPERATOR_RULE}（姓名）", "张三", **_checked(OPERATOR_RULE, r"\s*\S[\s\S]*"))
KEEP_AS_OF = described("", "数据截至日期",
                      f"删除这一天结束前超过保留天数（XZZF_PREFECT_KEEP_DAYS，默认 180 天）的例行运行。{DATE_RULE}；"
                      "留空为今天（北京时间）；不能晚于今天", "2026-11-06", **_checked(DATE_RULE, f"({_DATE})?"))
COUNT_ONLY = described(False, "试运行", "只统计会删除多少次运行，什么也不删除，也不压缩数据库")
PREVIEW = described(False, "预览（年度未结束时）",
                    "年度尚未结束时生成预览文件：文件名和标题标为“预览”，不记为已报送，不发送邮件")


def period_or_default(period: str, as_of: dt.datetime) -> str:
    """The month before the as-of date: what the schedules collect."""
    return period or previous_period(as_of.date())


def year_or_default(year: int | None, as_of: dt.datetime) -> int:
    return year or as_of.year - 1
