"""Boundaries and branches of the as-of rules, each pinned to the sentence of the spec it
comes from (indicators.md; submission.md for arrivals and corrections)."""

import datetime as dt

import pytest

from xzzf.adjustments import Obligations
from xzzf.annual import as_frames
from xzzf.catalog import Task, parse_deadline
from xzzf.figures import figures, qualifying_hours, timeliness, year_records
from xzzf.indicators import judged, misses
from xzzf.intake import SubmissionFact, arrival_time, as_of_view, evidence, first_accepted, month_status
from xzzf.periods import BEIJING, as_of_time, end_of_day, period_end, period_start
from xzzf.task_status import latest_progress, task_status
from xzzf.units import Registry, Unit
from xzzf.workdays import WorkCalendar

D = dt.date


def person(cert, until, status="有效", period="2026-12"):
    return {"unit_code": "SFJ", "period": period, "excel_row": 2, "name": cert, "cert_no": cert,
            "cert_status": status, "cert_valid_until": until, "is_enforcer": True, "is_legal_reviewer": False,
            "is_public_lawyer": False, "duty_status": "在岗"}


def complaint(no, due, closed=None, private=False):
    return {"unit_code": "SFJ", "period": "2026-06", "excel_row": 2, "complaint_no": no, "source": "来信",
            "received_on": D(2025, 12, 1), "private_enterprise": private, "due_on": due, "closed_on": closed,
            "result": "不属实" if closed else None}


YEAR_OVER = D(2027, 1, 10)


def year_figures(rows, year=2026, as_of=YEAR_OVER):
    records = year_records(as_frames(rows), year, as_of)
    return figures(records, qualifying_hours(records["trainings"]))


# indicators.md, certified_rate: "证件状态 = 有效 and 证件有效期至 not before the snapshot's period end".
@pytest.mark.parametrize(("until", "certified"), [
    (D(2026, 12, 31), True),   # on the period end: not before it
    (D(2026, 12, 30), False),  # the day before
    (D(2027, 1, 1), True),
])
def test_a_certificate_counts_as_valid_up_to_and_including_the_period_end(until, certified):
    indicators = year_figures({"roster": [person("C1", until)]})
    assert indicators["staff_enforcement"] == 1
    assert indicators["certified_rate"] == (1.0 if certified else 0.0)


def test_a_certificate_on_the_period_end_of_a_november_snapshot_is_judged_against_november():
    """The snapshot's own period end, not the year's: a roster of 2026-11 valid until 30 November."""
    indicators = year_figures({"roster": [person("C1", D(2026, 11, 30), period="2026-11")]})
    assert indicators["certified_rate"] == 1.0


def test_it_does_not_count_a_certificate_that_is_not_valid_whatever_its_date():
    indicators = year_figures({"roster": [person("C1", D(2028, 1, 1), status="暂扣")]})
    assert indicators["certified_rate"] == 0.0


# indicators.md, complaints_due: "规定办结日期 in [Y-01-01, min(Y-12-31, D)]".
def test_complaints_due_are_capped_at_the_as_of_date():
    """It does not count a complaint whose 规定办结日期 is after the as-of date, even within Y."""
    rows = {"complaints": [complaint("K0", D(2025, 12, 31)), complaint("K1", D(2026, 1, 1), D(2026, 1, 1)),
                           complaint("K2", D(2026, 6, 30)), complaint("K3", D(2026, 7, 1)),
                           complaint("K4", D(2026, 12, 31))]}
    indicators = year_figures(rows, as_of=D(2026, 6, 30))
    assert indicators["complaints_due"] == 2  # K1 and K2 (due on the as-of date itself)
    assert indicators["complaint_ontime_rate"] == 0.5


def test_complaints_due_run_to_the_year_end_once_the_year_is_over():
    rows = {"complaints": [complaint("K4", D(2026, 12, 31), D(2026, 12, 30)), complaint("K5", D(2027, 1, 1))]}
    indicators = year_figures(rows, as_of=D(2027, 3, 1))
    assert (indicators["complaints_due"], indicators["complaint_ontime_rate"]) == (1, 1.0)


