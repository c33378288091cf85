"""Re-sending one unit's 回执 of a month (a clerk lost the mail, or asks for them at another
address): every file in its 回执 folder, by mail through the mail ledger.

"The same request" is one flow run: its ledger key carries the run's id, so a run retried
(the UI's 重试, a worker restarted mid-run) owes the same mail and sends it once, while the
administrator asking again — a new run, from the form or `xzzf resend-receipts` — sends it
again, as asked."""

from __future__ import annotations

from html import escape

from prefect import flow
from prefect.runtime import flow_run

from connectors.mail import Email
from flows import mail_steps
from flows.artifacts import answered
from flows.intake import send_owed_mail
from flows.parameters import DecisionPeriod, UnitCode, described, unit_field
from flows.receipt_list import written
from flows.setup import prepare
from xzzf.periods import PERIOD_PATTERN, PERIOD_RULE
from xzzf.receipt import FILES_PER_MAIL
from xzzf.resend import resend_request

UNIT = unit_field(..., "单位", "要重发回执的单位")
PERIOD = described(..., "报送期间", f"要重发哪个月份的回执。{PERIOD_RULE}", "2026-10", pattern=PERIOD_PATTERN)
TO = described("", "改发到邮箱", "留空：发到单位名册（units.yaml）中该单位的邮箱；"
               "填写：只发到这个邮箱，如 clerk@example.gov.cn", "clerk@example.gov.cn",
               pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")


@flow(name="resend-receipts", log_prints=True)
@answered
def resend_receipts(unit: UnitCode = UNIT, period: DecisionPeriod = PERIOD, to: str = TO) -> str:
    """Mail the unit's 回执 of `period` again, to its addresses or to `to`."""
    with prepare(needs_inbox=False) as run:
        asked = resend_request(run.settings, run.registry, unit, period, to)
        known, named, files = asked.unit, asked.named, asked.files
        where = run.settings.shown_path(asked.folder)
        rest = f"另有 {len(files) - FILES_PER_MAIL} 个回执未附上，" if len(files) > FILES_PER_MAIL else ""
        subject = f"【回执重发】{known.name} {period} 的回执（{len(files)} 个文件）"
        text = (f"{subject}\n应要求重新发送{known.name} {period} 报送文件的回执，见附件。"
                f"{rest}全部回执在：{where}")
        html = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        key = f"resend/{unit}/{period}/{flow_run.id}"
        mail_steps.deliver(run.store, run.settings, key,
                           Email(asked.recipients, subject, html, text, tuple(files[:FILES_PER_MAIL])), run.as_of)
        run.written.append(written(unit, files, key))
        send_owed_mail(run)
        return f"{named} {period} 的回执 {len(files)} 个：{mail_steps.mail_said(run.store, run.settings, key)}"
