import datetime as dt

from xzzf.periods import BEIJING, as_of_time, due_day, period_end, previous_period
from xzzf.workdays import WorkCalendar


def test_due_day_moves_past_the_national_day_holiday():
    # 5 October 2026 is in the 国庆 holiday; the holiday ends on the 7th.
    assert due_day("2026-09", 5, WorkCalendar()) == dt.date(2026, 10, 8)
    assert due_day("2026-10", 5, WorkCalendar()) == dt.date(2026, 11, 5)


def test_a_year_the_calendar_lacks_falls_back_to_weekdays_and_configured_holidays():
    assert not WorkCalendar.covers(2099)
    calendar = WorkCalendar(extra_holidays=frozenset({dt.date(2099, 2, 5)}))
    assert due_day("2099-01", 5, calendar) == dt.date(2099, 2, 6)


def test_working_days_count_the_official_makeup_days():
    # 2026-10-10 (Saturday) is a 调休 working day.
    assert WorkCalendar().is_workday(dt.date(2026, 10, 10))
    assert WorkCalendar().add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert WorkCalendar().add_workdays(dt.date(2026, 10, 9), 2) == dt.date(2026, 10, 12)


def test_periods_and_as_of():
    assert period_end("2024-02") == dt.date(2024, 2, 29)
    assert previous_period(dt.date(2026, 1, 10)) == "2025-12"
    end = as_of_time("2026-11-06", dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert end.tzinfo == BEIJING and end.date() == dt.date(2026, 11, 6) and end.hour == 23
