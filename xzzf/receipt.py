"""The 回执 a unit gets for every file it drops: what was decided and every problem found."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import PurePosixPath

from xzzf.intake import FileEntry, past_due
from xzzf.periods import BEIJING
from xzzf.problems import count, in_reading_order
from xzzf.task_notice import NOTICE_HEADING, NOTICE_TITLE
from xzzf.template import long_date
from xzzf.vocabulary import FileStatus, UnitStatus
from xzzf.workbook import COLUMN_ORDER, SHEET_ORDER

PROBLEM_HEADER = ["类别", "工作表", "行号", "列", "填写的值", "问题及修改要求"]


NAME_BYTES = 255  # the longest file name most file systems (and SMB shares) accept


def receipt_name(entry: FileEntry, kind: str) -> PurePosixPath:
    """feedback/<unit>/<period>/<file>-<sha8>-<kind>.xlsx, relative to the receipts folder;
    the clerk's file name is shortened where the whole name would not fit in 255 bytes."""
    parts = PurePosixPath(entry.path).parts
    folder = entry.unit or (parts[0] if len(parts) > 1 else "_未归属")
    tail = f"-{entry.sha256[:8]}-{kind}.xlsx"
    room = NAME_BYTES - len(tail.encode())
    stem = PurePosixPath(entry.path).stem.encode()[:room].decode(errors="ignore")
    return PurePosixPath(folder[:NAME_BYTES], entry.period or "未知期间", stem + tail)


def listed_problems(errors: list[dict], warnings: list[dict]) -> list[dict]:
    """Every problem with its `kind` (错误 or 提醒), in the order a clerk reads the workbook
    (an error before a warning on the same cell)."""
    marked = [{**p, "kind": kind} for kind, problems in (("错误", errors), ("提醒", warnings)) for p in problems]
    return in_reading_order(marked, SHEET_ORDER, COLUMN_ORDER)


def problem_line(problem: dict) -> list:
    """One listed problem as a row of PROBLEM_HEADER."""
    p = problem
    return [p["kind"], p["sheet"] or "（整个文件）", row_text(p["row"]), p["column"], p["value"], p["message"]]


def problem_lines(errors: list[dict], warnings: list[dict]) -> list[list]:
    """Every problem as a row of PROBLEM_HEADER, in reading order (listed_problems)."""
    return [problem_line(p) for p in listed_problems(errors, warnings)]


def first_problem(errors: list[dict]) -> str:
    """The first error a clerk meets, as one line — where, then what; "" when there is none
    (the summary's and the artifacts' reason of a rejection)."""
    if not errors:
        return ""
    first = in_reading_order(errors, SHEET_ORDER, COLUMN_ORDER)[0]
    where = "，".join(str(x) for x in (first["sheet"], row_text(first["row"]), first["column"]) if x)
    return f"{where}：{first['message']}" if where else first["message"]


def row_text(row: int | None) -> str:
    return f"第 {row} 行" if row else ""


@dataclass(frozen=True)
class CountedFor:
    """A file whose 报送期间 could not be read: how it was given its period, and where its
    unit's month stood as of the run that recorded it."""

    how: str  # periods.BY_NAME or BY_ARRIVAL
    month: UnitStatus  # the unit's status for that period, this file included
    in_force: str | None = None  # the path of the accepted file the month stands on, if any


def counted_period_text(period: str, counted: CountedFor) -> str:
    """Only when nothing of the unit's month is accepted (nor is it 免报) does this file make
    the month 已报送但被退回; otherwise the month stands on what is, and the file counts for nothing."""
    if counted.month == UnitStatus.REJECTED:
        standing = "本月视为已报送但被退回"
    else:
        stands_on = f"，本单位本月以已受理的文件《{counted.in_force}》为准" if counted.in_force else ""
        standing = f"本文件不计入统计{stands_on}，本月报送状态：{counted.month.label}"
    return f"{period}（文件中的报送期间无法读取，{counted.how}计入该月：{standing}）"


@dataclass(frozen=True)
class Deadline:
    """Where a rejected file's month stands for its on-time count as of the run: the unit's
    due day for it (Obligations.due), whether an extension gave that day, and whether the
    month already stands on an accepted file (then this one changes nothing)."""

    due: dt.date
    extended: bool = False
    accepted: bool = False


REDO = "请按下列问题逐条修改后，将改好的文件重新放入本单位文件夹。"


def next_step(deadline: Deadline | None, as_of: dt.datetime) -> str:
    """What a clerk whose file was rejected does next, and what it means for her month: the
    day by which a corrected file still counts as on time (submission.md: the first accepted
    file by the end of the due day), or that the day is past and the month counts as late."""
    if deadline is None:
        return REDO
    if deadline.accepted:
        return ("本单位本月已有受理的文件，统计仍以该文件为准（是否按时不变）；如需更正，"
                "请按下列问题修改后重新报送。")
    day = long_date(deadline.due) + ("（司法局已批准本月延期至该日）" if deadline.extended else "")
    if not past_due(deadline.due, as_of):
        return f"请按下列问题逐条修改，于 {day}当天结束前将改好的文件放入本单位文件夹，仍算按时报送。"
    return (f"本月报送期限 {day}已过：请尽快按下列问题修改后重新报送。改好的文件受理后，本月计为"
            f"“{UnitStatus.LATE.label}”报送；受理之前，本月统计为“{UnitStatus.REJECTED.label}”。")


