"""Delivering email: each message is built once, kept as .eml under <out>/outbox, sent with
retries and backoff, and recorded in the store so it goes out once — or on the next run
when the server was down. Loaded data never depends on mail."""

from __future__ import annotations

import datetime as dt
import re
import time
from email.parser import BytesParser
from pathlib import Path

from connectors.mail import MAIL_POLICY, Email, MailError, MailSettingError, SmtpMailer, build_message, write_eml
from connectors.store import Store
from flows.artifacts import mail_written
from flows.artifacts import run_log as log
from xzzf.notices import refusal_notice
from xzzf.settings import Settings
from xzzf.vocabulary import MailStatus, RunEnd

SECRET_BLOCK = "xzzf-smtp-password"
REFUSAL = "refused/"  # the key prefix of a notice that a mail was refused for good


def smtp_password(settings: Settings) -> str | None:
    """XZZF_SMTP_PASSWORD, else the Prefect Secret block, read only when sending."""
    if settings.smtp_password or not settings.smtp_user:
        return settings.smtp_password
    from prefect.blocks.system import Secret
    from prefect.exceptions import ObjectNotFound

    try:
        return Secret.load(SECRET_BLOCK).get()
    except ValueError as error:
        # Only "no such block" means no password: SmtpMailer then names the setting to fill.
        # Anything else (the API down, refused) is not a missing password and is raised.
        if isinstance(error.__cause__, ObjectNotFound):
            return None
        raise


def queued(settings: Settings, key: str, email: Email, now: dt.datetime) -> dict:
    """The ledger line of a mail that is owed: the message is built once and kept as .eml
    under <out>/outbox, so what is sent later is exactly what was built."""
    sender = settings.mail_from or settings.smtp_user or "xzzf@localhost"
    message = build_message(email, sender, settings.mail_from_name)
    eml = write_eml(message, settings.out / "outbox" / f"{_safe(key)}-{now:%Y%m%dT%H%M%S}.eml")
    return {"key": key, "subject": email.subject, "recipients": list(email.to), "eml_path": str(eml),
            "status": MailStatus.UNSENT, "attempts": 0, "last_error": None, "updated_at": now,
            "delivered_to": [], "refused": {}}


def known(store: Store, key: str) -> str | None:
    """What became of the mail owed under `key`, if one was: sent (or written), or still owed
    as it was built. None: never owed."""
    row = store.email(key)
    if row is None:
        return None
    return MailStatus.ALREADY_SENT if row["status"] in (MailStatus.SENT, MailStatus.WRITTEN) else row["status"]


def mail_said(store: Store, settings: Settings, key: str) -> str:
    """What became of the mail owed under `key`, in words for the person who reads the run."""
    row = store.email(key)
    if row is None:
        return "未发送"
    to = "、".join(row["delivered_to"]) or "、".join(row["recipients"])
    if row["status"] == MailStatus.SENT:
        return f"已发送（{to}）"
    if row["status"] == MailStatus.WRITTEN:
        why = "未设置邮件服务器（XZZF_SMTP_HOST）" if not settings.smtp_host else "没有收件人"
        return f"未发送：{why}，邮件已保存为 {settings.shown_path(Path(row['eml_path']))}"
    reason = row["last_error"] or "本次运行中前一封邮件发送失败，未再尝试"
    sent = f"已发送给 {'、'.join(row['delivered_to'])}；其余" if row["delivered_to"] else ""
    return f"{sent}未发送：{reason}；下次运行时自动重发"


def deliver(store: Store, settings: Settings, key: str, email: Email, now: dt.datetime,
            resend: bool = False) -> str:
    """Owe `email` once per key (again only when `resend`); `send_owed` sends it. A mail
    already owed stays as it was built: some of its recipients may have had it already."""
    if not resend and (status := known(store, key)):
        return status
    store.save_email(**queued(settings, key, email, now))
    return MailStatus.UNSENT


def send_owed(store: Store, settings: Settings, now: dt.datetime) -> dict[str, str]:
    """Send what is owed, oldest first: at most XZZF_MAIL_PER_RUN mails (the rest wait for
    the next run), and after the first mail that could not be sent none more this run — a
    server that is down would otherwise hold the run for every mail's retries."""
    outcome: dict[str, str] = {}
    for row in store.unsent_emails()[:settings.mail_per_run]:
        outcome[row["key"]] = status = _send(store, settings, row, now)
        if status == MailStatus.UNSENT:
            log().warning("上一封邮件未能发送：本次运行不再发送，其余 %d 封留待下次运行",
                        len(store.unsent_emails()) - 1)
            break
    return outcome


