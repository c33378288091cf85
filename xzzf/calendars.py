"""The calendar file (XZZF_CALENDAR) and what the calendar means for the dates a run
computes: each month's due day and first reminder day, whether they rest on official data,
and what a run says when they do not.

The file, for the years chinesecalendar lacks (the 国务院办公厅's notice comes each autumn)::

    years:
      2027:
        notice: 国务院办公厅关于2027年部分节假日安排的通知
        holidays: [2027-01-01, 2027-02-05]   # days off
        workdays: [2027-02-06]               # 调休: weekend days that are working days
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from xzzf.periods import (
    YEARS,
    due_day,
    next_period_start,
    period_end,
    period_of,
    period_start,
    previous_period,
    year_periods,
)
from xzzf.workdays import PACKAGE, WorkCalendar, YearDays

SETTING = "XZZF_CALENDAR"
# 国办发〔2018〕118号: a 行政许可 or 行政处罚 decision is published within 7 working days, the
# others within 20.
PUBLICATION_WORKDAYS_FAST, PUBLICATION_WORKDAYS = 7, 20
_KEYS = {"notice", "holidays", "workdays"}


class CalendarFileError(ValueError):
    """A calendar file that cannot be used; the message says where it is wrong."""


def load_calendar_file(path: Path) -> dict[int, YearDays]:
    """The file's years; a file that cannot be read, or that contradicts itself, raises
    CalendarFileError naming the place."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError:
        raise CalendarFileError(f"无法读取文件 {path}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise CalendarFileError(f"{path} 不是有效的 YAML 文件（{str(error).splitlines()[0]}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict) or set(data) != {"years"}:
        raise CalendarFileError(f"{path} 应以 years: 开头，其下按年度（如 2027:）填写 notice、holidays、workdays")
    return {year: days for year, days in (_year(key, entry) for key, entry in data["years"].items())}


def _year(key, entry) -> tuple[int, YearDays]:
    if isinstance(key, bool) or not (isinstance(key, int) or str(key).isdigit()) or int(key) not in YEARS:
        raise CalendarFileError(f"年度 {key} 无效：应为 {YEARS[0]} 到 {YEARS[-1]} 之间的年份，如 2027")
    year = int(key)
    if not isinstance(entry, dict) or (unknown := set(entry) - _KEYS):
        raise CalendarFileError(f"{year} 年应只填写 notice、holidays、workdays"
                                + (f"（多出：{'、'.join(map(str, unknown))}）" if isinstance(entry, dict) else ""))
    notice = entry.get("notice")
    if not isinstance(notice, str) or not notice.strip():
        raise CalendarFileError(f"{year} 年缺少 notice：请写明所依据的国务院办公厅通知")
    holidays, workdays = _dates(year, entry, "holidays"), _dates(year, entry, "workdays")
    if both := sorted(holidays & workdays):
        raise CalendarFileError(f"{year} 年的 {'、'.join(map(str, both))} 同时列在 holidays 和 workdays 中")
    if weekdays := sorted(d for d in workdays if d.weekday() < 5):
        raise CalendarFileError(f"{year} 年 workdays 中的 {'、'.join(map(str, weekdays))} 不是周六或周日："
                                "workdays 只填调休上班的周末")
    return year, YearDays(notice.strip(), holidays, workdays)


def _dates(year: int, entry: dict, name: str) -> frozenset[dt.date]:
    values = entry.get(name) or []
    if not isinstance(values, list):
        raise CalendarFileError(f"{year} 年的 {name} 应为日期列表，如 [{year}-01-01]")
    days = set()
    for value in values:
        try:
            day = value if type(value) is dt.date else dt.date.fromisoformat(str(value))
        except ValueError:
            raise CalendarFileError(f"{year} 年的 {name} 中 {value} 不是日期 YYYY-MM-DD") from None
        if day.year != year:
            raise CalendarFileError(f"{year} 年的 {name} 中 {day} 不在 {year} 年")
        days.add(day)
    return frozenset(days)


@dataclass(frozen=True)
class PeriodDays:
    """A month's due day and the day its 报送提醒 start; `official`: both (and the days
    between) rest on official data."""

    period: str
    due: dt.date
    remind_from: dt.date
    official: bool


def first_reminder_day(due: dt.date, remind_days: int, calendar: WorkCalendar) -> dt.date:
    """A unit is reminded from `remind_days` (XZZF_REMIND_DAYS) working days before its due day."""
    return calendar.add_workdays(due, -remind_days)


def period_days(period: str, day_of_month: int, remind_days: int, calendar: WorkCalendar) -> PeriodDays:
    due = due_day(period, day_of_month, calendar)
    start = first_reminder_day(due, remind_days, calendar)
    # Less than a year apart: the two ends name every year the days between fall in.
    return PeriodDays(period, due, start, calendar.is_official(start) and calendar.is_official(due))


def year_days(year: int, day_of_month: int, remind_days: int, calendar: WorkCalendar) -> list[PeriodDays]:
    return [period_days(p, day_of_month, remind_days, calendar) for p in year_periods(year)]


def days_ahead(day: dt.date, day_of_month: int, remind_days: int, calendar: WorkCalendar,
               months: int = 3) -> list[PeriodDays]:
    """The months due within `months` months of `day` (the month before `day`'s is due in
    `day`'s month): the days the runs from `day` on count with. A due day already past is not
    ahead."""
    periods = [previous_period(day)]
    while len(periods) <= months:
        periods.append(period_of(next_period_start(periods[-1])))
    ahead = [period_days(p, day_of_month, remind_days, calendar) for p in periods]
    return [d for d in ahead if d.due >= day]


def dates_at_stake(period: str, day_of_month: int, remind_days: int, calendar: WorkCalendar) -> tuple[dt.date, ...]:
    """The days a run about `period` counts working days over: its first reminder day, its due
    day, and its decisions' publication deadlines (from its first day to 20 working days after
    its last)."""
    days = period_days(period, day_of_month, remind_days, calendar)
    return (days.remind_from, days.due, period_start(period),
            calendar.add_workdays(period_end(period), PUBLICATION_WORKDAYS))


def calendar_warning(year: int, calendar: WorkCalendar) -> str:
    """What is said of a year without official data, wherever its dates are used."""
    extra = "及 XZZF_EXTRA_HOLIDAYS 所列假日" if any(d.year == year for d in calendar.extra_holidays) else ""
    return (f"{year} 年的节假日安排尚无官方数据（{PACKAGE} 未收录，{SETTING} 也未填写）："
            f"截止日、提醒日和公开时限按周一至周五{extra}推算，可能有误；国务院公布安排后请填写 {SETTING}")


def disagreement_warnings(calendar: WorkCalendar) -> list[str]:
    """One line for each year the calendar file and chinesecalendar see differently."""
    return [f"{SETTING} 中 {year} 年的安排与 {PACKAGE} 不一致，以 {PACKAGE} 为准：" + "、".join(
                f"{day}（{PACKAGE}：{'上班' if calendar.is_workday(day) else '休息'}）" for day in days)
            + f"；请核对 {SETTING}"
            for year, days in calendar.disagreements().items()]


def calendar_notes(calendar: WorkCalendar, days: Iterable[dt.date]) -> list[str]:
    """What a run computing with `days` says of its calendar: a warning for each of their years
    without official data, and the calendar file's disagreements with chinesecalendar."""
    years = sorted({day.year for day in days if not calendar.is_official(day)})
    return [calendar_warning(year, calendar) for year in years] + disagreement_warnings(calendar)
