"""Reporting periods (`YYYY-MM`), due days and the as-of clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from xzzf.workdays import WorkCalendar

BEIJING = ZoneInfo("Asia/Shanghai")
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # YYYY-MM, as the Prefect UI form checks it


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


def as_of_time(value: dt.date | dt.datetime | str | None, now: dt.datetime) -> dt.datetime:
    """The run's as-of time in Beijing; a bare date means the end of that day."""
    if value is None or value == "":
        return now.astimezone(BEIJING)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"as-of 日期 {value!r} 无效：应为 YYYY-MM-DD 或 ISO 时间") from None
    if not isinstance(value, dt.datetime):
        return end_of_day(value)
    return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value.astimezone(BEIJING)
