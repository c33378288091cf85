"""Who is reminded of what, and on which day (xzzf.reminders). The days are pinned by hand from
the State Council's 2026 holiday schedule: 中秋 25–27 September, 国庆 1–7 October, with Sunday
20 September a working day; 劳动节 1–5 May."""

import datetime as dt

import pytest

from xzzf.adjustments import Obligations, Standing
from xzzf.catalog import assign, load_catalog
from xzzf.intake import SubmissionFact
from xzzf.periods import BEIJING, due_day, end_of_day
from xzzf.reminders import (
    NoticeKind,
    due_notices,
    overdue_notices,
    reminder_periods,
    task_notices,
)
from xzzf.units import Registry, Unit
from xzzf.workdays import WorkCalendar

CALENDAR = WorkCalendar()
SFJ = ("sfj@hsb.example.gov.cn",)


def unit(code, name=None, kind="部门", email=True, **dates) -> Unit:
    return Unit(code, name or f"{code}局", kind, True, email=(f"{code.lower()}@hsb.example.gov.cn",) if email else (),
                **dates)


REGISTRY = Registry((
    unit("ZRZY", "自然资源局<b>"),  # owes, no file: reminded
    unit("SFJ", "司法局"),  # accepted file: not reminded
    unit("MZJ", "民政局"),  # 免报 for 2026-10
    unit("WJJ", "卫健局", end=dt.date(2026, 9, 30)),  # abolished: owes no October
    unit("XZJ", "新庄集乡", kind="乡镇", start=dt.date(2026, 11, 10)),  # set up after October
    unit("LQX", "柳泉乡", kind="乡镇", email=False),  # no address: only on the 司法局's list
    unit("TJJ", "统计局"),  # only a rejected file: reminded
    unit("SWJ", "水务局"),  # 延期至 2026-11-20
))
STANDING = Standing(extensions={("SWJ", "2026-10"): dt.date(2026, 11, 20)},
                    exemptions={("MZJ", "2026-10"): "机构调整，经批准免报"})
OBLIGATIONS = Obligations(REGISTRY, 5, CALENDAR, STANDING)
FACTS = {"SFJ": [SubmissionFact(1, "SFJ", "2026-10", "accepted", dt.datetime(2026, 11, 1, 10, tzinfo=BEIJING))],
         "TJJ": [SubmissionFact(2, "TJJ", "2026-10", "rejected", dt.datetime(2026, 11, 1, 10, tzinfo=BEIJING))]}


def told(unit: Unit) -> list[str]:
    """A unit's 任务提示 as the flow gives it (tests/flows/test_task_notice.py reads real ones)."""
    return [f"{unit.name}的任务提示"]


def statuses(period: str, as_of: dt.datetime) -> dict:
    """As the flow gets them: every unit that owes the month."""
    return OBLIGATIONS.unit_statuses([fact for facts in FACTS.values() for fact in facts], period, as_of)


def day(text: str) -> dt.datetime:
    return end_of_day(dt.date.fromisoformat(text))


def due(as_of: str, period="2026-10", days=3) -> dict:
    moment = day(as_of)
    return {n.key: n for n in due_notices(OBLIGATIONS, period, statuses(period, moment), moment, days, told)}


def overdue(as_of: str, period="2026-10", with_list=True) -> dict:
    moment = day(as_of)
    found = overdue_notices(OBLIGATIONS, period, statuses(period, moment), moment, SFJ, told, with_list)
    return {n.key: n for n in found}


def test_the_reminder_day_is_counted_in_working_days_back_from_a_due_day_moved_past_a_holiday():
    # 5 October 2026 is in the 国庆 holiday: 2026-09 is due on Thursday 8 October...
    assert due_day("2026-09", 5, CALENDAR) == dt.date(2026, 10, 8)
    # ...so three working days before it are 30, 29 and 28 September, over the seven days off.
    assert CALENDAR.add_workdays(dt.date(2026, 10, 8), -3) == dt.date(2026, 9, 28)
    assert CALENDAR.add_workdays(dt.date(2026, 10, 8), -5) == dt.date(2026, 9, 23)  # over 中秋 too
    assert CALENDAR.add_workdays(dt.date(2026, 10, 8), -8) == dt.date(2026, 9, 20)  # a Sunday worked (调休)
    assert due_day("2026-04", 5, CALENDAR) == dt.date(2026, 5, 6)  # 劳动节 1–5 May
    assert CALENDAR.add_workdays(dt.date(2026, 5, 6), -3) == dt.date(2026, 4, 28)
    assert CALENDAR.add_workdays(dt.date(2026, 11, 5), -3) == dt.date(2026, 11, 2)  # no holiday: Monday


def test_a_reminder_may_fall_in_the_last_days_of_its_own_month():
    assert reminder_periods(dt.date(2026, 9, 28)) == ("2026-08", "2026-09")
    registry = Registry((unit("ZRZY"),))
    obligations = Obligations(registry, 5, CALENDAR)
    for as_of, expected in (("2026-09-27", []), ("2026-09-28", ["remind/2026-09/ZRZY"]),
                            ("2026-10-08", ["remind/2026-09/ZRZY"]), ("2026-10-09", [])):
        moment = day(as_of)
        found = due_notices(obligations, "2026-09", {"ZRZY": obligations.status("ZRZY", "2026-09", [], moment)},
                            moment, 3, told)
        assert [n.key for n in found] == expected, as_of


