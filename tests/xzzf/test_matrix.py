"""The reporting matrix (issue 12): units × months, each cell the unit's status for that month
as of a date (operations.md's labels), and the on-time rate over the months already due."""

import datetime as dt

from xzzf.adjustments import Obligations
from xzzf.figures import timeliness
from xzzf.intake import SubmissionFact, as_of_view, first_accepted
from xzzf.matrix import reporting_matrix
from xzzf.periods import BEIJING
from xzzf.units import Registry, Unit
from xzzf.vocabulary import FileStatus
from xzzf.workdays import WorkCalendar

REGISTRY = Registry((Unit("SFJ", "司法局", "部门", True), Unit("ZRZY", "自然资源局", "部门", True),
                     Unit("CZJ", "财政局", "部门", False, reports=False)))
# 9 June 2026 09:00: May's due day (5 June) has passed, June's (6 July) has not.
AS_OF = dt.datetime(2026, 6, 9, 9, tzinfo=BEIJING)


def fact(id_, unit, period, arrived, status=FileStatus.ACCEPTED):
    return SubmissionFact(id_, unit, period, status, dt.datetime.fromisoformat(arrived).replace(tzinfo=BEIJING))


FACTS = [
    fact(1, "SFJ", "2026-01", "2026-02-05T23:59"),  # the last minute of its due day: on time
    fact(2, "SFJ", "2026-02", "2026-03-06T08:00"),  # a day after: late
    fact(3, "SFJ", "2026-03", "2026-04-03T10:00", FileStatus.REJECTED),  # only a rejected file
    # SFJ 2026-04: nothing
    fact(4, "SFJ", "2026-05", "2026-06-01T10:00"),
    fact(5, "SFJ", "2026-06", "2026-06-10T10:00"),  # after the as-of date: not seen
    fact(6, "ZRZY", "2026-01", "2026-02-04T10:00"),
    fact(7, "ZRZY", "2026-03", "2026-04-07T10:00"),  # due 5 April is 清明, moved to Tuesday 7 April
    fact(8, "ZRZY", "2026-04", "2026-05-06T10:00"),  # due 5 May is 劳动节, moved to Wednesday 6 May
    fact(9, "ZRZY", "2026-05", "2026-06-08T10:00"),  # due Friday 5 June: late
]


def matrix(registry=REGISTRY):
    return reporting_matrix(as_of_view(FACTS, AS_OF), Obligations(registry, 5, WorkCalendar()), 2026, AS_OF)


def test_each_cell_is_the_units_status_for_the_month_as_of_the_date():
    m = matrix()
    assert m.periods == ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
    assert {row.unit.code: [s.label for s in row.statuses] for row in m.rows} == {
        "SFJ": ["按时", "逾期", "退回", "未报送", "按时", "未到期"],
        "ZRZY": ["按时", "未报送", "按时", "按时", "逾期", "未到期"],
    }  # 财政局 does not report: no row


def test_the_rate_counts_the_months_whose_due_day_has_passed():
    m = matrix()
    assert [row.owed for row in m.rows] == [(True, True, True, True, True, False)] * 2
    sfj, zrzy = m.rows
    assert m.on_time_rate(sfj) == 2 / 5 and m.on_time_rate(zrzy) == 3 / 5
    assert m.on_time_rate() == 5 / 10


def test_the_rate_is_the_annual_figures_rate():
    view, rule = as_of_view(FACTS, AS_OF), Obligations(REGISTRY, 5, WorkCalendar())
    arrivals = first_accepted(view)
    for row in matrix().rows:
        mine = {p: t for (u, p), t in arrivals.items() if u == row.unit.code}
        expected = timeliness(mine, 2026, AS_OF, rule, row.unit.code)["submission_timeliness_rate"]
        assert matrix().on_time_rate(row) == expected


def test_before_a_due_day_nothing_is_owed_and_the_rate_is_not_applicable():
    early = dt.datetime(2026, 1, 20, tzinfo=BEIJING)
    m = reporting_matrix([], Obligations(REGISTRY, 5, WorkCalendar()), 2026, early)
    assert m.periods == ("2026-01",) and m.on_time_rate() is None
    assert "全区按时报送率：—" in m.markdown("2026 年报送情况")


def test_the_markdown_names_units_and_months():
    text = matrix().markdown("2026 年报送情况（数据截至 2026-06-09 09:00）")
    assert text.startswith("## 2026 年报送情况（数据截至 2026-06-09 09:00）")
    assert "全区按时报送率：50.0%" in text
    assert "| 单位 | 按时报送率 | 1月 | 2月 | 3月 | 4月 | 5月 | 6月 |" in text
    assert "| 司法局（SFJ） | 40.0% | 按时 | 逾期 | 退回 | 未报送 | 按时 | 未到期 |" in text