def test_a_complaint_closed_on_its_due_day_is_on_time_and_a_day_later_is_not():
    rows = {"complaints": [complaint("K1", D(2026, 3, 10), D(2026, 3, 10), private=True),
                           complaint("K2", D(2026, 3, 10), D(2026, 3, 11), private=True)]}
    indicators = year_figures(rows)
    assert indicators["complaint_ontime_rate"] == 0.5
    assert indicators["enterprise_complaint_ontime_rate"] == 0.5


# indicators.md, "Task deadlines (完成时限)". Phrases as the seed writes them.
def task(phrase, no=3):
    return Task(no=no, section="", title="", text="", owners={}, deadline=parse_deadline(phrase))


def row(state, completed=None):
    return {"state": state, "completed_on": completed}


DATED_ONGOING = "2024 年 6 月 15 日前并长期坚持"
DATED = "2024年5月底前"
YEARLY = "每年 1 月底前"


@pytest.mark.parametrize(("state", "expected"), [
    ("长期坚持", "on_track"),  # "after it, 已完成 or 长期坚持 is on track"
    ("推进中", "overdue"),
    ("未启动", "overdue"),
    (None, "overdue"),  # never reported
])
def test_after_a_dated_and_ongoing_deadline_only_done_or_ongoing_is_on_track(state, expected):
    assert task_status(task(DATED_ONGOING), row(state) if state else None, 2026, D(2026, 12, 31), None) == expected


def test_a_dated_and_ongoing_task_done_in_time_stays_done_and_late_is_done_late():
    t = task(DATED_ONGOING)
    assert task_status(t, row("已完成", D(2024, 6, 15)), 2026, D(2026, 12, 31), None) == "done"
    assert task_status(t, row("已完成", D(2024, 6, 16)), 2026, D(2026, 12, 31), None) == "done_late"


@pytest.mark.parametrize(("as_of", "expected"), [(D(2024, 6, 15), "not_due"), (D(2024, 6, 16), "overdue")])
def test_a_dated_task_is_overdue_only_when_the_as_of_date_is_past_its_deadline(as_of, expected):
    """"overdue on D when D is past it" — the deadline day itself is not past."""
    assert task_status(task(DATED_ONGOING), row("推进中"), as_of.year, as_of, None) == expected


def test_a_dated_task_without_ongoing_is_overdue_when_reported_as_ongoing():
    """Only `…并长期坚持` makes 长期坚持 on track after the date; a plain dated task is owed done."""
    assert task_status(task(DATED), row("长期坚持"), 2026, D(2026, 12, 31), None) == "overdue"
    assert task_status(task(DATED), row("已完成", D(2024, 5, 31)), 2026, D(2026, 12, 31), None) == "done"


@pytest.mark.parametrize("state", ["未启动", "推进中", "已完成", "长期坚持", None])
def test_a_task_of_ongoing_alone_is_never_overdue(state):
    assert task_status(task("长期坚持"), row(state) if state else None, 2030, D(2030, 12, 31), None) == "ongoing"


@pytest.mark.parametrize(("completed", "as_of", "expected"), [
    (D(2026, 1, 31), D(2026, 12, 31), "done"),       # on that year's deadline
    (D(2026, 2, 1), D(2026, 12, 31), "done_late"),
    (D(2025, 1, 20), D(2026, 12, 31), "overdue"),    # done in another year does not count for Y
    (None, D(2026, 1, 31), "not_due"),
    (None, D(2026, 2, 1), "overdue"),
])
def test_a_yearly_task_is_judged_by_a_completion_within_that_year(completed, as_of, expected):
    reported = row("已完成", completed) if completed else row("推进中")
    assert task_status(task(YEARLY, no=19), reported, 2026, as_of, None) == expected


# submission.md: a later file "supersedes the earlier one entirely (a correction)"; the
# arrival "decides whether a month was reported on time"; indicators.md, submissions_on_time:
# "months whose first accepted submission arrived by the due day (end of that day)".
DUE = D(2026, 11, 5)
AS_OF = dt.datetime(2026, 11, 20, 9, tzinfo=BEIJING)


def fact(id_, status, arrival, period="2026-10", fill_date=None):
    return SubmissionFact(id=id_, unit_code="SFJ", period=period, status=status, arrival_at=arrival,
                          fill_date=fill_date, sha256=f"{id_:064x}")