def _send(store: Store, settings: Settings, row: dict, now: dt.datetime) -> str:
    """Send one owed mail to the recipients that have not had it; "sent", "written",
    "deferred" (some recipients refused for now: they get it next run) or "unsent"."""
    key, eml = row["key"], Path(row["eml_path"])
    if not settings.smtp_host:
        log().warning("未设置 XZZF_SMTP_HOST：邮件未发送，已写入 %s", settings.shown_path(eml))
        mail_written(eml)
        store.save_email(key, status=MailStatus.WRITTEN, updated_at=now)
        return MailStatus.WRITTEN
    if not row["recipients"]:
        log().warning("邮件 %s 没有收件人（XZZF_SFJ_RECIPIENTS 或单位 email）：已写入 %s", key,
                      settings.shown_path(eml))
        store.save_email(key, status=MailStatus.WRITTEN, updated_at=now)
        return MailStatus.WRITTEN
    waiting = tuple(r for r in row["recipients"] if r not in row["delivered_to"] and r not in row["refused"])
    message = BytesParser(policy=MAIL_POLICY).parsebytes(eml.read_bytes())
    error, attempts = None, row["attempts"]
    for attempt in range(settings.mail_attempts):
        attempts += 1
        try:
            with SmtpMailer(settings, smtp_password(settings)) as mailer:
                refused = mailer.send(message, waiting)
                # Recorded before QUIT (the block's end): the server has the mail from its 250.
                return _answered(store, settings, row, waiting, refused, attempts, now)
        except MailError as failure:
            error = str(failure)
            log().warning("邮件 %s 第 %d 次发送失败：%s", key, attempt + 1, error)
            if isinstance(failure, MailSettingError):
                break  # a wrong setting does not get better by waiting
            if attempt + 1 < settings.mail_attempts:
                time.sleep(settings.mail_backoff_s * 2**attempt)
    store.save_email(key, status=MailStatus.UNSENT, attempts=attempts, last_error=error, updated_at=now)
    log().error("邮件 %s 未能发送，将在下次运行时重发：%s", key, error)
    return MailStatus.UNSENT


def _answered(store: Store, settings: Settings, row: dict, tried: tuple[str, ...],
              refused: dict[str, tuple[int, str]], attempts: int, now: dt.datetime) -> str:
    """Record the server's answer per recipient: accepted ones are done for good, a 5xx is
    final (reported to the 司法局 once), a 4xx is tried again on the next run."""
    key = row["key"]
    final = {address: f"{code} {reply}" for address, (code, reply) in refused.items() if code >= 500}
    later = {address: f"{code} {reply}" for address, (code, reply) in refused.items() if code < 500}
    delivered = [*row["delivered_to"], *(r for r in tried if r not in refused)]
    status = MailStatus.UNSENT if later else MailStatus.SENT
    store.save_email(key, status=status, attempts=attempts, delivered_to=delivered,
                     refused={**row["refused"], **final}, updated_at=now,
                     last_error="；".join(f"{a}：{r}" for a, r in later.items()) or None)
    if final:
        log().warning("邮件 %s 被永久拒收：%s", key, "；".join(f"{a}：{r}" for a, r in final.items()))
        if not key.startswith(REFUSAL) and settings.sfj_recipients:
            subject, html, text = refusal_notice(row["subject"], final)
            deliver(store, settings, f"{REFUSAL}{key}"[:128], Email(tuple(settings.sfj_recipients), subject,
                                                                  html, text), now)
    if later:
        log().warning("邮件 %s 部分收件人暂时拒收，下次运行重发给他们：%s", key, "；".join(later))
        return MailStatus.DEFERRED
    return status


def _safe(key: str) -> str:
    return re.sub(r"[^\w.-]+", "-", key)


def undelivered(what: str, key: str, status: str, store: Store):
    """A run whose own summary or report could not be sent ends as 邮件未发送, not Completed:
    the administrator sees it among the runs. Its data stay committed and the mail stays
    owed, so the message says both. None when it went out, even to only some recipients
    (the others get it on the next run), or was not to be sent."""
    if status != MailStatus.UNSENT:
        return None
    from prefect.states import Failed

    reason = (store.email(key) or {}).get("last_error")
    if not reason:  # not tried: an earlier mail of the run failed, and sending stopped there
        failed = [row for row in store.unsent_emails() if row["last_error"]]
        reason = (f"本次运行中前一封邮件发送失败（{max(failed, key=lambda row: row['updated_at'])['last_error']}），"
                  "未再尝试" if failed else MailStatus.UNSENT.label)
    return Failed(name=RunEnd.MAIL_UNSENT.label, message=f"{what}未能发送：{reason}。本次运行的数据已保存，不受影响；"
                  "邮件已保存在待发送记录中，下次运行时自动重发（也可修正邮件设置后重新运行）。")
