import datetime as dt

from xzzf.summary import figure_rows, overdue_rows
from xzzf.tables import Number


def report(flexible_failing: bool):
    failing = ["flexible_cases", "publication_rate"] if flexible_failing else ["publication_rate"]
    return {"year": 2026, "district": {"indicators": {"publication_rate": 0.5, "flexible_cases": 2,
                                                      "submissions_on_time": 3}},
            "units": {"SFJ": {"name": "司法局", "failing": failing,
                              "indicators": {"tasks_overdue": [13, 32]}},
                      "ZRZY": {"name": "自然资源局", "failing": [], "indicators": {"tasks_overdue": []}}}}


def test_cumulative_targets_are_progress_until_their_deadline():
    before = {row[0]: row for row in figure_rows(report(True), dt.date(2026, 10, 6))}
    after = {row[0]: row for row in figure_rows(report(True), dt.date(2026, 11, 6))}
    assert before["柔性执法典型案例数"][3] == "（进度，截止后评判）"
    assert after["柔性执法典型案例数"][3] == "司法局"
    assert before["行政执法决定公开率"][1:] == [Number(0.5, "0.0%", "50.0%"), "≥ 100%", "司法局"]
    assert "按时报送月数" not in before


def test_overdue_tasks_list_only_units_with_some():
    header, (unit, tasks) = overdue_rows(report(False))
    assert header == ["单位", "逾期任务"] and unit == "司法局"
    assert tasks.startswith("第 13 项 ") and "、第 32 项 " in tasks  # never a bare number
