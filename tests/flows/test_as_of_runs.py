"""A re-run as of D says what the data said on D: files that arrived later, and periods after
D's month, change nothing in its statuses and figures."""

import copy
import datetime as dt
import json
from pathlib import Path

from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.flows.conftest import at, set_mtime


def test_a_file_that_arrived_later_leaves_the_unit_missing_as_of_the_earlier_date(env):
    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx"), at("2026-11-20"))
    assert env.intake(at("2026-11-20", "12:00"))["units"]["SFJ"] == "late"
    assert env.monthly("2026-10", dt.date(2026, 11, 6), only_units=["SFJ"])["units"] == {"SFJ": "missing"}


def decisions(period: str, state: str, published: str | None) -> dict:
    rows = {sheet: [] for sheet in ("培训记录", "柔性执法案例", "心理健康活动", "投诉举报")}
    decision = copy.deepcopy(VALID_ROWS["执法决定"][0])
    decision.update({"决定日期": "2025-12-09", "公开状态": state, "公开日期": published})
    rows["执法决定"] = [decision]
    # a task owed in both periods: 2026 carries on the 2023–2025 plan's ongoing tasks
    rows["任务进展"] = [{"任务序号": 3, "进展状态": "长期坚持"}]
    return {"rows": rows, "info": basic_info(period=period, 填报日期=dt.date(2026, 1, 3))}


def test_a_later_period_that_updates_a_decision_does_not_change_the_year_as_of_before_it(env):
    from flows.annual import annual

    first = write_workbook(env.inbox / "SFJ" / "2025-12.xlsx", period="2025-12", **decisions("2025-12", "未公开", None))
    set_mtime(first, at("2026-01-03"))
    env.intake(at("2026-01-05"))
    update = write_workbook(env.inbox / "SFJ" / "2026-03.xlsx", period="2026-03",
                            **decisions("2026-03", "已公开", "2026-03-05"))
    set_mtime(update, at("2026-04-02"))
    report = env.intake(at("2026-04-05"))
    assert {f["status"] for f in report["files"]} == {"accepted"}
    folder = Path(annual(year=2025, as_of=dt.date(2026, 1, 10)))
    figures = json.loads((folder / "figures-2025.json").read_text(encoding="utf-8"))
    assert figures["units"]["SFJ"]["indicators"]["publication_rate"] == 0.0  # as it stood on 10 January
