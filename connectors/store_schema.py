"""Database tables of the store; the data tables follow the sheet schema column for column."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)

from xzzf.schema import SHEETS, Kind

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s", "pk": "pk_%(table_name)s",
})


class UtcDateTime(TypeDecorator):
    """Aware datetimes stored as naive UTC, read back aware: SQLite keeps no zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value is not None else None

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=dt.UTC) if value is not None else None


scans = Table(
    "scans", metadata,
    Column("id", Integer, primary_key=True),
    Column("scanned_at", UtcDateTime, nullable=False, index=True),
)

# One row per distinct file content per unit folder: the same bytes are one submission.
submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("folder", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("path", Text, nullable=False),  # first path it was seen at, relative to the inbox
    Column("size", Integer, nullable=False),
    Column("mtime", UtcDateTime, nullable=False),
    Column("arrival_at", UtcDateTime, nullable=False),
    Column("scan_id", ForeignKey("scans.id"), nullable=False),
    Column("unit_code", String(64), index=True),
    Column("period", String(7), index=True),
    Column("fill_date", Date),
    Column("status", String(16), nullable=False),  # accepted | rejected | superseded
    Column("info", JSON, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("readable", Boolean, nullable=False, server_default=false()),  # opened: an annotated copy can be made
    # NULL until the file's 回执 is written and its mail queued: recorded in the same
    # transaction as the file, so a crash after the commit still owes it to the next run.
    Column("receipt_at", UtcDateTime, index=True),
    UniqueConstraint("folder", "sha256"),
)

# Every email the pipeline owes: sent once per key unless a run asks to resend.
emails = Table(
    "emails", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(128), nullable=False, unique=True),  # e.g. summary/2026-10
    Column("subject", Text, nullable=False),
    Column("recipients", JSON, nullable=False),
    Column("eml_path", Text, nullable=False),  # the message as built, kept under <out>/outbox
    Column("status", String(16), nullable=False),  # sent | unsent | written (no SMTP host)
    # The server answers for each recipient: those it accepted never get the mail again,
    # those it refused for good (5xx: address → reply) are reported once and not retried.
    Column("delivered_to", JSON, nullable=False, server_default="[]"),
    Column("refused", JSON, nullable=False, server_default="{}"),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Each annual report as issued: what was sent, to compare later figures against.
issued_reports = Table(
    "issued_reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("as_of", Date, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("files", JSON, nullable=False),  # file name → SHA-256
    Column("figures", JSON, nullable=False),  # figures-<Y>.json as issued
)

# The 司法局's decisions, 调整记录 (延期, 免报, 撤销受理, 撤回决定): records, never edited or deleted;
# one is undone only by a later decision that revokes it (xzzf.adjustments).
adjustments = Table(
    "adjustments", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("unit_code", String(64), nullable=False, index=True),
    Column("period", String(7), nullable=False),
    Column("reason", Text, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("until", Date),
    Column("submission_id", ForeignKey("submissions.id")),
    Column("revokes", ForeignKey("adjustments.id")),
    Column("changes", Text, nullable=False),
    Column("signal_id", ForeignKey("signals.id")),  # 已核实: the signal confirmed
)

# Data-quality signals (xzzf.signals), raised on an accepted file when it is recorded: open
# until a later file of its unit for the month replaces it (corrected) — 已核实 is a decision,
# and its state here follows the decisions in force, as a withdrawn file's status does.
signals = Table(
    "signals", metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", ForeignKey("submissions.id"), nullable=False, index=True),
    Column("unit_code", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("sheet", String(32)),
    Column("row", Integer),
    Column("column", String(32)),
    Column("value", Text),
    Column("message", Text, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False, index=True),  # open | corrected | verified
    Column("closed_at", UtcDateTime),
)

# What a 复核 decision changed, file by file: the outcome it replaced and the one it gave. The
# file's row in submissions holds the outcome in force; this keeps every earlier one, so a
# revocation of the 复核 can put it back and the 调整记录 can say what was judged before.
rejudgements = Table(
    "rejudgements", metadata,
    Column("id", Integer, primary_key=True),
    Column("adjustment_id", ForeignKey("adjustments.id"), nullable=False, index=True),
    Column("submission_id", ForeignKey("submissions.id"), nullable=False, index=True),
    Column("before", JSON, nullable=False),  # status, period, fill_date, info, errors, warnings, readable
    Column("after", JSON, nullable=False),  # the same, as the 复核 judged it
)

# Each imported plan (任务分工方案): a record, never edited; an import for years a plan already
# covers replaces it from a month (`from_period`), naming the plan it replaces, who and why.
plans = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("year_from", Integer, nullable=False),
    Column("year_to", Integer, nullable=False),
    Column("from_period", String(7), nullable=False),
    Column("tasks", JSON, nullable=False),  # the parsed tasks, as tasks.yaml entries
    Column("source_name", Text, nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("replaces", Integer),  # the plan number it replaces (0: the shipped seed plan)
)

_TYPES = {
    Kind.TEXT: Text, Kind.IDENT: String(128), Kind.ENUM: String(32), Kind.YESNO: Boolean,
    Kind.DATE: Date, Kind.NUMBER: Float, Kind.INTEGER: Integer, Kind.MONEY: Numeric(18, 2),
}

data_tables = {
    sheet.name: Table(
        sheet.name, metadata,
        Column("id", Integer, primary_key=True),
        Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"),
               nullable=False, index=True),
        Column("excel_row", Integer, nullable=False),
        *(Column(column.name, _TYPES[column.kind]) for column in sheet.columns),
    )
    for sheet in SHEETS
}
