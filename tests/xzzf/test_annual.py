"""The year's figures on a small fixture computed by hand (indicators.md)."""

import datetime as dt

import pytest

from xzzf.adjustments import Obligations
from xzzf.annual import annual_figures
from xzzf.catalog import assign, load_catalog
from xzzf.periods import BEIJING
from xzzf.units import Registry, Unit
from xzzf.workdays import WorkCalendar

D = dt.date
REGISTRY = Registry((Unit("SFJ", "司法局", "部门", True), Unit("ZRZY", "自然资源局", "部门", True),
                     Unit("CZJ", "财政局", "部门", False, reports=False)))
AS_OF = dt.datetime(2027, 1, 10, 9, tzinfo=BEIJING)


NEXT_YEAR_END = D(2027, 12, 31)


def person(unit, period, cert, *, enforcer=True, duty="在岗", status="有效", until=NEXT_YEAR_END, reviewer=False):
    return {"unit_code": unit, "period": period, "excel_row": 2, "name": cert, "cert_no": cert, "cert_status": status,
            "cert_valid_until": until, "is_enforcer": enforcer, "is_legal_reviewer": reviewer,
            "is_public_lawyer": False, "duty_status": duty}


def training(unit, period, cert, day, hours, category="业务知识", title="培训"):
    return {"unit_code": unit, "period": period, "excel_row": 2, "name": cert, "cert_no": cert, "training_date": day,
            "title": title, "category": category, "hours": hours, "organiser": "本单位"}


def decision(period, no, category, day, *, must=True, publication="已公开", state="有效", on_spot=False, filed=None,
             major=False, reviewed=True, platform=True, transferred=False, fine=None):
    return {"unit_code": "SFJ", "period": period, "excel_row": 2, "decision_no": no, "category": category,
            "decision_date": day, "party_type": "自然人", "credit_code": None, "on_spot": on_spot, "filed": filed,
            "must_publish": must, "publication": publication, "published_on": None, "is_major": major,
            "legal_reviewed": reviewed, "on_platform": platform, "transferred": transferred, "fine": fine,
            "state": state}


def complaint(no, due, closed, private):
    return {"unit_code": "SFJ", "period": "2026-12", "excel_row": 2, "complaint_no": no, "source": "来信",
            "received_on": due - dt.timedelta(days=10), "private_enterprise": private, "due_on": due,
            "closed_on": closed, "result": "不属实" if closed else None}


def progress(no, state, completed=None):
    return {"unit_code": "SFJ", "period": "2026-12", "excel_row": 2, "task_no": no, "state": state,
            "completed_on": completed, "evidence": "x" if completed else None, "remark": None}


ROWS = {
    "roster": [
        person("SFJ", "2026-11", "OLD"),
        person("SFJ", "2026-12", "C1", reviewer=True),
        person("SFJ", "2026-12", "C2", until=D(2026, 12, 15)),  # expired before the period ends
        person("SFJ", "2026-12", "C3", status="暂扣"),
        person("SFJ", "2026-12", "C4", duty="离岗"),
        person("ZRZY", "2026-12", "C5", until=D(2028, 1, 1)),
    ],
    "trainings": [
        training("SFJ", "2026-03", "C1", D(2026, 3, 5), 40),
        training("SFJ", "2026-04", "C1", D(2026, 3, 5), 40),  # the same event sent again
        training("SFJ", "2026-06", "C1", D(2026, 6, 5), 25, "公共法律知识", "法律"),
        training("SFJ", "2026-06", "C1", D(2026, 6, 6), 10, "政治理论", "理论"),  # not qualifying
        training("SFJ", "2026-07", "C2", D(2026, 7, 1), 30, "执法技能"),
        training("ZRZY", "2026-04", "C3", D(2026, 4, 1), 60),  # hours earned at another unit count
    ],
    "decisions": [
        decision("2026-12", "D1", "行政处罚", D(2026, 12, 20), publication="未公开", fine=1000.5),
        decision("2027-01", "D1", "行政处罚", D(2026, 12, 20), fine=1000.5),  # published in January
        decision("2026-05", "D2", "行政许可", D(2026, 5, 1), state="被撤销", platform=False),
        decision("2026-01", "D3", "行政处罚", D(2025, 12, 30)),  # belongs to 2025
        decision("2026-07", "D4", "行政检查", D(2026, 7, 1), must=False, major=True, reviewed=False, transferred=True),
        decision("2026-08", "D5", "行政处罚", D(2026, 8, 1), publication="已下撤", on_spot=True, filed=True, fine=200),
    ],
    "complaints": [complaint("K1", D(2026, 3, 10), D(2026, 3, 9), True),
                   complaint("K2", D(2026, 6, 10), D(2026, 6, 20), True),
                   complaint("K3", D(2026, 12, 28), None, False),
                   complaint("K4", D(2027, 1, 5), None, False)],
    "flexible_cases": [{"unit_code": "SFJ", "period": p, "excel_row": 2, "title": t, "method": "首违不罚",
                        "occurred_on": d, "summary": "x"}
                       for p, t, d in (("2026-03", "a", D(2026, 3, 1)), ("2026-09", "b", D(2026, 9, 1)),
                                       ("2026-11", "c", D(2026, 11, 1)))],
    "psych_activities": [{"unit_code": "SFJ", "period": "2026-05", "excel_row": 2, "held_on": D(2026, 5, 5),
                          "title": t, "activity_type": k, "participants": 9}
                         for t, k in (("讲座", "心理健康教育"), ("咨询", "心理咨询"))],
    "task_progress": [progress(3, "长期坚持"), progress(11, "已完成", D(2024, 4, 10)),
                      progress(19, "已完成", D(2026, 2, 20))],
}
ARRIVALS = {("SFJ", f"2026-{m:02d}"): dt.datetime(2026 + (m == 12), m % 12 + 1, 3, 10, tzinfo=BEIJING)
            for m in range(1, 12)}
