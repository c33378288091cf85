"""How a run ends, as the administrator sees it in the run list and on the run's page (issue
23): a refusal is an answer — Failed, named 已拒绝, the Chinese reason as its message and one
log line, no traceback —; 邮件未发送 has no traceback either; a defect keeps its traceback; a
run whose mail could only be written to files is not quietly green. Each run is made as a
worker makes a deployment's (conftest.deployed), where Prefect logs what escapes a flow."""

import datetime as dt
import logging

import pytest
from prefect.client.schemas.objects import StateType

from tests.builders import write_workbook
from tests.flows.conftest import at, deployed, set_mtime
from tests.flows.test_artifacts import artifacts, info_logged, mail_to_nobody, run_logs

DECISION = {"reason": "核实", "operator": "张三", "as_of": "2026-11-09"}


def at_least(level: int, logs) -> list[str]:
    return [log.message for log in logs if log.level >= level]


def said_once(state, reason: str) -> None:
    """Failed, named 已拒绝, with `reason` in its message and in exactly one log line, the run's
    one error, and no traceback anywhere in the run's logs (a year without an imported plan
    is a warning of every run)."""
    assert (state.type, state.name) == (StateType.FAILED, "已拒绝")
    assert reason in state.message and "Traceback" not in state.message
    logs = run_logs(state)
    assert not [log.message for log in logs if "Traceback" in log.message or "unexpected exception" in log.message]
    assert at_least(logging.ERROR, logs) == [state.message]
    assert [m for m in at_least(logging.WARNING, logs) if reason in m] == [state.message]


@pytest.mark.parametrize(("name", "parameters", "reason"), [
    ("withdraw", {"unit": "SFJ", "period": "2026-10"}, "司法局（SFJ） 的 2026-10 没有在用（已受理）的文件"),
    ("adjust", {"unit": "SFJ", "period": "2026-10", "kind": "延期", "until": "2026-11-05"},
     "不晚于 司法局（SFJ） 2026-10 的报送截止日"),
    ("revoke", {"number": 99}, "没有第 99 号决定"),
])
def test_a_refused_decision_ends_failed_with_its_reason_and_one_line(env, name, parameters, reason):
    import flows.adjustments

    with info_logged():
        state = deployed(getattr(flows.adjustments, name), **parameters, **DECISION)
    said_once(state, reason)


def test_an_annual_report_of_a_year_not_ended_is_refused_the_same_way(env):
    from flows.annual import annual

    with info_logged():
        state = deployed(annual, year=2026, as_of="2026-11-20")
    said_once(state, "2026 年度尚未结束")
    assert "预览" in state.message


@pytest.fixture
def october(env):
    set_mtime(write_workbook(env.inbox / "SFJ" / "2026-10.xlsx"), at("2026-11-03"))
    return env


def test_a_mail_not_sent_ends_named_without_a_traceback(october, monkeypatch):
    from flows.monthly import monthly

    mail_to_nobody(monkeypatch)
    with info_logged():
        state = deployed(monthly, period="2026-10", as_of="2026-11-06")
    assert (state.type, state.name) == (StateType.FAILED, "邮件未发送")
    messages = [log.message for log in run_logs(state)]
    assert not [m for m in messages if "Traceback" in m or "unexpected exception" in m]


def test_a_defect_inside_a_run_keeps_its_traceback(october, monkeypatch):
    import flows.monthly

    def broken(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setattr(flows.monthly, "intake_run", broken)
    with info_logged():
        state = deployed(flows.monthly.monthly, period="2026-10", as_of="2026-11-06")
    assert state.type == StateType.FAILED and state.name != "已拒绝"
    assert any("Traceback" in log.message and "RuntimeError: a defect" in log.message for log in run_logs(state))


def test_a_run_with_no_mail_server_ends_named_and_says_so_on_its_page(october):
    from flows.monthly import monthly

    state = deployed(monthly, period="2026-10", as_of="2026-11-06")
    assert (state.type, state.name) == (StateType.COMPLETED, "未配置邮件")
    assert "XZZF_SMTP_HOST" in state.message and "没有发出" in state.message
    [page] = artifacts("mail-not-configured")[:1]
    assert "未配置邮件" in page.data and ".eml" in page.data
    assert october.monthly("2026-10", "2026-11-06")["period"] == "2026-10"  # the result still comes back


def test_a_run_with_a_mail_server_ends_plainly_completed(october, monkeypatch):
    from flows.adjustments import adjust

    mail_to_nobody(monkeypatch)  # set, though this run owes no mail
    state = deployed(adjust, unit="SFJ", period="2026-10", kind="免报", until="", **DECISION)
    assert (state.type, state.name) == (StateType.COMPLETED, "Completed")


def test_times_on_a_runs_page_are_beijing_time_and_say_so(october):
    october.intake(dt.datetime(2026, 11, 6, 2, 0, tzinfo=dt.UTC))  # 10:00 in Beijing
    [units] = artifacts("units-2026-10")[:1]
    assert "数据截至 2026-11-06 10:00（北京时间）" in units.description
