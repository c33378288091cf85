"""Notices to the 司法局 about the pipeline's own mail."""

from __future__ import annotations

from html import escape


def refusal_notice(subject: str, refused: dict[str, str]) -> tuple[str, str, str]:
    """Subject, HTML and text telling the 司法局 that the mail server refused some addresses
    for good: the mail will not be retried to them, the registry or settings need fixing."""
    title = f"【邮件退回】以下地址无法收到邮件：{subject}"
    lines = [f"{address}：{reply}" for address, reply in sorted(refused.items())]
    advice = ("邮件服务器永久拒收了这些地址，系统不会再向其重发。"
              "请核对单位名册 units.yaml 中的 email 或设置 XZZF_SFJ_RECIPIENTS，改正后可重新发送。")
    html = (f"<p>{escape(title)}</p><ul>{''.join(f'<li>{escape(line)}</li>' for line in lines)}</ul>"
            f"<p>{escape(advice)}</p>")
    return title, html, "\n".join([title, *lines, advice])
