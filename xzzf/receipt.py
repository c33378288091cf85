"""The 回执 a unit gets for every file it drops: what was decided and every problem found."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import PurePosixPath

from xzzf.intake import FileEntry
from xzzf.periods import BEIJING

STATUS_TEXT = {"accepted": "已采用", "rejected": "退回", "superseded": "已被更正"}
PROBLEM_HEADER = ["类别", "工作表", "行号", "列", "填写的值", "问题及修改要求"]


def receipt_name(entry: FileEntry, kind: str) -> PurePosixPath:
    """feedback/<unit>/<period>/<file>-<sha8>-<kind>.xlsx, relative to the receipts folder."""
    parts = PurePosixPath(entry.path).parts
    folder = entry.unit or (parts[0] if len(parts) > 1 else "_未归属")
    stem = PurePosixPath(entry.path).stem
    return PurePosixPath(folder, entry.period or "未知期间", f"{stem}-{entry.sha256[:8]}-{kind}.xlsx")


def receipt_lines(entry: FileEntry, unit_name: str | None, arrival: dt.datetime) -> list[list]:
    """The rows of the 回执 sheet: the decision first, then every error and warning."""
    verdict = STATUS_TEXT.get(entry.status, entry.status)
    if entry.status == "accepted":
        advice = "已采用，数据已入库。" + ("请注意以下提醒。" if entry.warnings else "")
    else:
        advice = "已退回，未入库：请按下列问题逐条修改后，将更正后的文件重新放入本单位文件夹。"
    lines = [
        ["行政执法月报回执"],
        ["单位", f"{unit_name or ''}（{entry.unit or '未识别'}）"],
        ["文件", entry.path],
        ["SHA-256", entry.sha256],
        ["报送期间", entry.period or "未能识别"],
        ["收到时间", arrival.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")],
        ["处理结果", verdict],
        ["说明", advice],
        [],
        PROBLEM_HEADER,
    ]
    for kind, problems in (("错误", entry.errors), ("提醒", entry.warnings)):
        lines += [[kind, p["sheet"] or "（整个文件）", p["row"], p["column"], p["value"], p["message"]]
                  for p in problems]
    return lines


def receipt_mail(entry: FileEntry, unit_name: str) -> tuple[str, str, str]:
    """Subject, HTML and text of the mail that carries a 回执 to the unit."""
    verdict = STATUS_TEXT.get(entry.status, entry.status)
    subject = f"【回执】{unit_name} {entry.period or ''} 月报：{verdict}"
    counts = f"错误 {len(entry.errors)} 处，提醒 {len(entry.warnings)} 处"
    first = [f"{p['sheet'] or '整个文件'} {p['row'] or ''} {p['column'] or ''}：{p['message']}"
             for p in entry.errors[:5]]
    text = "\n".join([subject, f"文件：{entry.path}", counts, *first, "详见附件回执。"])
    html = (f"<p>{escape(subject)}</p><p>文件：{escape(entry.path)}<br>{escape(counts)}</p>"
            + "".join(f"<li>{escape(line)}</li>" for line in first) + "<p>详见附件回执。</p>")
    return subject, html, text