def copy_note(name: str, accepted: bool = False) -> str:
    """The 回执's line about the 标注 copy made of a file, named `name`: a rejected file's, or
    an accepted file's with data-quality signals (its cells to check marked)."""
    marked = "需要核实的单元格已用黄色标出并附说明" if accepted else "出错的单元格已标出并附说明"
    return (f"已生成《{name}》，与本回执放在同一文件夹：它是您报送的文件的副本，{marked}；"
            "打开后第一张工作表“文件问题”列出全部问题，点击工作表、行号或列可直接跳到该单元格。")


NO_COPY_UNREADABLE = "没有标注副本：本文件无法打开（原因见下表），无法在文件上标出问题。请按下表说明处理后重新报送。"


def receipt_lines(entry: FileEntry, unit_name: str | None, arrival: dt.datetime,
                  note: str | None = None, counted: CountedFor | None = None,
                  decision: str | None = None, tasks: list[str] | None = None,
                  deadline: Deadline | None = None, as_of: dt.datetime | None = None) -> list[list]:
    """The rows of the 回执 sheet: the decision and, for a rejected file, what to do next
    (next_step, as of `as_of`, by its month's `deadline`) and its 标注 copy (`note`: its name
    in copy_note, or why there is none); the unit's 任务提示 (`tasks`,
    task_notice.unit_task_notice), then every error and warning. `counted` says how a file
    whose 报送期间 could not be read was given its period and what that made of its unit's
    month, `decision` the 司法局's decision that withdrew the file's acceptance, restored it,
    or judged it again (复核). In the clerk's words: the file's fingerprint and the reader's
    measurements are for the run report, not here."""
    verdict = FileStatus.label_of(entry.status)
    step = None
    if entry.status == FileStatus.WITHDRAWN:
        advice = "司法局已撤销对本文件的受理：文件及其数据仍保存备查，但不再计入统计。"
    elif entry.status == FileStatus.ACCEPTED:
        advice = ("已受理，数据已入库。" if decision is None else "经司法局决定，本文件已受理，数据计入统计。") \
            + ("请注意以下提醒，下月报送时一并核对。" if entry.warnings else "")
    else:
        advice = "已退回，未入库。"
        step = next_step(deadline, as_of or arrival)
    problems = problem_lines(entry.errors, entry.warnings)
    return [
        ["行政执法月报回执"],
        ["单位", f"{unit_name or ''}（{entry.unit or '未识别'}）"],
        ["文件", entry.path],
        ["报送期间", counted_period_text(entry.period, counted) if counted else entry.period or "未能识别"],
        ["收到时间", arrival.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")],
        ["处理结果", verdict],
        ["说明", advice],
        *([["下一步", step]] if step else []),
        *([["司法局决定", decision]] if decision else []),
        *([["标注副本", note]] if note else []),
        *([NOTICE_TITLE if n == 0 else "", line] for n, line in enumerate(tasks or [])),
        [],
        PROBLEM_HEADER,
        *(problems or [["无问题", "", "", "", "", "本文件未发现错误或提醒。"]]),
    ]


FILES_PER_MAIL = 20  # a unit that dropped hundreds of files finds the rest in its 回执 folder
PROBLEMS_PER_FILE = 10  # listed in the mail's body; the attached 回执 has them all


def receipt_mail(entries: list[FileEntry], unit_name: str, title: str = "回执",
                 tasks: list[str] | None = None) -> tuple[str, str, str]:
    """Subject, HTML and text of the one mail that carries a run's 回执 (or a decision's:
    `title`) to a unit: all its files counted, the first FILES_PER_MAIL listed (and attached),
    then the unit's 任务提示 (`tasks`)."""
    if len(entries) == 1:
        entry = entries[0]
        verdict = FileStatus.label_of(entry.status)
        subject = f"【{title}】{unit_name} " + (f"{entry.period} " if entry.period else "") + f"月报：{verdict}"
    else:
        tally = Counter(FileStatus.label_of(e.status) for e in entries)
        subject = (f"【{title}】{unit_name} 月报 {len(entries)} 份："
                   + "，".join(f"{k} {n} 份" for k, n in tally.items()))
    text_parts, html_parts = [subject], [f"<p>{escape(subject)}</p>"]
    for entry in entries[:FILES_PER_MAIL]:
        verdict = FileStatus.label_of(entry.status)
        counts = f"{verdict}；错误 {count(entry.errors)} 处，提醒 {count(entry.warnings)} 处"
        listed = problem_lines(entry.errors, entry.warnings)
        first = [" ".join(x for x in (kind, sheet, row, column) if x) + f"：{message}"
                 for kind, sheet, row, column, _, message in listed[:PROBLEMS_PER_FILE]]
        if len(listed) > PROBLEMS_PER_FILE:
            rest = count(entry.errors) + count(entry.warnings) - PROBLEMS_PER_FILE
            first.append(f"……另有 {rest} 处，见附件回执")
        text_parts += [f"文件：{entry.path}", counts, *first]
        html_parts.append(f"<p>文件：{escape(entry.path)}<br>{escape(counts)}</p>"
                          + (f"<ul>{''.join(f'<li>{escape(line)}</li>' for line in first)}</ul>" if first else ""))
    closing = "详见附件回执。" + (f"另有 {more} 份文件的回执未随本邮件发送，请在回执共享文件夹中查看。"
                             if (more := len(entries) - FILES_PER_MAIL) > 0 else "")
    told = [NOTICE_HEADING, *tasks] if tasks else []
    html = "".join(html_parts) + (f"<p>{escape(NOTICE_HEADING)}</p><ul>"
                                  + "".join(f"<li>{escape(line)}</li>" for line in tasks) + "</ul>" if tasks else "")
    return subject, html + f"<p>{closing}</p>", "\n".join([*text_parts, *told, closing])
