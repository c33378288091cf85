"""Each recipient on its own: a server that refuses one address of several delivers to the
others once; a refusal for good (5xx) is reported to the 司法局 once and never retried, a
refusal for now (4xx) is retried for that address only."""

import datetime as dt

import pytest

from connectors.store import Store
from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server

AFTER_DUE = dt.date(2026, 11, 6)


@pytest.fixture
def mail(env, monkeypatch):
    for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_SECURITY", "none"),
                        ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"), ("XZZF_MAIL_BACKOFF_S", "0")):
        monkeypatch.setenv(name, value)
    set_mtime(write_workbook(env.inbox / "ZRZY" / "a.xlsx", "ZRZY"), at("2026-11-03"))
    return monkeypatch


def copies(server, address: str, kind: str) -> int:
    start = {"汇总": "【行政执法月报】", "邮件退回": "【邮件退回】"}[kind]
    return sum(1 for to, m in server.inbox.messages if address in to and m["Subject"].startswith(start))


def test_a_refused_address_is_reported_once_and_the_others_get_one_copy(env, mail):
    mail.setenv("XZZF_SFJ_RECIPIENTS", "fzk@hsb.example.gov.cn,nobody@refuse.example")
    with Server() as server:
        mail.setenv("XZZF_SMTP_PORT", str(server.port))
        for _ in range(3):
            env.monthly("2026-10", AFTER_DUE)
    assert copies(server, "fzk@hsb.example.gov.cn", "汇总") == 1
    assert copies(server, "fzk@hsb.example.gov.cn", "邮件退回") == 1
    [notice] = [m for _, m in server.inbox.messages if "邮件退回" in m["Subject"]]
    assert "nobody@refuse.example：550" in notice.get_body(("plain",)).get_content()
    ledger = Store(env.db).email("summary/2026-10")
    assert ledger["status"] == "sent" and ledger["delivered_to"] == ["fzk@hsb.example.gov.cn"]
    assert list(ledger["refused"]) == ["nobody@refuse.example"]


def test_an_address_refused_for_now_gets_the_mail_on_the_next_run_and_no_one_twice(env, mail):
    mail.setenv("XZZF_SFJ_RECIPIENTS", "fzk@hsb.example.gov.cn,clerk@busy.example")
    with Server() as server:
        mail.setenv("XZZF_SMTP_PORT", str(server.port))
        env.monthly("2026-10", AFTER_DUE)
        assert copies(server, "fzk@hsb.example.gov.cn", "汇总") == 1
        assert copies(server, "clerk@busy.example", "汇总") == 0
        assert Store(env.db).email("summary/2026-10")["status"] == "unsent"
        server.inbox.busy = False
        env.monthly("2026-10", AFTER_DUE)
        env.monthly("2026-10", AFTER_DUE)
    assert copies(server, "fzk@hsb.example.gov.cn", "汇总") == 1 and copies(server, "clerk@busy.example", "汇总") == 1
    assert Store(env.db).email("summary/2026-10")["status"] == "sent"
    assert copies(server, "fzk@hsb.example.gov.cn", "邮件退回") == 0


def test_only_a_missing_secret_block_means_no_password(monkeypatch):
    """An API that cannot be reached is not "password not set": its error reaches the log."""
    from prefect.blocks.system import Secret

    from flows import mail_steps
    from flows.mail_steps import smtp_password
    from xzzf.settings import load_settings

    settings = load_settings(smtp_user="xzzf@hsb.example.gov.cn")
    monkeypatch.setattr(mail_steps, "SECRET_BLOCK", "xzzf-no-such-block")
    assert smtp_password(settings) is None  # no such block in the test API

    def unreachable(*args, **kwargs):
        raise ConnectionError("API unreachable")

    monkeypatch.setattr(Secret, "load", unreachable)
    with pytest.raises(ConnectionError):
        smtp_password(settings)
