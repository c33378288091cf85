"""The calendar file (XZZF_CALENDAR): it completes the years chinesecalendar lacks (1.11.0 has
no 2027), the package wins where both know a year, a bad file is refused naming the setting,
and XZZF_EXTRA_HOLIDAYS still counts."""

import datetime as dt

import chinese_calendar
import pytest
import yaml

from xzzf.calendars import calendar_notes, calendar_warning, days_ahead, period_days, year_days
from xzzf.periods import due_day
from xzzf.settings import SettingsError, load_settings
from xzzf.workdays import WorkCalendar, YearDays

# The example: Friday 5 February 2027 a day off, Saturday the 6th a 调休 working day.
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
CALENDAR_2027 = {"years": {2027: {"notice": NOTICE, "holidays": [dt.date(2027, 1, 1), dt.date(2027, 2, 5)],
                                  "workdays": [dt.date(2027, 2, 6)]}}}


def write(tmp_path, data, name="calendar.yaml"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def clean(monkeypatch, tmp_path):
    """No developer XZZF_* setting or .env file."""
    monkeypatch.chdir(tmp_path)
    for name in ("XZZF_CALENDAR", "XZZF_EXTRA_HOLIDAYS", "XZZF_DUE_DAY", "XZZF_REMIND_DAYS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_2027_is_a_year_chinesecalendar_lacks():
    # The tests below stand on it: when a release brings 2027, they must move to a later year.
    assert not WorkCalendar.covers(2027) and WorkCalendar.covers(2026)


def test_a_holiday_on_the_due_day_moves_it_to_the_working_saturday_after(clean, tmp_path):
    clean.setenv("XZZF_CALENDAR", str(write(tmp_path, CALENDAR_2027)))
    calendar = load_settings().calendar()
    assert due_day("2027-01", 5, calendar) == dt.date(2027, 2, 6)  # the Saturday, not Monday the 8th
    assert not calendar.is_workday(dt.date(2027, 2, 5)) and not calendar.is_workday(dt.date(2027, 2, 7))
    # The reminders count back from the Saturday past the holiday: 4, 3, 2 February.
    assert period_days("2027-01", 5, 3, calendar).remind_from == dt.date(2027, 2, 2)
    assert period_days("2027-01", 5, 1, calendar).remind_from == dt.date(2027, 2, 4)
    assert calendar.is_official(dt.date(2027, 2, 6)) and calendar.source(dt.date(2027, 2, 6)) == NOTICE
    # Without the file the same month is due on the Friday, by the Monday–Friday guess.
    clean.delenv("XZZF_CALENDAR")
    bare = load_settings().calendar()
    assert due_day("2027-01", 5, bare) == dt.date(2027, 2, 5)
    assert not bare.is_official(dt.date(2027, 2, 5)) and bare.source(dt.date(2027, 2, 5)) is None


def test_a_period_is_official_only_when_its_due_day_and_first_reminder_day_are():
    filled = WorkCalendar({2027: _year_2027()})
    official = {d.period: d.official for d in year_days(2027, 5, 3, filled)}
    assert official["2027-01"] and official["2027-11"]
    assert not official["2027-12"]  # due on 5 January 2028: a year nobody knows yet
    assert {d.period: d.official for d in year_days(2026, 5, 3, WorkCalendar())} == {
        **{f"2026-{m:02d}": True for m in range(1, 12)}, "2026-12": False}  # due in January 2027
    # A due day early in January reminded from late December: both years must be known.
    december = period_days("2026-12", 5, 20, filled)
    assert december.remind_from.year == 2026 and december.official
    only_2028 = period_days("2027-12", 5, 3, WorkCalendar({2028: YearDays("2028 年的通知")}))
    assert only_2028.due.year == 2028 and only_2028.remind_from.year == 2027 and not only_2028.official


def _year_2027():
    return YearDays(NOTICE, frozenset({dt.date(2027, 2, 5)}), frozenset({dt.date(2027, 2, 6)}))


def test_the_warning_names_the_year_and_the_setting_once_a_year():
    calendar = WorkCalendar()
    notes = calendar_notes(calendar, [dt.date(2026, 12, 30), dt.date(2027, 1, 5), dt.date(2027, 3, 1)])
    assert notes == [calendar_warning(2027, calendar)]
    assert notes[0].startswith("2027 年的节假日安排尚无官方数据（chinesecalendar 未收录，XZZF_CALENDAR 也未填写）")
    assert "请填写 XZZF_CALENDAR" in notes[0]
    assert calendar_notes(calendar, [dt.date(2026, 12, 30)]) == []
    assert calendar_notes(WorkCalendar({2027: _year_2027()}), [dt.date(2027, 1, 5)]) == []


def test_where_both_know_a_year_the_package_wins_and_the_differences_are_named(clean, tmp_path):
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    official = {"notice": "国务院办公厅关于2026年部分节假日安排的通知",
                "holidays": [d for d in days if d.weekday() < 5 and not chinese_calendar.is_workday(d)],
                "workdays": [d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)]}
    clean.setenv("XZZF_CALENDAR", str(write(tmp_path, {"years": {2026: official}})))
    assert load_settings().calendar().disagreements() == {}  # a faithful copy: nothing to report
    assert load_settings().calendar_notes("2026-06") == []
    # A wrong day off (Friday 9 October is a working day) and a forgotten 调休 Saturday (10 October).
    wrong = {**official, "holidays": [*official["holidays"], dt.date(2026, 10, 9)],
             "workdays": [d for d in official["workdays"] if d != dt.date(2026, 10, 10)]}
    clean.setenv("XZZF_CALENDAR", str(write(tmp_path, {"years": {2026: wrong}})))
    settings = load_settings()
    assert settings.calendar().disagreements() == {2026: [dt.date(2026, 10, 9), dt.date(2026, 10, 10)]}
    assert settings.calendar().is_workday(dt.date(2026, 10, 9))  # the package wins
    assert due_day("2026-09", 5, settings.calendar()) == dt.date(2026, 10, 8)
    assert settings.calendar_notes("2026-06") == [
        "XZZF_CALENDAR 中 2026 年的安排与 chinesecalendar 不一致，以 chinesecalendar 为准："
        "2026-10-09（chinesecalendar：上班）、2026-10-10（chinesecalendar：上班）；请核对 XZZF_CALENDAR"]


BAD = {
    "unreadable-yaml": ("years:\n  2027: {holidays: [2027-01-01\n", "不是有效的 YAML 文件"),
    "not-years": ({"2027": {"notice": NOTICE}}, "应以 years: 开头"),
    "date-outside-its-year": ({"years": {2027: {"notice": NOTICE, "holidays": [dt.date(2028, 1, 1)]}}},
                              "2027 年的 holidays 中 2028-01-01 不在 2027 年"),
    "holiday-and-workday": ({"years": {2027: {"notice": NOTICE, "holidays": [dt.date(2027, 2, 6)],
                                              "workdays": [dt.date(2027, 2, 6)]}}},
                            "2027 年的 2027-02-06 同时列在 holidays 和 workdays 中"),
    "workday-not-a-weekend": ({"years": {2027: {"notice": NOTICE, "workdays": [dt.date(2027, 2, 8)]}}},
                              "2027-02-08 不是周六或周日"),
    "not-a-date": ({"years": {2027: {"notice": NOTICE, "holidays": ["2027-02-30"]}}},
                   "2027 年的 holidays 中 2027-02-30 不是日期"),
    "no-notice": ({"years": {2027: {"holidays": [dt.date(2027, 2, 5)]}}}, "2027 年缺少 notice"),
    "not-a-year": ({"years": {27: {"notice": NOTICE}}}, "年度 27 无效：应为 2000 到 2100 之间的年份"),
    "misspelt-key": ({"years": {2027: {"notice": NOTICE, "holiday": [dt.date(2027, 2, 5)]}}}, "多出：holiday"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_calendar_file_is_refused_naming_the_setting(clean, tmp_path, case):
    data, reason = BAD[case]
    clean.setenv("XZZF_CALENDAR", str(write(tmp_path, data)))
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert str(refused.value).startswith("设置 XZZF_CALENDAR 无效：") and reason in str(refused.value)
    assert "\n" not in str(refused.value).strip()


def test_a_missing_calendar_file_is_refused(clean, tmp_path):
    clean.setenv("XZZF_CALENDAR", str(tmp_path / "nowhere.yaml"))
    with pytest.raises(SettingsError, match="设置 XZZF_CALENDAR 无效：无法读取文件"):
        load_settings()


def test_the_older_extra_holidays_still_count_but_are_not_official(clean, tmp_path):
    clean.setenv("XZZF_EXTRA_HOLIDAYS", "2027-02-05,2027-10-05")
    settings = load_settings()
    calendar = settings.calendar()
    assert due_day("2027-01", 5, calendar) == dt.date(2027, 2, 8)  # past the Friday off and the weekend
    assert due_day("2027-09", 5, calendar) == dt.date(2027, 10, 6)
    assert not calendar.is_official(dt.date(2027, 2, 8))  # no 调休 days: still the guess
    assert "按周一至周五及 XZZF_EXTRA_HOLIDAYS 所列假日推算" in settings.calendar_notes("2027-01")[0]
    # Beside a calendar file, both count.
    clean.setenv("XZZF_CALENDAR", str(write(tmp_path, CALENDAR_2027)))
    calendar = load_settings().calendar()
    assert due_day("2027-09", 5, calendar) == dt.date(2027, 10, 6) and due_day("2027-01", 5, calendar) == dt.date(
        2027, 2, 6)


def test_a_run_warns_for_its_publication_deadlines_too(clean):
    # November 2026: due and reminded in December, but a decision of 30 November may be
    # published up to 20 working days later, still in 2026; December's run in 2027.
    settings = load_settings()
    assert settings.calendar_notes("2026-11") == []
    assert settings.calendar_notes("2026-12") == [calendar_warning(2027, settings.calendar())]


@pytest.mark.parametrize(("day", "periods"), [
    ("2025-03-03", ["2025-02", "2025-03", "2025-04", "2025-05"]),  # February's due day (5 March) still ahead
    ("2025-03-10", ["2025-03", "2025-04", "2025-05"]),  # already past
    ("2026-11-10", ["2026-11", "2026-12", "2027-01"]),  # over the year's end
])
def test_the_days_ahead_are_the_months_due_within_three_months(day, periods):
    """What `xzzf doctor` wants official holidays for (its January check is separate)."""
    as_of = dt.date.fromisoformat(day)
    ahead = days_ahead(as_of, 5, 3, WorkCalendar())
    assert [d.period for d in ahead] == periods
    assert all(as_of <= d.due <= as_of + dt.timedelta(days=3 * 31 + 7) for d in ahead)
