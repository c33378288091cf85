"""Reporting periods (`YYYY-MM`), due days and the as-of clock."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from xzzf.workdays import WorkCalendar

BEIJING = ZoneInfo("Asia/Shanghai")
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # YYYY-MM, as the Prefect UI form checks it
PERIOD_RULE = "报送期间应为 YYYY-MM，如 2026-10"  # the pattern in words, wherever a period is refused
# The years a run can be about: a typo such as 9999 is refused, not carried into the
# date arithmetic, the store and the reports.
YEARS = range(2000, 2101)


def year_periods(year: int) -> tuple[str, ...]:
    """The twelve periods of `year`, January first."""
    return tuple(f"{year}-{month:02d}" for month in range(1, 13))


def period_start(period: str) -> dt.date:
    year, month = map(int, period.split("-"))
    return dt.date(year, month, 1)


def period_end(period: str) -> dt.date:
    return next_period_start(period) - dt.timedelta(days=1)


def next_period_start(period: str) -> dt.date:
    year, month = map(int, period.split("-"))
    return dt.date(year + month // 12, month % 12 + 1, 1)


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_period(day: dt.date) -> str:
    """The month before the one `day` falls in: the month being collected."""
    return period_of(day.replace(day=1) - dt.timedelta(days=1))


def due_day(period: str, day_of_month: int, calendar: WorkCalendar) -> dt.date:
    """The day a month's workbook is due: that day of the next month, moved to a working day."""
    return calendar.next_workday(next_period_start(period).replace(day=day_of_month))


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a Beijing day: a file is on time up to then."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=BEIJING)


def parse_as_of(value: dt.date | dt.datetime | str) -> dt.date | dt.datetime:
    """An as-of date or time, from its text or as given; a ValueError says what is wrong."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("应为 YYYY-MM-DD 或 ISO 时间，如 2026-11-06") from None
    if value.year not in YEARS:
        raise ValueError(f"年份应在 {YEARS[0]} 到 {YEARS[-1]} 之间")
    return value


def as_of_time(value: dt.date | dt.datetime | str | None, now: dt.datetime) -> dt.datetime:
    """The run's as-of time in Beijing; a bare date means the end of that day."""
    if value is None or value == "":
        return now.astimezone(BEIJING)
    try:
        value = parse_as_of(value)
    except ValueError as error:
        raise ValueError(f"as-of 日期 {value} 无效：{error}") from None
    if not isinstance(value, dt.datetime):
        return end_of_day(value)
    return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value.astimezone(BEIJING)


_NAMED_PERIOD = re.compile(r"(?<!\d)(20\d{2})\s*[-_.年/]\s*(1[0-2]|0?[1-9])(?!\d)")
_NAMED_MONTH = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*月")
BY_NAME, BY_ARRIVAL = "按文件名", "按收到时间"
COUNTED = "counted_period"  # in a file's stored info: why it counts for its period (none readable)


def counted_period(name: str, arrived: dt.datetime) -> tuple[str, str]:
    """The period a file whose own 报送期间 cannot be read counts for, and why: the one its
    name states (`2026-10`, `2026年10月`; `10月` alone is the latest October up to its
    arrival; a named month after the arrival's is ignored), else the month being collected
    when it arrived (the month before)."""
    day = arrived.astimezone(BEIJING).date()
    found = _NAMED_PERIOD.search(name)
    if found and (named := f"{int(found[1]):04d}-{int(found[2]):02d}") <= period_of(day):
        return named, BY_NAME
    if found := _NAMED_MONTH.search(name):
        month = int(found[1])
        return f"{day.year - (month > day.month):04d}-{month:02d}", BY_NAME
    return previous_period(day), BY_ARRIVAL
