import io
from email import policy
from email.header import Header
from email.parser import BytesParser

import openpyxl
import pytest

from connectors.mail import MAIL_POLICY, Email, MailError, MailSettingError, SmtpMailer, build_message
from connectors.xlsx_writer import write_sheets
from tests.smtp import PASSWORD, USER, Misbehaving, Server
from xzzf.settings import load_settings

TO = ("sfj@hsb.example.gov.cn", "fzk@hsb.example.gov.cn")


def settings(port, **changes):
    values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
              "mail_from": "xzzf@hsb.example.gov.cn", "smtp_timeout_s": 2}
    return load_settings(**{**values, **changes})


def email(tmp_path, **changes):
    table = [("报送情况", [["单位", "状态"], ["司法局", "按时"]])]
    attachment = write_sheets(tmp_path / "红寺堡区-汇总 2026年10月.xlsx", table)
    values = {"to": TO, "subject": "【行政执法月报】2026-10 报送情况汇总", "html": "<p>按时报送 <b>20</b> 个</p>",
              "text": "按时报送 20 个", "attachments": (attachment,)}
    return Email(**{**values, **changes})


def sent(settings, password, message, recipients) -> dict:
    """What the server refused, from one session; QUIT at its end."""
    with SmtpMailer(settings, password) as mailer:
        return mailer.send(message, recipients)


def test_chinese_subject_parts_and_attachment_names_arrive_intact(tmp_path):
    with Server() as server:
        message = build_message(email(tmp_path), "xzzf@hsb.example.gov.cn")
        sent(settings(server.port), None, message, TO)
    [(recipients, received)] = server.inbox.messages
    assert recipients == list(TO)
    assert received["Subject"] == "【行政执法月报】2026-10 报送情况汇总"
    assert received.get_body(("plain",)).get_content().strip() == "按时报送 20 个"
    assert "<b>20</b>" in received.get_body(("html",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "红寺堡区-汇总 2026年10月.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))["报送情况"]
    assert [c.value for c in sheet[2]] == ["司法局", "按时"]


def test_an_attachment_is_named_both_ways_mainstream_clients_read(tmp_path):
    """RFC 2231 filename* in Content-Disposition, and an RFC 2047 name= in Content-Type for
    Foxmail and older Outlook; kept byte for byte when the .eml is read back to be sent."""
    raw = bytes(build_message(email(tmp_path), "xzzf@hsb.example.gov.cn", "红寺堡区司法局"))
    encoded = Header("红寺堡区-汇总 2026年10月.xlsx", "utf-8").encode(linesep="\r\n")
    assert f'name="{encoded}"'.encode() in raw
    assert b"filename*0*=utf-8''" in raw
    assert bytes(BytesParser(policy=MAIL_POLICY).parsebytes(raw)) == raw
    [attachment] = list(BytesParser(policy=policy.default).parsebytes(raw).iter_attachments())
    assert attachment.get_param("name") == attachment.get_filename() == "红寺堡区-汇总 2026年10月.xlsx"


def test_starttls_with_login_checks_the_certificate(tmp_path):
    with Server(tls_folder=tmp_path) as server:
        good = settings(server.port, smtp_security="starttls", smtp_user=USER, smtp_ca_file=server.cert)
        sent(good, PASSWORD, build_message(email(tmp_path), USER), TO)
        assert len(server.inbox.messages) == 1
        with pytest.raises(MailSettingError, match="XZZF_SMTP_PASSWORD"):
            sent(good, "wrong-password", build_message(email(tmp_path), USER), TO)
        untrusted = settings(server.port, smtp_security="starttls", smtp_user=USER)
        with pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED|SSL"):
            sent(untrusted, PASSWORD, build_message(email(tmp_path), USER), TO)
    assert len(server.inbox.messages) == 1


def test_a_missing_password_is_a_settings_error_not_a_keyring_prompt(tmp_path):
    with pytest.raises(MailSettingError, match="XZZF_SMTP_PASSWORD"):
        SmtpMailer(settings(25, smtp_user=USER), None)


def test_a_silent_server_times_out_instead_of_hanging(tmp_path):
    with Misbehaving("silent") as server, pytest.raises(MailError, match="timed out|TimeoutError"):
        sent(settings(server.port), None, build_message(email(tmp_path), USER), TO)


def test_a_line_dropped_during_data_raises(tmp_path):
    with Misbehaving("drop") as server, pytest.raises(MailError, match="SMTPServerDisconnected"):
        sent(settings(server.port), None, build_message(email(tmp_path), USER), TO)


def test_partly_refused_recipients_are_named_with_the_servers_reply_and_the_others_get_it(tmp_path):
    with Server() as server:
        refused = sent(settings(server.port), None, build_message(email(tmp_path), USER),
                       (*TO, "nobody@refuse.example"))
    assert refused == {"nobody@refuse.example": (550, "no such user")}
    [(recipients, _)] = server.inbox.messages
    assert recipients == list(TO)


def test_every_recipient_refused_is_named_too(tmp_path):
    with Server() as server:
        refused = sent(settings(server.port), None, build_message(email(tmp_path), USER),
                       ("nobody@refuse.example",))
    assert refused == {"nobody@refuse.example": (550, "no such user")} and server.inbox.messages == []


def test_a_body_that_is_a_file_path_stays_text_and_a_newline_cannot_break_the_subject(tmp_path):
    path_like = str(email(tmp_path).attachments[0])
    message = build_message(email(tmp_path, text=path_like, html=path_like, attachments=(),
                                  subject="汇总\r\nBcc: victim@example.com"), USER)
    assert list(message.iter_attachments()) == []
    assert message["Subject"] == "汇总 Bcc: victim@example.com" and message["Bcc"] is None


@pytest.mark.parametrize("padding", range(1, 30))
def test_a_long_chinese_subject_keeps_every_space_where_it_is_folded(padding):
    """Python's own folding dropped the space before a fold: "第 17 项" arrived as "第 17项"
    (seen with 5 and 21 characters of unit name)."""
    subject = f"【任务提醒】{'住' * padding}：第 17 项 推行柔性执法，完成时限 2026年12月31日"
    built = build_message(Email(TO, subject, "<p>x</p>", "x"), "xzzf@hsb.example.gov.cn")
    kept = BytesParser(policy=MAIL_POLICY).parsebytes(built.as_bytes()).as_bytes()  # the .eml, read back to send
    assert BytesParser(policy=policy.default).parsebytes(kept)["Subject"] == subject
