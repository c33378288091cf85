"""Delivering email: each message is built once, kept as .eml under <out>/outbox, sent with
retries and backoff, and recorded in the store so it goes out once — or on the next run
when the server was down. Loaded data never depends on mail."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from connectors.mail import Email, MailError, MailSettingError, SmtpMailer, build_message, write_eml
from connectors.store import Store
from xzzf.settings import Settings

log = logging.getLogger("xzzf.mail")
SECRET_BLOCK = "xzzf-smtp-password"


def smtp_password(settings: Settings) -> str | None:
    """XZZF_SMTP_PASSWORD, else the Prefect Secret block, read only when sending."""
    if settings.smtp_password or not settings.smtp_user:
        return settings.smtp_password
    try:
        from prefect.blocks.system import Secret

        return Secret.load(SECRET_BLOCK).get()
    except Exception:  # no such block: SmtpMailer names the setting to fill
        return None


def queued(settings: Settings, key: str, email: Email, now: dt.datetime) -> dict:
    """The ledger line of a mail that is owed: the message is built once and kept as .eml
    under <out>/outbox, so what is sent later is exactly what was built."""
    sender = settings.mail_from or settings.smtp_user or "xzzf@localhost"
    message = build_message(email, sender)
    eml = write_eml(message, settings.out / "outbox" / f"{_safe(key)}-{now:%Y%m%dT%H%M%S}.eml")
    return {"key": key, "subject": email.subject, "recipients": list(email.to), "eml_path": str(eml),
            "status": "unsent", "attempts": 0, "last_error": None, "updated_at": now}


def deliver(store: Store, settings: Settings, key: str, email: Email, now: dt.datetime,
            resend: bool = False) -> str:
    """Owe `email` once per key (again only when `resend`); `send_owed` sends it."""
    known = store.email(key)
    if known and known["status"] in ("sent", "written") and not resend:
        return "already-sent"
    store.save_email(**queued(settings, key, email, now))
    return "unsent"


def send_owed(store: Store, settings: Settings, now: dt.datetime) -> dict[str, str]:
    """Send what is owed, oldest first: at most XZZF_MAIL_PER_RUN mails (the rest wait for
    the next run), and after the first mail that could not be sent none more this run — a
    server that is down would otherwise hold the run for every mail's retries."""
    outcome: dict[str, str] = {}
    for row in store.unsent_emails()[:settings.mail_per_run]:
        outcome[row["key"]] = status = _send(store, settings, row["key"], Path(row["eml_path"]),
                                             row["recipients"], now)
        if status == "unsent":
            log.warning("上一封邮件未能发送：本次运行不再发送，其余 %d 封留待下次运行",
                        len(store.unsent_emails()) - 1)
            break
    return outcome


def _send(store: Store, settings: Settings, key: str, eml: Path, recipients: list[str], now: dt.datetime) -> str:
    if not settings.smtp_host:
        log.warning("未设置 XZZF_SMTP_HOST：邮件未发送，已写入 %s", eml)
        store.save_email(key, status="written", updated_at=now)
        return "written"
    if not recipients:
        log.warning("邮件 %s 没有收件人（XZZF_SFJ_RECIPIENTS 或单位 email）：已写入 %s", key, eml)
        store.save_email(key, status="written", updated_at=now)
        return "written"
    message = BytesParser(policy=policy.SMTP).parsebytes(eml.read_bytes())
    error = None
    attempts = store.email(key)["attempts"]
    for attempt in range(settings.mail_attempts):
        try:
            SmtpMailer(settings, smtp_password(settings)).send(message, tuple(recipients))
        except MailError as failure:
            error = str(failure)
            attempts += 1
            log.warning("邮件 %s 第 %d 次发送失败：%s", key, attempt + 1, error)
            if isinstance(failure, MailSettingError):
                break  # a wrong setting does not get better by waiting
            if attempt + 1 < settings.mail_attempts:
                time.sleep(settings.mail_backoff_s * 2**attempt)
        else:
            store.save_email(key, status="sent", attempts=attempts + 1, last_error=None, updated_at=now)
            return "sent"
    store.save_email(key, status="unsent", attempts=attempts, last_error=error, updated_at=now)
    log.error("邮件 %s 未能发送，将在下次运行时重发：%s", key, error)
    return "unsent"


def _safe(key: str) -> str:
    return re.sub(r"[^\w.-]+", "-", key)