def unit_status(facts, due, as_of):
    """A month's status from its files, as Obligations.status gives it for a month not 免报."""
    return month_status(*evidence(facts), due, as_of)


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)


def test_a_superseded_first_file_still_makes_the_month_on_time():
    """It keeps a month on time when its on-time file was later corrected by a late one."""
    facts = [fact(1, "superseded", at(D(2026, 11, 3))), fact(2, "accepted", at(D(2026, 11, 10)))]
    assert unit_status(facts, DUE, AS_OF) == "on_time"
    assert first_accepted(facts) == {("SFJ", "2026-10"): at(D(2026, 11, 3))}


def test_the_as_of_view_keeps_the_first_arrival_of_a_corrected_month():
    """Both files accepted when read; the view supersedes the earlier, the month stays on time."""
    view = as_of_view([fact(1, "accepted", at(D(2026, 11, 3))), fact(2, "accepted", at(D(2026, 11, 10)))], AS_OF)
    assert {f.id: f.status for f in view} == {1: "superseded", 2: "accepted"}
    assert first_accepted(view) == {("SFJ", "2026-10"): at(D(2026, 11, 3))}
    assert unit_status(view, DUE, AS_OF) == "on_time"


def test_a_rejected_file_never_counts_for_timeliness():
    facts = [fact(1, "rejected", at(D(2026, 11, 2))), fact(2, "accepted", at(D(2026, 11, 9)))]
    assert unit_status(facts, DUE, AS_OF) == "late"
    assert first_accepted(facts) == {("SFJ", "2026-10"): at(D(2026, 11, 9))}
    assert unit_status(facts[:1], DUE, AS_OF) == "rejected"


@pytest.mark.parametrize(("arrival", "expected"), [
    (end_of_day(DUE), "on_time"),  # "by the due day (end of that day, Asia/Shanghai)"
    (end_of_day(DUE) + dt.timedelta(microseconds=1), "late"),
])
def test_a_file_is_on_time_up_to_the_end_of_the_due_day(arrival, expected):
    assert unit_status([fact(1, "accepted", arrival)], DUE, AS_OF) == expected


@pytest.mark.parametrize(("as_of", "expected"), [
    (end_of_day(DUE), "not_due"),
    (end_of_day(DUE) + dt.timedelta(microseconds=1), "missing"),
])
def test_a_month_without_files_is_missing_once_its_due_day_has_passed(as_of, expected):
    assert unit_status([], DUE, as_of) == expected


# Survivors of the mutation run over xzzf/ (issue 10): each test below pins one more branch.
def decision(no, day, *, must=True, publication="已公开"):
    return {"unit_code": "SFJ", "period": "2026-06", "excel_row": 2, "decision_no": no, "category": "行政检查",
            "decision_date": day, "party_type": "自然人", "credit_code": None, "on_spot": False, "filed": None,
            "must_publish": must, "publication": publication, "published_on": None, "is_major": False,
            "legal_reviewed": False, "on_platform": True, "transferred": False, "fine": None, "state": "有效"}


def training(cert, day, hours, category="业务知识"):
    return {"unit_code": "SFJ", "period": f"{day.year}-{day.month:02d}", "excel_row": 2, "name": cert,
            "cert_no": cert, "training_date": day, "title": f"培训{day}", "category": category, "hours": hours,
            "organiser": "本单位"}


def test_the_publication_rate_counts_only_decisions_that_must_be_published():
    """indicators.md: "of decisions in Y with 是否应公开 = 是, 公开状态 ∈ {已公开, 已下撤}"."""
    rows = {"decisions": [decision("D1", D(2026, 6, 1)), decision("D2", D(2026, 6, 2), must=False,
                                                                  publication="未公开")]}
    assert year_figures(rows)["publication_rate"] == 1.0
    rows = {"decisions": [decision("D1", D(2026, 6, 1), must=False, publication="未公开")]}
    assert year_figures(rows)["publication_rate"] is None


def test_decisions_belong_to_the_year_of_their_own_date_from_1_january():
    rows = {"decisions": [decision("D0", D(2025, 12, 31)), decision("D1", D(2026, 1, 1)),
                          decision("D2", D(2026, 12, 31)), decision("D3", D(2027, 1, 1))]}
    assert year_figures(rows)["decisions_total"] == 2


