""""As of D" is what the data said on D (indicators.md): one view of the recorded files
decides every status and figure; the on-time rule is one function."""

import datetime as dt

from xzzf.intake import SubmissionFact, as_of_view, first_accepted, in_force, month_status, on_time
from xzzf.periods import BEIJING
from xzzf.vocabulary import FileStatus, UnitStatus


def moment(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BEIJING)


def fact(id_, arrived, status=FileStatus.ACCEPTED, period="2026-10", unit="SFJ", fill=None, sha="0"):
    return SubmissionFact(id_, unit, period, status, moment(arrived), fill, sha)


def test_a_file_that_arrived_after_the_date_is_not_seen():
    facts = [fact(1, "2026-11-20")]
    assert as_of_view(facts, moment("2026-11-06", "23:59")) == []
    assert month_status(None, False, dt.date(2026, 11, 5), moment("2026-11-06")) == UnitStatus.MISSING
    assert [f.id for f in as_of_view(facts, moment("2026-11-20"))] == [1]  # arrived at 10:00 that day


def test_a_correction_that_came_after_the_date_leaves_the_earlier_file_in_force():
    facts = [fact(1, "2026-11-03", FileStatus.SUPERSEDED), fact(2, "2026-11-09")]
    assert in_force(as_of_view(facts, moment("2026-11-06"))) == {1}
    assert in_force(as_of_view(facts, moment("2026-11-10"))) == {2}
    assert {f.id: f.status for f in as_of_view(facts, moment("2026-11-10"))} == {
        1: FileStatus.SUPERSEDED, 2: FileStatus.ACCEPTED}


def test_a_period_after_the_dates_month_is_not_seen():
    """A 2027-03 file that updates a 2026 decision must not change a report as of 2027-01-10."""
    facts = [fact(1, "2027-01-03", period="2026-12"), fact(2, "2027-01-05", period="2027-03")]
    assert in_force(as_of_view(facts, moment("2027-01-10"))) == {1}


def test_ties_on_arrival_go_to_the_later_fill_date_then_the_larger_sha():
    early, late = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    facts = [fact(1, "2026-11-03", fill=late, sha="a"), fact(2, "2026-11-03", fill=early, sha="f")]
    assert in_force(as_of_view(facts, moment("2026-11-06"))) == {1}
    facts = [fact(1, "2026-11-03", fill=late, sha="a"), fact(2, "2026-11-03", fill=late, sha="f")]
    assert in_force(as_of_view(facts, moment("2026-11-06"))) == {2}


def test_timeliness_counts_the_first_accepted_file_even_after_a_correction():
    facts = [fact(1, "2026-11-03", FileStatus.SUPERSEDED), fact(2, "2026-11-09"),
             fact(3, "2026-11-01", FileStatus.REJECTED)]
    assert first_accepted(as_of_view(facts, moment("2026-11-10"))) == {("SFJ", "2026-10"): moment("2026-11-03")}


def test_a_month_is_on_time_up_to_the_last_instant_of_its_due_day():
    due = dt.date(2026, 11, 5)
    assert on_time(moment("2026-11-05", "23:59:59"), due)
    assert not on_time(moment("2026-11-06", "00:00"), due)
