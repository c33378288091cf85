"""Issue 23 item 4: each run that writes 回执 lists them — unit, file, where a staff PC finds
it, and what became of its mail — in its log and its `receipts` artifact."""

import datetime as dt

import pytest
from prefect.exceptions import FailedRun

from tests.flows.test_adjustments import OPERATOR, drop, write_units
from tests.flows.test_artifacts import table

UNITS = [{"code": "SFJ", "name": "司法局", "kind": "部门", "enforcement": True, "email": ["sfj@example.gov.cn"]},
         {"code": "ZRZY", "name": "自然资源局", "kind": "部门", "enforcement": True}]
SHARE = r"\\fileserver\行政执法"


def receipts_of(state) -> list[dict]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["receipts"]), flow_run_id=ArtifactFilterFlowRunId(
                any_=[state.state_details.flow_run_id])))
    return [row for artifact in found for row in table(artifact)]


def test_a_withdrawal_for_a_unit_without_an_address_says_it_was_not_mailed_and_why(env, tmp_path):
    from flows.adjustments import withdraw

    write_units(env, tmp_path, UNITS)
    env.use(receipts=tmp_path / "share" / "回执", share_root=tmp_path / "share", share_name=SHARE)
    drop(env, "10月.xlsx", "2026-11-03", unit="ZRZY")
    drop(env, "10月.xlsx", "2026-11-03", unit="SFJ")
    env.intake(dt.date(2026, 11, 4))
    state = withdraw(unit="ZRZY", period="2026-10", as_of=dt.date(2026, 11, 9), return_state=True, **OPERATOR)
    [row] = receipts_of(state)
    assert row["单位"] == "自然资源局（ZRZY）" and row["文件"].endswith("第1号-撤销回执.xlsx")
    assert row["位置"] == f"`{SHARE}\\回执\\ZRZY\\2026-10`"  # a code span: the UI keeps its backslashes
    assert row["邮件"] == "未发送：单位名册（units.yaml）中该单位没有邮箱"


def test_an_intake_lists_each_units_receipt_and_its_mail_without_a_mail_server(env, tmp_path):
    from flows.intake import intake

    write_units(env, tmp_path, UNITS)
    drop(env, "10月.xlsx", "2026-11-03", unit="ZRZY")
    drop(env, "10月.xlsx", "2026-11-03", unit="SFJ")
    state = intake(as_of=dt.date(2026, 11, 4), return_state=True)
    rows = {row["单位"]: row for row in receipts_of(state)}
    assert rows["自然资源局（ZRZY）"]["邮件"].startswith("未发送：单位名册")
    assert rows["司法局（SFJ）"]["邮件"].startswith("未发送：未设置邮件服务器（XZZF_SMTP_HOST）")
    # outside the share: the server's own path
    assert rows["司法局（SFJ）"]["位置"] == f"`{(env.out / 'feedback' / 'SFJ' / '2026-10').resolve()}`"


def test_a_units_receipts_are_resent_once_per_request_to_the_address_given(env, tmp_path, monkeypatch):
    """resend-receipts mails every 回执 in the unit's folder of the month to a real SMTP
    server, once: a retry of the same run (it failed after the server had the mail) does not
    send it again; asking again (a new run) does."""
    from flows import mail_steps
    from flows.receipts import resend_receipts
    from tests.flows.test_annual_preview import smtp
    from tests.smtp import Server

    write_units(env, tmp_path, UNITS)
    env.use(receipts=tmp_path / "share" / "回执", share_root=tmp_path / "share", share_name=SHARE)
    drop(env, "10月.xlsx", "2026-11-03", unit="ZRZY")
    env.intake(dt.date(2026, 11, 4))  # no mail server yet, and ZRZY has no address anyway
    said, failed = mail_steps.mail_said, []

    def fails_once(*args):
        if not failed:
            failed.append(True)
            raise OSError("worker lost after sending")
        return said(*args)

    monkeypatch.setattr(mail_steps, "mail_said", fails_once)
    with Server() as server:
        smtp(monkeypatch, server)
        line = resend_receipts.with_options(retries=1, retry_delay_seconds=0)(
            unit="ZRZY", period="2026-10", to="clerk@zrzy.example.gov.cn")
        assert failed and len(server.inbox.messages) == 1
        [(to, message)] = server.inbox.messages
        assert to == ["clerk@zrzy.example.gov.cn"] and "自然资源局 2026-10" in message["Subject"]
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename().endswith("-回执.xlsx")
        assert SHARE + r"\回执\ZRZY\2026-10" in message.get_body(("plain",)).get_content()
        assert line == "自然资源局（ZRZY） 2026-10 的回执 1 个：已发送（clerk@zrzy.example.gov.cn）"

        resend_receipts(unit="ZRZY", period="2026-10", to="clerk@zrzy.example.gov.cn")
        assert len(server.inbox.messages) == 2


def test_resending_to_a_unit_without_an_address_asks_for_one(env, tmp_path):
    from flows.receipts import resend_receipts

    write_units(env, tmp_path, UNITS)
    drop(env, "10月.xlsx", "2026-11-03", unit="ZRZY")
    env.intake(dt.date(2026, 11, 4))
    with pytest.raises(FailedRun, match="自然资源局（ZRZY） 在单位名册（units.yaml）中没有邮箱"):  # 已拒绝
        resend_receipts(unit="ZRZY", period="2026-10")


def test_the_command_refuses_a_unit_without_an_address_in_one_line_before_prefect_starts(env, tmp_path,
                                                                                          monkeypatch):
    from typer.testing import CliRunner

    import flows.runtime
    from cli import app

    write_units(env, tmp_path, UNITS)
    drop(env, "10月.xlsx", "2026-11-03", unit="ZRZY")
    env.intake(dt.date(2026, 11, 4))

    def started():
        raise AssertionError("Prefect started")

    monkeypatch.setattr(flows.runtime, "start_local_server", started)
    result = CliRunner().invoke(app, ["resend-receipts", "--unit", "ZRZY", "--period", "2026-10"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "错误：自然资源局（ZRZY） 在单位名册（units.yaml）中没有邮箱：请填写要发到的邮箱"
    result = CliRunner().invoke(app, ["resend-receipts", "--unit", "NOSUCH", "--period", "2026-10"])
    assert result.exit_code == 2 and "单位名册中没有单位 NOSUCH" in result.output
