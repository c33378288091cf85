"""Every closed vocabulary of xzzf, each one enum: the code (what JSON and the store keep)
and the Chinese label (what every person reads: 回执, mails, workbooks, artifacts, logs).
The labels of file and unit statuses are operations.md's table."""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A code that carries its Chinese label."""

    def __new__(cls, code: str, label: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def label_of(cls, code: str) -> str:
        return cls(code).label


class FileStatus(Labelled):
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "退回"
    SUPERSEDED = "superseded", "已被更正"
    DUPLICATE = "duplicate", "重复"
    IGNORED = "ignored", "忽略"
    PENDING = "pending", "待处理（文件仍在写入）"
    NOT_ARRIVED = "not_arrived", "未到达（晚于数据截至日期）"
    WITHDRAWN = "withdrawn", "已撤销"


# A file that was accepted counts for timeliness even after a correction replaced it.
EVER_ACCEPTED = (FileStatus.ACCEPTED, FileStatus.SUPERSEDED)


class UnitStatus(Labelled):
    ON_TIME = "on_time", "按时"
    LATE = "late", "逾期"
    MISSING = "missing", "未报送"
    REJECTED = "rejected", "退回"
    NOT_DUE = "not_due", "未到期"
    EXEMPT = "exempt", "免报"


class AdjustmentKind(Labelled):
    """What the 司法局 decided about a unit's month, or a period's stored files (operations: 调整记录)."""

    EXTENSION = "extension", "延期"
    EXEMPTION = "exemption", "免报"
    WITHDRAWAL = "withdrawal", "撤销受理"
    RECHECK = "recheck", "复核"
    REVOCATION = "revocation", "撤回决定"
    VERIFICATION = "verification", "已核实"  # a data-quality signal confirmed: the numbers are right


class MailStatus(Labelled):
    """What became of a mail: the ledger's status, or what a run did with it."""

    SENT = "sent", "已发送"
    WRITTEN = "written", "已写入文件，未发送（未设置邮件服务器或没有收件人）"
    UNSENT = "unsent", "未能发送（已保存，下次运行重发）"
    DEFERRED = "deferred", "部分收件人暂时拒收（下次运行重发）"
    ALREADY_SENT = "already-sent", "此前已发送，未重发"
    DRY_RUN = "dry-run", "试运行，不发送"


class RunEnd(Labelled):
    """How a run ends when it is neither plainly done nor a defect: the name of its state in
    the Prefect run list, and what the command line's exit code follows."""

    REFUSED = "refused", "已拒绝"  # the request cannot be done as asked: the message says why and what to do
    STORE_BUSY = "store-busy", "数据库被占用"  # another run held the store for longer than this one waits
    MAIL_UNSENT = "mail-unsent", "邮件未发送"  # its work done and kept, its own mail not sent
    NO_MAIL_SERVER = "no-mail-server", "未配置邮件"  # its work done, its mail only written to files


class Health(Labelled):
    """What `xzzf doctor` found of one thing a run needs; `mark` starts its line."""

    OK = "ok", "正常"
    WARNING = "warning", "警告"  # works, but not as it should (no mail server: mail only written to files)
    FAILED = "failed", "未通过"  # a run would fail, or do less than it should: the line says what to do
    SKIPPED = "skipped", "未检查"  # what it rests on failed (no store: no plan to read)

    @property
    def mark(self) -> str:
        return {"ok": "✔", "warning": "⚠", "failed": "✘", "skipped": "–"}[self.value]


class TaskStatus(Labelled):
    DONE = "done", "已完成"
    DONE_LATE = "done_late", "逾期完成"
    OVERDUE = "overdue", "逾期未完成"
    ONGOING = "ongoing", "长期坚持"
    ON_TRACK = "on_track", "按期推进"
    NOT_DUE = "not_due", "未到期"


class DecisionCategory(StrEnum):
    """执法类别, as the clerk types it."""

    PENALTY = "行政处罚"
    LICENSE = "行政许可"
    COERCION = "行政强制"
    INSPECTION = "行政检查"
    REQUISITION = "行政征收征用"
    CONFIRMATION = "行政确认"
    OTHER = "其他"


class Publication(StrEnum):
    """公开状态, as the clerk types it."""

    UNPUBLISHED = "未公开"
    PUBLISHED = "已公开"
    WITHDRAWN = "已下撤"


class Progress(StrEnum):
    """进展状态 of a task, as the clerk types it."""

    NOT_STARTED = "未启动"
    UNDERWAY = "推进中"
    DONE = "已完成"
    ONGOING = "长期坚持"


class IndicatorKind(StrEnum):
    """What a figure of indicators.md is a number of: how it is shown, and how its 同比 is said."""

    COUNT = "count"  # a whole number of things, in its unit (人, 件, 个, 次, 份)
    RATE = "rate"  # a share, kept as a fraction, shown in %; its change is in 个百分点
    AVERAGE = "average"  # a mean per person (学时), to one decimal
    MONEY = "money"  # 元, kept exact as a decimal string
    BREAKDOWN = "breakdown"  # an object: category → count
    TASKS = "tasks"  # a list of task numbers


class SignalKind(Labelled):
    """A data-quality signal (xzzf.signals): a number that passes every rule and may still be
    wrong. Never an error: the file is accepted and the signal is a 提醒 until it is settled."""

    TOTAL = "total", "本月合计与历史差异大"
    AMOUNT = "amount", "金额异常偏大"
    DUPLICATE_DECISION = "duplicate_decision", "决定文书号在两个单位重复"
    PERSON_TWO_UNITS = "person_two_units", "同一执法证号在两个单位在岗"
    PERSON_TWO_NAMES = "person_two_names", "同一执法证号对应两个姓名"
    COPIED_MONTH = "copied_month", "台账与上月完全相同"
    ISSUED_YEAR = "issued_year", "改变已出具的年度报告"


class SignalState(Labelled):
    """Where a stored signal stands: open until a later file of its unit changes the value
    (closed by the correction) or the 司法局 records 已核实 (closed by that decision)."""

    OPEN = "open", "待核实"
    CORRECTED = "corrected", "已更正"
    VERIFIED = "verified", "已核实"