def test_training_hours_count_only_trainings_of_the_year_and_staff_without_any_have_zero():
    """"Qualifying hours … summed per 执法证号 over Y"; "Staff without a 执法证号 count in the
    denominator with 0 hours" (and so do staff with no training at all)."""
    rows = {"roster": [person("C1", D(2028, 1, 1)), person("C2", D(2028, 1, 1))],
            "trainings": [training("C1", D(2025, 12, 31), 60), training("C1", D(2026, 1, 1), 60)]}
    indicators = year_figures(rows)
    assert indicators["training_hours_per_capita"] == 30.0  # (60 + 0) / 2
    assert indicators["training_compliance_rate"] == 0.5


def test_no_enforcement_staff_gives_null_per_capita_hours():
    assert year_figures({})["training_hours_per_capita"] is None


def test_psychological_training_counts_as_an_activity():
    """indicators.md, psych_activities: 活动类型 心理健康教育 or 心理训练; 心理咨询 and 危机干预 are not counted."""
    rows = {"psych_activities": [
        {"unit_code": "SFJ", "period": "2026-05", "excel_row": 2, "held_on": D(2026, 5, 5), "title": kind,
         "activity_type": kind, "participants": 9} for kind in ("心理健康教育", "心理训练", "心理咨询", "危机干预")]}
    assert year_figures(rows)["psych_activities"] == 2


def test_cumulative_targets_are_judged_only_after_their_deadline_day():
    """indicators.md: flexible_cases ≥ 3 "by 31 October": on 31 October it is still progress."""
    assert not judged("flexible_cases", 2026, D(2026, 10, 31))
    assert judged("flexible_cases", 2026, D(2026, 11, 1))
    assert judged("publication_rate", 2026, D(2026, 1, 1))


@pytest.mark.parametrize(("key", "value", "missed"), [
    ("withdrawal_pending", 0, False), ("withdrawal_pending", 1, True),  # target 0 (at most)
    ("complaint_ontime_rate", 0.9, False), ("complaint_ontime_rate", 0.89, True),  # ≥ 90 %
    ("legal_review_staff_ratio", 0.05, False), ("legal_review_staff_ratio", 0.049, True),  # ≥ 5 %
    ("publication_rate", None, False),  # null (不适用) never fails
    ("decisions_total", 0, False),  # no target
])
def test_a_figure_fails_only_when_it_misses_its_target(key, value, missed):
    assert misses(key, value) is missed


TIMELINESS = Obligations(Registry((Unit("SFJ", "司法局", "部门", True),)), 5, WorkCalendar())


def test_timeliness_expects_only_months_whose_due_day_has_passed():
    """"months of Y up to D's month whose due day has passed": October 2026 is due 5 November."""
    arrivals = {"2026-09": at(D(2026, 10, 8)), "2026-10": at(D(2026, 11, 5))}
    on_due_day = timeliness(arrivals, 2026, end_of_day(D(2026, 11, 5)), TIMELINESS, "SFJ")
    assert "2026-10" not in on_due_day["months"] and on_due_day["submissions_expected"] == 9
    after = timeliness(arrivals, 2026, end_of_day(D(2026, 11, 5)) + dt.timedelta(microseconds=1), TIMELINESS, "SFJ")
    assert after["months"]["2026-10"] == "on_time" and after["submissions_expected"] == 10
    assert after["submissions_on_time"] == 2 and after["submissions_missing"] == 8
    assert after["submission_timeliness_rate"] == pytest.approx(2 / 10)


def test_timeliness_of_a_past_year_has_twelve_months():
    result = timeliness({}, 2026, dt.datetime(2027, 6, 1, tzinfo=BEIJING), TIMELINESS, "SFJ")
    assert sorted(result["months"]) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert (result["submissions_missing"], result["submission_timeliness_rate"]) == (12, 0.0)


def test_the_as_of_view_sees_files_for_the_as_of_month_itself():
    """submission.md: 报送期间 "not after the month of the as-of date" — that month is allowed."""
    view = as_of_view([fact(1, "accepted", at(D(2026, 11, 19)), period="2026-11")], AS_OF)
    assert [(f.id, f.status) for f in view] == [(1, "accepted")]


