"""The monthly summary email through a real local SMTP server: once per period, resent on
request, sent on the next run after the server was down, never rolling back data."""

import datetime as dt
import io
import json

import openpyxl
import pytest
import yaml
from prefect.client.schemas.objects import StateType
from prefect.exceptions import FailedRun

from connectors.store import Store
from tests.builders import basic_info, write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import PASSWORD, USER, Server, free_port

AFTER_DUE = dt.date(2026, 11, 6)
RECIPIENTS = "sfj@hsb.example.gov.cn,fzk@hsb.example.gov.cn"


@pytest.fixture
def mail_env(env, monkeypatch, tmp_path):
    registry = tmp_path / "units.yaml"
    registry.write_text(yaml.safe_dump({"units": [
        {"code": "SFJ", "name": "司法局<script>alert(1)</script>", "kind": "部门", "enforcement": True},
        {"code": "ZRZY", "name": "自然资源局", "kind": "部门", "enforcement": True,
         "email": ["zrzy-clerk@hsb.example.gov.cn"]},
        {"code": "LQX", "name": "柳泉乡", "kind": "乡镇", "enforcement": True}]}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("XZZF_UNITS", str(registry))
    monkeypatch.setenv("XZZF_SFJ_RECIPIENTS", RECIPIENTS)
    monkeypatch.setenv("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn")
    monkeypatch.setenv("XZZF_SMTP_SECURITY", "none")
    monkeypatch.setenv("XZZF_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("XZZF_SMTP_TIMEOUT_S", "2")
    monkeypatch.setenv("XZZF_MAIL_BACKOFF_S", "0.05")
    write_workbook(env.inbox / "SFJ" / "a.xlsx", info=basic_info(单位名称="司法局<script>"))
    bad = write_workbook(env.inbox / "ZRZY" / "a.xlsx", "ZRZY", drop_sheets=["投诉举报"])
    for path in (env.inbox / "SFJ" / "a.xlsx", bad):
        set_mtime(path, at("2026-11-03"))
    return env, monkeypatch


def summaries(server):
    return [(to, m) for to, m in server.inbox.messages if "汇总" in m["Subject"]]


def test_the_summary_goes_out_once_with_its_tables_and_is_resent_on_request(mail_env):
    env, monkeypatch = mail_env
    with Server() as server:
        monkeypatch.setenv("XZZF_SMTP_PORT", str(server.port))
        env.monthly("2026-10", dt.date(2026, 11, 4))  # before the due day: intake only
        assert summaries(server) == []
        env.monthly("2026-10", AFTER_DUE)
        env.monthly("2026-10", AFTER_DUE)  # a re-run sends nothing twice
        assert len(summaries(server)) == 1
        env.monthly("2026-10", AFTER_DUE, resend=True)
        assert len(summaries(server)) == 2
    recipients, message = summaries(server)[0]
    assert recipients == RECIPIENTS.split(",")
    assert message["Subject"] == "【行政执法月报】2026-10 报送情况汇总（截至 2026-11-06）"
    html = message.get_body(("html",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "缺少工作表“投诉举报”" in html and "未报送" in html
    assert "2026年累计指标" in html and "持证率" in html and "任务完成情况" in html
    assert "（进度，截止后评判）" in html  # 60 hours, 3 cases and 1 activity are judged at their deadline
    text = message.get_body(("plain",)).get_content()
    assert "柳泉乡\t未报送" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "summary-2026-10.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert book.sheetnames == ["报送情况", "2026年累计指标", "任务完成情况", "近期截止事项"]
    rows = {r[0]: r for r in book["报送情况"].iter_rows(min_row=3, values_only=True)}  # under the title and header
    assert rows["LQX"][2] == "未报送" and rows["ZRZY"][2] == "退回" and rows["SFJ"][2] == "按时"  # operations.md
    assert (env.out / "runs" / "2026-10" / "summary-2026-10.xlsx").exists()
    assert list((env.out / "outbox").glob("summary-2026-10-*.eml"))


def test_a_unit_with_addresses_gets_its_receipt_by_mail_once(mail_env):
    env, monkeypatch = mail_env
    with Server() as server:
        monkeypatch.setenv("XZZF_SMTP_PORT", str(server.port))
        env.intake(AFTER_DUE)
        env.intake(AFTER_DUE)
    [(recipients, message)] = server.inbox.messages  # SFJ has no address in this registry
    assert recipients == ["zrzy-clerk@hsb.example.gov.cn"]
    assert message["Subject"] == "【回执】自然资源局 2026-10 月报：退回"
    names = sorted(a.get_filename() for a in message.iter_attachments())
    assert [n.rsplit("-", 1)[1] for n in names] == ["回执.xlsx", "标注.xlsx"]


def test_the_password_may_come_from_a_prefect_secret_block(mail_env, tmp_path):
    from prefect.blocks.system import Secret

    env, monkeypatch = mail_env
    Secret(value=PASSWORD).save("xzzf-smtp-password", overwrite=True)
    with Server(tls_folder=tmp_path) as server:
        for name, value in (("XZZF_SMTP_PORT", server.port), ("XZZF_SMTP_SECURITY", "starttls"),
                            ("XZZF_SMTP_USER", USER), ("XZZF_SMTP_CA_FILE", server.cert)):
            monkeypatch.setenv(name, str(value))
        env.monthly("2026-10", AFTER_DUE)
    assert len(summaries(server)) == 1


def test_a_server_that_is_down_gets_the_mail_on_the_next_run_exactly_once(mail_env):
    env, monkeypatch = mail_env
    port = free_port()
    monkeypatch.setenv("XZZF_SMTP_PORT", str(port))
    state = env.monthly_state("2026-10", AFTER_DUE)  # nobody listens on the port
    # Not green: the administrator sees the run among the failed ones, and why.
    assert (state.type, state.name) == (StateType.FAILED, "邮件未发送")
    assert state.message.startswith("2026-10 汇总邮件未能发送：") and "Connection refused" in state.message
    assert "数据已保存" in state.message and "下次运行时自动重发" in state.message
    assert Store(env.db).email("summary/2026-10")["status"] == "unsent"
    report = json.loads((env.out / "runs" / "2026-10" / "run-report.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in report["files"]} == {"accepted", "rejected"}  # data kept
    with Server(port=port) as server:
        env.intake(AFTER_DUE)
        env.monthly("2026-10", AFTER_DUE)
    assert len(summaries(server)) == 1
    assert Store(env.db).email("summary/2026-10")["status"] == "sent"


def test_a_refused_login_names_the_setting_and_keeps_the_data(mail_env, tmp_path):
    env, monkeypatch = mail_env
    with Server(tls_folder=tmp_path) as server:
        for name, value in (("XZZF_SMTP_PORT", server.port), ("XZZF_SMTP_SECURITY", "starttls"),
                            ("XZZF_SMTP_USER", USER), ("XZZF_SMTP_PASSWORD", PASSWORD + "x"),
                            ("XZZF_SMTP_CA_FILE", server.cert)):
            monkeypatch.setenv(name, str(value))
        with pytest.raises(FailedRun, match="汇总邮件未能发送"):  # the command's exit code 4
            env.monthly("2026-10", AFTER_DUE)
        owed = Store(env.db).unsent_emails()  # the summary and ZRZY's 回执
        assert len(owed) == 2
        [tried] = [row for row in owed if row["attempts"]]  # the rest waits: the first failure ends sending
        assert "XZZF_SMTP_PASSWORD" in tried["last_error"]
        assert tried["attempts"] == 1  # a wrong password is not retried in a loop
        assert len(Store(env.db).rows("roster")) == 2
        monkeypatch.setenv("XZZF_SMTP_PASSWORD", PASSWORD)
        env.monthly("2026-10", AFTER_DUE)
    assert len(summaries(server)) == 1


def test_without_a_mail_server_the_mail_is_written_as_eml(mail_env):
    env, monkeypatch = mail_env
    monkeypatch.delenv("XZZF_SMTP_HOST")
    env.monthly("2026-10", AFTER_DUE)
    assert Store(env.db).email("summary/2026-10")["status"] == "written"
    [eml] = (env.out / "outbox").glob("summary-*.eml")
    assert b"Subject:" in eml.read_bytes()
