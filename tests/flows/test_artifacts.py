"""What the administrator sees on a run's page (issue 12): artifacts in Chinese for the period
asked — units by name and code, every rejection's reason, only the period's files, the year's
reporting matrix —, a dry run's never replacing a real run's, and log lines in Chinese
through the run logger, a mail that could not be sent among them as a warning."""

import datetime as dt
import json
import logging
from contextlib import contextmanager

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, LogFilter, LogFilterFlowRunId

from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server, free_port

AFTER_DUE = dt.date(2026, 11, 6)


@pytest.fixture
def october(env):
    """SFJ on time, ZRZY rejected (a sheet missing), and a September file from SFJ (rejected:
    its rows are dated in October)."""
    set_mtime(write_workbook(env.inbox / "SFJ" / "2026-10.xlsx"), at("2026-11-03"))
    set_mtime(write_workbook(env.inbox / "ZRZY" / "2026-10.xlsx", "ZRZY", drop_sheets=["投诉举报"]), at("2026-11-03"))
    set_mtime(write_workbook(env.inbox / "SFJ" / "2026-09.xlsx", period="2026-09"), at("2026-11-03"))
    return env


def artifacts(key: str) -> list:
    """Every artifact with `key`, newest first."""
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return sorted(found, key=lambda a: a.created, reverse=True)


def table(artifact) -> list[dict]:
    return json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data


def run_logs(state) -> list:
    """The run's log lines as its page shows them (sent to the API in batches: flushed first)."""
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        return client.read_logs(log_filter=LogFilter(
            flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])))


def mail_to_nobody(monkeypatch) -> int:
    """Mail settings pointing at a port nobody listens on (yet); the port."""
    port = free_port()
    for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_PORT", port),
                        ("XZZF_SMTP_SECURITY", "none"), ("XZZF_SFJ_RECIPIENTS", "sfj@hsb.example.gov.cn"),
                        ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"), ("XZZF_MAIL_BACKOFF_S", "0"),
                        ("XZZF_MAIL_ATTEMPTS", "1")):
        monkeypatch.setenv(name, str(value))
    return port


@contextmanager
def info_logged():
    """The run loggers at INFO for a block (the tests run at WARNING, which would hide the
    lines to check), into the API only: the console's stream may be an earlier test's, closed.
    Prefect configures its loggers once, when first used: that comes first."""
    import prefect.main  # noqa: F401

    loggers = [logging.getLogger(name) for name in ("prefect.flow_runs", "prefect.task_runs")]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, (level, propagate) in zip(loggers, saved, strict=True):
            logger.setLevel(level)
            logger.propagate = propagate


def test_the_units_table_shows_names_codes_chinese_statuses_and_the_reason(october):
    october.monthly("2026-10", AFTER_DUE)
    [units] = artifacts("units-2026-10")[:1]
    rows = {row["单位编码"]: row for row in table(units)}
    assert rows["SFJ"]["单位"] == "司法局" and rows["SFJ"]["状态"] == "按时" and rows["SFJ"]["说明"] == "—"
    assert rows["ZRZY"]["单位"] == "自然资源局" and rows["ZRZY"]["状态"] == "退回"
    assert "投诉举报" in rows["ZRZY"]["说明"]  # the missing sheet, as the 回执 says it
    assert {row["状态"] for row in rows.values()} <= {"按时", "逾期", "未报送", "退回", "未到期"}
    assert "数据截至 2026-11-06" in units.description


def test_the_files_table_lists_only_the_period_asked(october):
    october.monthly("2026-10", AFTER_DUE)
    [files] = artifacts("submissions-2026-10")[:1]
    rows = table(files)
    assert sorted(row["文件"] for row in rows) == ["SFJ/2026-10.xlsx", "ZRZY/2026-10.xlsx"]
    assert {row["文件"]: row["状态"] for row in rows} == {"SFJ/2026-10.xlsx": "已受理", "ZRZY/2026-10.xlsx": "退回"}
    assert "其他期间或未识别期间的文件 1 个" in files.description


def test_the_reporting_matrix_shows_the_year_with_the_rate(october):
    october.monthly("2026-10", AFTER_DUE)
    [matrix] = artifacts("reporting-matrix-2026")[:1]
    assert matrix.type == "markdown" and matrix.data.startswith("## 2026 年报送情况（数据截至 2026-11-06")
    sfj = next(line for line in matrix.data.splitlines() if line.startswith("| 司法局（SFJ） |"))
    # January–August owed and missing, September rejected, October on time, November not due.
    cells = [cell.strip() for cell in sfj.strip("|").split("|")]  # name, rate, January, …
    assert cells[9:13] == ["未报送", "退回", "按时", "未到期"]
    assert "全区按时报送率：" in matrix.data


def test_a_dry_run_is_marked_and_never_replaces_the_real_runs_artifacts(october):
    october.monthly("2026-10", AFTER_DUE)
    real = artifacts("units-2026-10")
    set_mtime(write_workbook(october.inbox / "LQX" / "2026-10.xlsx", "LQX"), at("2026-11-06"))
    october.monthly("2026-10", AFTER_DUE, dry_run=True)
    assert [a.id for a in artifacts("units-2026-10")] == [a.id for a in real]  # untouched
    # The newest of each (the API is the test session's: other tests' dry runs are there too).
    dry, matrix, files = (artifacts(f"dry-run-{key}")[0]
                          for key in ("units-2026-10", "reporting-matrix-2026", "submissions-2026-10"))
    assert dry.description.startswith("【试运行，未记录】")
    assert matrix.data.startswith("## 【试运行】2026 年报送情况")
    assert "LQX/2026-10.xlsx" in {row["文件"] for row in table(files)}


def test_the_run_logs_say_what_happened_in_chinese_and_a_failed_mail_as_a_warning(october, monkeypatch):
    mail_to_nobody(monkeypatch)
    with info_logged():
        logs = run_logs(october.monthly_state("2026-10", AFTER_DUE))
    lines = [log.message for log in logs]
    assert any("扫描收件文件夹：共 3 个文件，新文件 3 个（已受理 1 个，退回 2 个）" in line for line in lines)
    assert any(line.startswith("2026-10 各单位报送状态：") and "按时 1" in line and "退回 1" in line
               for line in lines)
    assert any(line.startswith("邮件：发送 0 封") and "未能发送 1 封" in line for line in lines)
    refused = [log for log in logs if "第 1 次发送失败" in log.message]
    assert refused and all(log.level == logging.WARNING for log in refused)
    assert "Connection refused" in refused[0].message or "拒绝" in refused[0].message
    assert any("汇总邮件：未能发送" in line for line in lines)


def test_an_annual_report_that_could_not_be_mailed_ends_not_green_and_goes_out_next_run(env, monkeypatch):
    from prefect.client.schemas.objects import StateType

    from flows.annual import annual

    port = mail_to_nobody(monkeypatch)
    state = annual(year=2025, as_of=dt.date(2026, 1, 10), return_state=True)
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(state.state_details.flow_run_id).state
    assert (state.type, state.name) == (StateType.FAILED, "邮件未发送")
    assert state.message.startswith("2025 年度报告邮件未能发送：") and "下次运行时自动重发" in state.message
    assert (env.out / "reports" / "2025" / "figures-2025.json").exists()  # the report is written and issued
    with Server(port=port) as server:
        annual(year=2025, as_of=dt.date(2026, 1, 10))  # Completed: the owed mail goes out, once
    assert [m["Subject"] for _, m in server.inbox.messages if "年度报告" in m["Subject"]] == [
        "【年度报告】吴忠市红寺堡区2025年度行政执法工作报告（截至 2026-01-10）"]