ARRIVALS[("SFJ", "2026-12")] = dt.datetime(2027, 1, 6, 10, tzinfo=BEIJING)  # due 5 January: late
ARRIVALS[("ZRZY", "2026-10")] = dt.datetime(2026, 11, 3, 10, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def result():
    tasks = load_catalog()
    return annual_figures(2026, AS_OF, REGISTRY, assign(tasks, REGISTRY), tasks, ROWS, ARRIVALS,
                          Obligations(REGISTRY, 5, WorkCalendar()))


def test_unit_figures_by_hand(result):
    sfj = result["units"]["SFJ"]["indicators"]
    assert sfj["staff_enforcement"] == 3 and sfj["certified_rate"] == pytest.approx(1 / 3)
    assert sfj["legal_review_staff"] == 1 and sfj["legal_review_staff_ratio"] == pytest.approx(1 / 3)
    assert sfj["training_hours_per_capita"] == pytest.approx((65 + 30 + 60) / 3)
    assert sfj["training_compliance_rate"] == pytest.approx(2 / 3)
    assert sfj["decisions_total"] == 4
    assert sfj["decisions_by_category"] == {"行政处罚": 2, "行政许可": 1, "行政强制": 0, "行政检查": 1,
                                            "行政征收征用": 0, "行政确认": 0, "其他": 0}
    assert sfj["publication_rate"] == 1.0 and sfj["withdrawal_pending"] == 1
    assert sfj["on_spot_filing_rate"] == 1.0 and sfj["major_review_rate"] == 0.0
    assert sfj["platform_entry_rate"] == pytest.approx(3 / 4) and sfj["transferred_to_judiciary"] == 1
    assert sfj["fines_total"] == "1200.50"
    assert sfj["complaints_due"] == 3 and sfj["complaint_ontime_rate"] == pytest.approx(1 / 3)
    assert sfj["enterprise_complaint_ontime_rate"] == pytest.approx(1 / 2)
    assert (sfj["flexible_cases"], sfj["psych_activities"]) == (2, 1)
    assert [sfj[k] for k in ("submissions_expected", "submissions_on_time", "submissions_late",
                             "submissions_missing")] == [12, 11, 1, 0]
    assert sfj["tasks_overdue"] == [8, 10, 13, 16, 17, 20, 30, 31, 32, 33, 37, 38, 39]
    tasks = result["units"]["SFJ"]["tasks"]
    assert (tasks[3], tasks[11], tasks[19], tasks[42], tasks[1]) == ("on_track", "done_late", "done", "done",
                                                                       "ongoing")


def test_empty_denominators_are_null_not_zero(result):
    zrzy = result["units"]["ZRZY"]["indicators"]
    assert zrzy["staff_enforcement"] == 1 and zrzy["certified_rate"] == 1.0
    assert zrzy["training_hours_per_capita"] == 0 and zrzy["training_compliance_rate"] == 0
    assert zrzy["decisions_total"] == 0 and zrzy["fines_total"] == "0.00"
    assert [zrzy[k] for k in ("publication_rate", "on_spot_filing_rate", "major_review_rate",
                              "platform_entry_rate", "complaint_ontime_rate")] == [None] * 5
    assert "publication_rate" not in result["units"]["ZRZY"]["failing"]
    assert zrzy["submissions_on_time"] == 1 and zrzy["submissions_missing"] == 11


def test_the_district_pools_records_and_judges_only_rate_targets(result):
    district = result["district"]["indicators"]
    assert district["staff_enforcement"] == 4 and district["certified_rate"] == 0.5
    assert district["legal_review_staff_ratio"] == 0.25
    assert district["training_hours_per_capita"] == pytest.approx(155 / 4)
    assert district["submission_timeliness_rate"] == pytest.approx(12 / 24)
    assert "tasks_overdue" not in district
    assert "flexible_cases" not in result["district"]["failing"]
    assert "flexible_cases" in result["units"]["SFJ"]["failing"]


def test_units_that_do_not_report_appear_with_their_tasks_only(result):
    czj = result["units"]["CZJ"]
    assert set(czj["indicators"]) == {"tasks_overdue"} and czj["indicators"]["tasks_overdue"] == []
    assert czj["tasks"][43] == "ongoing"
