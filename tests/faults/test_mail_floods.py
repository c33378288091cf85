"""Mail cannot flood nor stall: one mail per unit per run, a cap per run with the rest owed,
one path that sends, and a server that is down is given up on for the rest of the run."""

from __future__ import annotations

import datetime as dt

import pytest
from prefect.exceptions import FailedRun

from connectors.mail import SmtpMailer
from connectors.store import Store
from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server, free_port

pytestmark = pytest.mark.faults
AS_OF = dt.date(2026, 11, 6)


@pytest.fixture
def mail(monkeypatch):
    for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_SECURITY", "none"),
                        ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"),
                        ("XZZF_SFJ_RECIPIENTS", "sfj@hsb.example.gov.cn"),
                        ("XZZF_SMTP_TIMEOUT_S", "2"), ("XZZF_MAIL_BACKOFF_S", "0")):
        monkeypatch.setenv(name, value)
    return monkeypatch


def drop(env, unit: str, name: str, **options):
    set_mtime(write_workbook(env.inbox / unit / name, unit, **options), at("2026-11-03"))


def receipt_mails(server):
    return [m for _, m in server.inbox.messages if m["Subject"].startswith("【回执】")]


def test_thirty_files_of_one_unit_make_one_mail(env, mail):
    drop(env, "SFJ", "00.xlsx")
    for n in range(1, 30):  # each with its own extra sheet: 29 different rejected files
        drop(env, "SFJ", f"{n:02d}.xlsx", drop_sheets=["投诉举报"], extra_sheets=[f"附{n}"])
    with Server() as server:
        mail.setenv("XZZF_SMTP_PORT", str(server.port))
        env.intake(AS_OF)
        env.intake(AS_OF)
    [message] = receipt_mails(server)
    assert message["Subject"] == "【回执】司法局 月报 30 份：已受理 1 份，退回 29 份"
    assert len(list(message.iter_attachments())) == 1 + 19 * 2  # 20 files: 1 回执, 19 回执 + 标注
    assert "另有 10 份文件的回执未随本邮件发送" in message.get_body(("plain",)).get_content()
    assert len(list((env.out / "feedback" / "SFJ").rglob("*-回执.xlsx"))) == 30  # every file has its 回执


def test_mail_over_the_cap_waits_for_the_next_run(env, mail):
    drop(env, "SFJ", "a.xlsx")
    drop(env, "SCJG", "a.xlsx")
    mail.setenv("XZZF_MAIL_PER_RUN", "1")
    with Server() as server:
        mail.setenv("XZZF_SMTP_PORT", str(server.port))
        env.intake(AS_OF)
        assert len(receipt_mails(server)) == 1 and len(Store(env.db).unsent_emails()) == 1
        env.intake(AS_OF)
        env.intake(AS_OF)
    assert sorted(m["To"] for m in receipt_mails(server)) == ["scjg@hsb.example.gov.cn", "sfj@hsb.example.gov.cn"]


def test_a_server_that_is_down_is_tried_once_per_run_then_gets_each_mail_once(env, mail):
    drop(env, "SFJ", "a.xlsx")
    drop(env, "SCJG", "a.xlsx")
    tries = []
    real_send = SmtpMailer.send

    def counted(self, *args):
        tries.append(1)
        return real_send(self, *args)

    mail.setattr(SmtpMailer, "send", counted)
    port = free_port()
    mail.setenv("XZZF_SMTP_PORT", str(port))
    with pytest.raises(FailedRun, match="汇总邮件未能发送"):  # nobody listens: the summary and two 回执 mails
        env.monthly("2026-10", AS_OF)                       # are owed, and the run says so
    assert len(tries) == 3  # one mail's XZZF_MAIL_ATTEMPTS, then the rest is left for the next run
    assert {row["status"] for row in Store(env.db).unsent_emails()} == {"unsent"}
    assert len(Store(env.db).unsent_emails()) == 3
    with Server(port=port) as server:
        env.monthly("2026-10", AS_OF)
        env.monthly("2026-10", AS_OF)
    subjects = sorted(m["Subject"] for _, m in server.inbox.messages)
    assert len(subjects) == 3 and sum("汇总" in s for s in subjects) == 1
