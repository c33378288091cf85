"""Mail: messages built with the standard library (RFC 2047 subjects, RFC 2231 attachment
names, a real text part beside the HTML), sent over an SMTP session opened by yagmail.

yagmail's own message builder is not used: it attaches any body string that happens to
be a file path and cannot carry a separate plain-text part. Its send loop is not used
either: a connection dropped during DATA made it return False after ~18 s of retries, and
partly refused recipients came back as a return value. Here every failure raises, and the
recipients the server refused are returned one by one with its reply.
"""

from __future__ import annotations

import contextlib
import mimetypes
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import yagmail

from connectors.files import write_bytes
from xzzf.settings import Settings


class MailError(RuntimeError):
    """The mail could not be sent; the message says why, naming the setting to check."""


class MailSettingError(MailError):
    """A setting is wrong (sender, login): waiting and retrying will not help."""


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    subject: str
    html: str
    text: str
    attachments: tuple[Path, ...] = field(default=())


# Headers we set ourselves are folded as usual; a header written out as built (the 2047
# `name=` below) is kept as it is, when the .eml is written and when it is read back to send.
MAIL_POLICY = policy.SMTP.clone(refold_source="none")


def build_message(email: Email, sender: str, sender_name: str = "") -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = Address(sender_name, addr_spec=sender) if sender_name else sender
    message["To"] = ", ".join(email.to)
    # Encoded by hand: Python's own folding of a long non-ASCII subject drops the space
    # before a fold ("第 17 项" arrived as "第 17项"). A newline would end the header block.
    message.set_raw("Subject", Header(" ".join(email.subject.split()), "utf-8").encode())
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "xzzf.local")
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for path in email.attachments:
        kind, _ = mimetypes.guess_type(path.name)
        main, sub = (kind or "application/octet-stream").split("/")
        message.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
        _name_for_older_clients(message.get_payload()[-1], path.name)
    return message


def _name_for_older_clients(part: EmailMessage, name: str) -> None:
    """Content-Disposition carries the name the standard way (RFC 2231 `filename*=`); Foxmail
    and older Outlook read only Content-Type's `name=` as RFC 2047 encoded-words, so it is
    given that way too."""
    content_type = part.get_content_type()
    del part["Content-Type"]
    part.set_raw("Content-Type", f'{content_type};\n name="{Header(name, "utf-8").encode()}"')


class SmtpMailer:
    """Sends through XZZF_SMTP_*; the password is read when sending, never at import. Used as
    `with SmtpMailer(...) as mailer:`: send returns as soon as the server has accepted the
    message, and QUIT waits for the end of the block, so the caller records the delivery
    first — a server that stalls on QUIT would otherwise keep a delivered mail unrecorded for
    the whole timeout, and a run killed meanwhile would send it again."""

    def __init__(self, settings: Settings, password: str | None = None):
        self.settings = settings
        self.password = password
        if not settings.mail_from and not settings.smtp_user:
            raise MailSettingError("设置 XZZF_MAIL_FROM 未填写：发件地址不能为空")
        if settings.smtp_user and not password:
            # yagmail would fall back to the keyring, then prompt on a terminal nobody watches
            raise MailSettingError("设置 XZZF_SMTP_PASSWORD 未填写（也没有 Prefect Secret 块 xzzf-smtp-password）")
        self.client = None

    @property
    def sender(self) -> str:
        return self.settings.mail_from or self.settings.smtp_user

    @property
    def port(self) -> int:
        s = self.settings
        return s.smtp_port or {"ssl": 465, "starttls": 587, "none": 25}[s.smtp_security]

    def __enter__(self) -> SmtpMailer:
        s = self.settings
        # Certificates are always checked; smtplib has no timeout by default: a silent server
        # would hang the run.
        context = ssl.create_default_context(cafile=s.smtp_ca_file)
        if s.smtp_ca_file:
            context.load_default_certs()
        extra = {"timeout": s.smtp_timeout_s}
        if s.smtp_security == "ssl":
            extra["context"] = context
        self.client = yagmail.SMTP(  # connects at login, in send
            user=s.smtp_user or self.sender, password=self.password, host=s.smtp_host,
            port=self.port,
            smtp_ssl=s.smtp_security == "ssl",
            smtp_starttls={"context": context} if s.smtp_security == "starttls" else False,
            smtp_skip_login=not s.smtp_user, soft_email_validation=False, **extra)
        return self

    def __exit__(self, *exc) -> None:
        # QUIT unanswered (a timeout, a dropped line): what the server accepted is settled, and
        # recorded by now; only the goodbye is lost.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.client.close()

    def send(self, message: EmailMessage, recipients: tuple[str, ...]) -> dict[str, tuple[int, str]]:
        """Send to the recipients (one message a session); those the server refused, address
        → (code, reply). Raises MailError when nothing was sent."""
        with _failures("邮件发送失败"):
            try:
                self.client.login()
                refused = self.client.smtp.send_message(message, from_addr=self.sender, to_addrs=list(recipients))
            except smtplib.SMTPRecipientsRefused as error:  # every one refused: say who and why
                refused = error.recipients
        return {address: (code, reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply))
                for address, (code, reply) in refused.items()}

    def greet(self) -> str:
        """Connect, log in as a send would (TLS, AUTH when XZZF_SMTP_USER is set), then EHLO and
        NOOP: whether the server answers, without sending anything. Its EHLO greeting's first
        line; MailError as send() would raise it."""
        with _failures("邮件服务器无应答"):
            self.client.login()
            code, reply = self.client.smtp.ehlo()
            self.client.smtp.noop()
        return reply.decode(errors="replace").splitlines()[0] if reply else str(code)


@contextlib.contextmanager
def _failures(what: str):
    """An SMTP session's failures as MailError naming the settings to check; `what` failed."""
    try:
        yield
    except UnicodeEncodeError:
        raise MailSettingError("XZZF_SMTP_USER 或 XZZF_SMTP_PASSWORD 含有非 ASCII 字符，SMTP 登录不支持") from None
    except smtplib.SMTPAuthenticationError as error:
        raise MailSettingError(f"邮件服务器拒绝登录（{error.smtp_code}）："
                               "请检查 XZZF_SMTP_USER 和 XZZF_SMTP_PASSWORD") from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"{what}（{type(error).__name__}: {error}）：请检查 XZZF_SMTP_HOST、"
                        "XZZF_SMTP_PORT、XZZF_SMTP_SECURITY 和邮件服务器状态") from None


def write_eml(message: EmailMessage, path: Path) -> Path:
    return write_bytes(path, bytes(message))
