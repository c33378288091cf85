"""Typed flow parameters: the Prefect UI shows them as a form and checks them before a run
starts; a bad value fails at once, naming the parameter."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from xzzf.periods import PERIOD_PATTERN, YEARS, previous_period

Period = Annotated[str | None, Field(pattern=PERIOD_PATTERN, description="报送期间 YYYY-MM；留空为上个月",
                                     examples=["2026-10"])]
TemplatePeriod = Annotated[str, Field(pattern=PERIOD_PATTERN, description="模板的报送期间 YYYY-MM")]
Year = Annotated[int | None, Field(ge=YEARS[0], le=YEARS[-1], description="报告年度；留空为上一年")]
AsOf = Annotated[dt.date | None, Field(ge=dt.date(YEARS[0], 1, 1), le=dt.date(YEARS[-1], 12, 31),
                                       description="as-of 日期；留空为今天（北京时间）")]
Units = Annotated[list[str] | None, Field(description="只处理这些单位编码；留空为全部")]


def period_or_default(period: str | None, as_of: dt.datetime) -> str:
    """The month before the as-of date: what the schedules collect."""
    return period or previous_period(as_of.date())


def year_or_default(year: int | None, as_of: dt.datetime) -> int:
    return year or as_of.year - 1
