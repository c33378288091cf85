"""Working days on the Chinese official calendar (with its 调休 days): from chinesecalendar,
completed by the administrator's calendar file (XZZF_CALENDAR) for the years it lacks, with
a Monday–Friday fallback for the years neither knows."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar

PACKAGE = "chinesecalendar"


@dataclass(frozen=True)
class YearDays:
    """One year's days as the 国务院办公厅's notice sets them: `holidays` are days off,
    `workdays` the weekend days that are working days (调休)."""

    notice: str
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True, eq=False)  # compared and hashed as itself: `years` is a dict
class WorkCalendar:
    """`years`: the calendar file's years; `extra_holidays`: the older XZZF_EXTRA_HOLIDAYS,
    days off in the years they name, which (without 调休 days) are still not official data.
    Where chinesecalendar knows a year, it wins."""

    years: Mapping[int, YearDays] = field(default_factory=dict)
    extra_holidays: frozenset[dt.date] = frozenset()

    @staticmethod
    @functools.cache
    def covers(year: int) -> bool:
        """Whether chinesecalendar has the official data of `year`."""
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_official(self, day: dt.date) -> bool:
        """Whether `day` is a working day or not by official data (the package's or the
        calendar file's), rather than by the Monday–Friday guess."""
        return self.covers(day.year) or day.year in self.years

    def source(self, day: dt.date) -> str | None:
        """Where `day`'s official data come from: the package, or the notice the calendar file
        names; None: no official data."""
        if self.covers(day.year):
            return PACKAGE
        return self.years[day.year].notice if day.year in self.years else None

    def is_workday(self, day: dt.date) -> bool:
        if self.covers(day.year):
            return chinese_calendar.is_workday(day)
        return self._by_file(day)

    def _by_file(self, day: dt.date) -> bool:
        known = self.years.get(day.year)
        if day in self.extra_holidays or (known and day in known.holidays):
            return False
        return bool(known and day in known.workdays) or day.weekday() < 5

    def disagreements(self) -> dict[int, list[dt.date]]:
        """Year → the days of it the calendar file and chinesecalendar see differently (the
        package wins), for the years both know."""
        found = {}
        for year in sorted(self.years):
            if not self.covers(year):
                continue
            days = (dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(366))
            if differ := [d for d in days if d.year == year and self._by_file(d) != chinese_calendar.is_workday(d)]:
                found[year] = differ
        return found

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The date `count` working days after `day` (before it, for a negative count)."""
        step, remaining = dt.timedelta(days=1 if count > 0 else -1), abs(count)
        while remaining > 0:
            day += step
            remaining -= self.is_workday(day)
        return day