def test_the_as_of_view_settles_each_unit_and_period_on_its_own():
    """A correction supersedes the earlier file of the same (unit, period) only."""
    facts = [fact(1, "accepted", at(D(2026, 10, 3)), period="2026-09"),
             fact(2, "accepted", at(D(2026, 11, 3)), period="2026-10"),
             SubmissionFact(id=3, unit_code="SCJG", period="2026-10", status="accepted",
                            arrival_at=at(D(2026, 11, 4)), sha256="3" * 64)]
    assert {f.id: f.status for f in as_of_view(facts, AS_OF)} == {1: "accepted", 2: "accepted", 3: "accepted"}


def test_latest_progress_takes_the_latest_period_up_to_the_as_of_month():
    """indicators.md: "the row from the latest in-force submission that contains that task"."""
    def progress(period, state):
        return {"unit_code": "SFJ", "period": period, "excel_row": 2, "task_no": 3, "state": state,
                "completed_on": None, "evidence": None, "remark": None}

    frame = as_frames({"task_progress": [progress("2026-09", "推进中"), progress("2026-11", "长期坚持"),
                                         progress("2026-10", "未启动"), progress("2026-12", "已完成")]})
    latest = latest_progress(frame["task_progress"], D(2026, 11, 30))
    assert latest[("SFJ", 3)]["state"] == "长期坚持"


@pytest.mark.parametrize(("task_no", "key", "target"), [(17, "flexible_cases", 3), (42, "psych_activities", 1)])
def test_tasks_17_and_42_are_judged_by_their_figures(task_no, key, target):
    """"overdue when the deadline has passed and the figure misses its target"."""
    t = task("每年10月底前" if task_no == 17 else "每年 12 月底前", no=task_no)
    due = t.deadline.due_in(2026)
    assert task_status(t, None, 2026, due, {key: target - 1}) == "not_due"
    assert task_status(t, None, 2026, due + dt.timedelta(days=1), {key: target - 1}) == "overdue"
    assert task_status(t, None, 2026, due + dt.timedelta(days=1), {key: target}) == "done"


def test_a_yearly_task_needs_the_state_done_not_only_a_date():
    reported = row("推进中", D(2026, 1, 10))
    assert task_status(task(YEARLY, no=19), reported, 2026, D(2026, 12, 31), None) == "overdue"


def test_a_file_arrives_at_its_mtime_but_never_before_the_last_scan_that_missed_it():
    """submission.md: "its modification time, but never earlier than the last scan of the inbox
    that did not see it … on the very first scan, the mtime alone"."""
    mtime, scan = at(D(2026, 11, 1)), at(D(2026, 11, 6))
    assert arrival_time(mtime, scan) == scan
    assert arrival_time(scan, mtime) == scan
    assert arrival_time(mtime, None) == mtime


def test_a_period_starts_on_its_first_day_and_ends_on_its_last():
    assert (period_start("2026-10"), period_end("2026-10")) == (D(2026, 10, 1), D(2026, 10, 31))
    assert (period_start("2024-02"), period_end("2024-02")) == (D(2024, 2, 1), D(2024, 2, 29))
    assert (period_start("2026-12"), period_end("2026-12")) == (D(2026, 12, 1), D(2026, 12, 31))


NOW = dt.datetime(2026, 11, 6, 2, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("value", "expected"), [
    (None, dt.datetime(2026, 11, 6, 10, 30, tzinfo=BEIJING)),  # "default today in Asia/Shanghai"
    ("", dt.datetime(2026, 11, 6, 10, 30, tzinfo=BEIJING)),
    ("2026-11-06", end_of_day(D(2026, 11, 6))),  # a bare date: the end of that day
    ("2026-11-06T10:00", dt.datetime(2026, 11, 6, 10, tzinfo=BEIJING)),  # a naive time is Beijing time
    ("2026-11-06T10:00+00:00", dt.datetime(2026, 11, 6, 18, tzinfo=BEIJING)),
])
def test_the_as_of_time_is_in_beijing(value, expected):
    result = as_of_time(value, NOW)
    assert result == expected and result.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize("value", ["2026-13-01", "11/06/2026", "9999-01-01"])
def test_an_unreadable_as_of_is_an_error(value):
    with pytest.raises(ValueError, match="as-of"):
        as_of_time(value, NOW)