def test_only_units_that_owe_the_month_have_an_address_and_no_accepted_file_are_reminded():
    assert due("2026-11-01") == {}  # the day before the reminder day
    found = due("2026-11-02")
    assert sorted(found) == ["remind/2026-10/TJJ", "remind/2026-10/ZRZY"]
    reminder = found["remind/2026-10/ZRZY"]
    assert reminder.kind == NoticeKind.DUE and reminder.to == ("zrzy@hsb.example.gov.cn",)
    assert reminder.template.period == "2026-10" and reminder.template.due == dt.date(2026, 11, 5)
    assert reminder.subject == "【报送提醒】自然资源局<b> 2026-10 月报请于 2026年11月5日（星期四）前报送"
    assert "自然资源局&lt;b&gt;" in reminder.html and "<b>" not in reminder.html
    assert "尚未收到本单位该月的文件" in reminder.text and "文件夹“ZRZY”" in reminder.text
    assert "均被退回" in found["remind/2026-10/TJJ"].text
    assert sorted(due("2026-11-05")) == sorted(found)  # up to the due day: a missed run loses nothing
    assert due("2026-11-06") == {}


def test_an_extension_moves_the_units_reminder_and_its_notice():
    assert "remind/2026-10/SWJ" not in due("2026-11-05")
    assert "remind/2026-10/SWJ" not in due("2026-11-16")
    found = due("2026-11-17")  # three working days before Friday 20 November
    assert "（已批准延期至该日）" in found["remind/2026-10/SWJ"].text
    assert "overdue/2026-10/SWJ" not in overdue("2026-11-20")
    assert "overdue/2026-10/SWJ" in overdue("2026-11-21")


def test_after_the_due_day_each_missing_unit_is_told_once_and_the_sfj_gets_the_list():
    assert overdue("2026-11-05") == {}  # the due day itself: still on time
    found = overdue("2026-11-06")
    assert sorted(found) == ["overdue-list/2026-10", "overdue/2026-10/TJJ", "overdue/2026-10/ZRZY"]
    notice = found["overdue/2026-10/ZRZY"]
    assert notice.kind == NoticeKind.OVERDUE and notice.subject.startswith("【催报】自然资源局<b> 2026-10")
    assert "2026年11月5日（星期四）" in notice.text and "<b>" not in notice.html
    listed = found["overdue-list/2026-10"]
    assert listed.to == SFJ and listed.subject == "【催报名单】2026-10 月报逾期未报送单位 3 个（截至 2026-11-06）"
    assert "自然资源局<b>（ZRZY）：截止 2026-11-05，未报送，已发催报邮件" in listed.text
    assert "统计局（TJJ）：截止 2026-11-05，退回，已发催报邮件" in listed.text
    assert "柳泉乡（LQX）：截止 2026-11-05，未报送，名册中没有邮箱，请另行通知" in listed.text
    assert "另有 1 个单位已批准延期、尚未到期：水务局（SWJ） 延期至 2026-11-20" in listed.text
    for code in ("SFJ", "MZJ", "WJJ", "XZJ"):
        assert code not in listed.text
    assert "自然资源局&lt;b&gt;" in listed.html and "<b>" not in listed.html
    assert "overdue-list/2026-10" not in overdue("2026-11-06", with_list=False)  # a run limited to some units


TASKS = load_catalog()
LABEL_17 = next(t.label for t in TASKS if t.no == 17)


def tasks_due(as_of: str, progress=()) -> dict:
    return {n.key: n for n in task_notices(TASKS, assign(TASKS, REGISTRY), REGISTRY, list(progress), day(as_of),
                                           told)}


def progress(code: str, task: int, state: str, completed: dt.date | None, period="2026-09") -> dict:
    return {"unit_code": code, "period": period, "excel_row": 2, "task_no": task, "state": state,
            "completed_on": completed}


def test_a_task_is_recalled_to_its_owners_thirty_days_before_its_deadline():
    # Task 17 is due 每年10月底前: 31 October, thirty days after 1 October.
    assert next(t.deadline for t in TASKS if t.no == 17).days_between(dt.date(2026, 10, 1),
                         dt.date(2026, 10, 31)) == [dt.date(2026, 10, 31)]
    assert tasks_due("2026-09-30") == {}
    found = tasks_due("2026-10-01")
    owners = {key.rsplit("/", 1)[1] for key in found}
    # Every 部门 and 乡镇 with an address that exists on the day and on the deadline.
    assert owners == {"ZRZY", "SFJ", "MZJ", "TJJ", "SWJ"}
    notice = found["task/17/2026-10-31/ZRZY"]
    assert notice.kind == NoticeKind.TASK and notice.about == f"{LABEL_17}（完成时限 2026-10-31）"
    assert notice.subject == f"【任务提醒】自然资源局<b>：{LABEL_17}，完成时限 2026年10月31日（星期六）"
    assert "本单位为责任单位" in notice.text and "“每年10月底前”" in notice.text and "还有 30 天" in notice.text
    assert "<b>" not in notice.html
    assert notice.text.endswith("任务提示（本单位承担的提升行政执法质量三年行动任务）：\n自然资源局<b>的任务提示\n"
                                "本邮件由 xzzf 自动发送，请勿直接回复。")  # every unit mail carries its 任务提示
    assert "task/17/2026-10-31/ZRZY" in tasks_due("2026-10-31") and tasks_due("2026-11-01") == {}


@pytest.mark.parametrize(("completed", "reminded"), [(dt.date(2026, 9, 20), False), (dt.date(2025, 10, 20), True)])
def test_a_unit_that_reported_the_task_done_this_year_is_not_recalled(completed, reminded):
    found = tasks_due("2026-10-01", [progress("ZRZY", 17, "已完成", completed)])
    assert ("task/17/2026-10-31/ZRZY" in found) is reminded
