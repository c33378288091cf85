"""Working days on the Chinese official calendar (with its 调休 days), with a fallback."""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar


class WorkCalendar:
    """Working days from chinesecalendar; for years it does not know yet, Monday–Friday
    minus the holidays the administrator configured (the official list comes each November).
    """

    def __init__(self, extra_holidays: frozenset[dt.date] = frozenset()):
        self.extra_holidays = extra_holidays

    @staticmethod
    @functools.cache
    def covers(year: int) -> bool:
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: dt.date) -> bool:
        if self.covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5 and day not in self.extra_holidays

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
