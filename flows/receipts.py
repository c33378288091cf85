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
from flows.intake import send_owed_mail
from flows.parameters import DecisionPeriod, described
from flows.receipt_list import written
from flows.setup import prepare
from xzzf.adjustments import AdjustmentError, unit_text
from xzzf.periods import PERIOD_PATTERN, PERIOD_RULE
from xzzf.receipt import FILES_PER_MAIL

UNIT = described(..., "单位编码", "要重发回执的单位，如 SFJ（见单位名册）", "SFJ", pattern=r"^[A-Z0-9_-]+$")
PERIOD = described(..., "报送期间", f"要重发哪个月份的回执。{PERIOD_RULE}", "2026-10", pattern=PERIOD_PATTERN)
TO = described("", "改发到邮箱", "留空：发到单位名册（units.yaml）中该单位的邮箱；"
               "填写：只发到这个邮箱，如 clerk@example.gov.cn", "clerk@example.gov.cn",
               pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")


@flow(name="resend-receipts", log_prints=True)
def resend_receipts(unit: str = UNIT, period: DecisionPeriod = PERIOD, to: str = TO) -> str:
    """Mail the unit's 回执 of `period` again, to its addresses or to `to`."""
    with prepare(needs_inbox=False) as run:
        known = run.registry.get(unit)
        if known is None:
            raise AdjustmentError(f"单位名册中没有单位 {unit}：请核对单位编码")
        folder = run.settings.receipts_dir / unit / period
        files = sorted(p for p in folder.glob("*.xlsx") if p.is_file()) if folder.is_dir() else []
        named = unit_text(run.registry, unit)
        if not files:
            raise AdjustmentError(f"{named} 没有 {period} 的回执（{run.settings.shown_path(folder)}）")
        recipients = (to.strip(),) if to.strip() else tuple(known.email)
        if not recipients:
            raise AdjustmentError(f"{named} 在单位名册（units.yaml）中没有邮箱：请填写“改发到邮箱”")
        where = run.settings.shown_path(folder)
        rest = f"另有 {len(files) - FILES_PER_MAIL} 个回执未附上，" if len(files) > FILES_PER_MAIL else ""
        subject = f"【回执重发】{known.name} {period} 的回执（{len(files)} 个文件）"
        text = (f"{subject}\n应要求重新发送{known.name} {period} 报送文件的回执，见附件。"
                f"{rest}全部回执在共享文件夹：{where}")
        html = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        key = f"resend/{unit}/{period}/{flow_run.id}"
        mail_steps.deliver(run.store, run.settings, key,
                           Email(recipients, subject, html, text, tuple(files[:FILES_PER_MAIL])), run.as_of)
        run.written.append(written(unit, files, key))
        send_owed_mail(run)
        return f"{named} {period} 的回执 {len(files)} 个：{mail_steps.mail_said(run.store, run.settings, key)}"
