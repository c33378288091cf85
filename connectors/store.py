"""The store: SQLite file by default, PostgreSQL in production (SQLAlchemy 2, Alembic).

Everything one intake run records (the scan, new submissions, their rows, supersessions)
is written in one transaction: a run that fails or is killed leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Table, create_engine, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from connectors.store_lock import StoreLock, hold
from connectors.store_schema import (
    adjustments,
    data_tables,
    emails,
    issued_reports,
    plans,
    rejudgements,
    scans,
    signals,
    submissions,
)
from xzzf.adjustments import Adjustment, standing
from xzzf.catalog import tasks_from_entries
from xzzf.intake import SubmissionFact, arrival_time, recency
from xzzf.plans import Plan
from xzzf.signals import Signal
from xzzf.vocabulary import EVER_ACCEPTED, AdjustmentKind, FileStatus, SignalState

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@dataclass(frozen=True)
class StoredSubmission:
    id: int
    folder: str
    sha256: str
    path: str
    arrival_at: dt.datetime
    unit_code: str | None
    period: str | None
    fill_date: dt.date | None
    status: str
    errors: list[dict]
    warnings: list[dict]
    readable: bool
    info: dict


@dataclass(frozen=True)
class NewSubmission:
    """A file read for the first time, with its outcome and (when accepted) its rows."""

    folder: str
    sha256: str
    path: str
    size: int
    mtime: dt.datetime
    arrival_at: dt.datetime
    unit_code: str | None
    period: str | None
    fill_date: dt.date | None
    accepted: bool
    info: dict
    errors: list[dict]
    warnings: list[dict]
    rows: dict[str, list[dict]]  # table name → records (internal column names, excel_row)
    readable: bool = False  # opened and parsed: its 回执 may include an annotated copy
    signals: tuple[Signal, ...] = ()  # its data-quality signals (xzzf.signals), when accepted


@dataclass(frozen=True)
class StoredSignal:
    id: int
    submission_id: int
    unit_code: str
    period: str
    kind: str
    subject: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    raised_at: dt.datetime
    state: str  # a SignalState code
    closed_at: dt.datetime | None


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        from alembic import command

        config = _alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def revisions(self) -> tuple[str | None, list[str]]:
        """The store's schema revision (None: no tables yet) and this program's revisions,
        oldest first (the last is the newest, `head`); read only: nothing is created or upgraded."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        known = [r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()]
        return current, known[::-1]

    def last_scan(self, at: dt.datetime | None = None) -> dt.datetime | None:
        """The latest scan at or before `at` (a scan being made): a scan dated later, by a run
        given a future as-of, must not make files seen now arrive on that future day."""
        query = select(func.max(scans.c.scanned_at))
        if at is not None:
            query = query.where(scans.c.scanned_at <= at)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def known(self) -> dict[tuple[str, str], StoredSubmission]:
        """Every file ever recorded, by (unit folder, SHA-256)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(*_STORED_COLUMNS)).all()
        return {(r.folder, r.sha256): StoredSubmission(**r._mapping) for r in rows}

    def record_scan(self, scanned_at: dt.datetime, new: Iterable[NewSubmission]) -> None:
        """Record a scan and its new files in one transaction, then settle which accepted
        submission is in force for every (unit, period) it touched."""
        new = list(new)
        with self.engine.begin() as connection:
            scan_id = connection.execute(insert(scans).values(scanned_at=scanned_at)).inserted_primary_key[0]
            ids = _insert_submissions(connection, scan_id, new) if new else []
            rows: dict[str, list[tuple[int, list[dict]]]] = {}
            for submission_id, item in zip(ids, new, strict=True):
                for table_name, records in item.rows.items() if item.accepted else ():
                    if records:
                        rows.setdefault(table_name, []).append((submission_id, records))
            self._insert_rows(connection, rows)
            _raise(connection, scanned_at, {i: item for i, item in zip(ids, new, strict=True) if item.accepted})
            _settle_in_force(connection, {(i.unit_code, i.period) for i in new if i.accepted})
            # A later file of the unit for the month changes the value: its signals are settled
            # (the new file raised its own where the value stayed).
            superseded = select(submissions.c.id).where(submissions.c.status == FileStatus.SUPERSEDED)
            connection.execute(update(signals).where(signals.c.state == SignalState.OPEN,
                                                     signals.c.submission_id.in_(superseded))
                               .values(state=SignalState.CORRECTED, closed_at=scanned_at))

    def signals(self) -> list[StoredSignal]:
        """Every signal ever raised, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(signals).order_by(signals.c.id)).all()
        return [StoredSignal(**r._mapping) for r in rows]

    @staticmethod
    def _insert_rows(connection: Connection, rows: dict[str, list[tuple[int, list[dict]]]]) -> None:
        """Every new row of a table in one bulk write; `rows` gives each table's records file by
        file, with the file's submission id (not copied into each record: a year is a million)."""
        for table_name, files in rows.items():
            records = [record for _, file_records in files for record in file_records]
            # Every record of a table carries the same columns (the reader fills each one).
            columns = {"submission_id": [i for i, file_records in files for _ in file_records]}
            columns.update((name, [record[name] for record in records]) for name in records[0])
            bulk_insert(connection, data_tables[table_name], columns)

    def lock(self, name: str, wait_s: float, started: dt.datetime) -> StoreLock:
        """Hold the store for one run (`with store.lock(...)`), so that two runs never record,
        or check a ledger then send, at the same time; wait up to `wait_s` for the run that
        holds it, then raise StoreBusy naming that run. The kernel or the database lets go of
        it when the process dies, even by kill -9."""
        return hold(self.engine, self.url, name, wait_s, started)

    def repair_future_scans(self, limit: dt.datetime) -> ScanRepair:
        """Undo what runs dated after `limit` (the latest a run may be dated) did, in one
        transaction. Each such scan is re-dated to the latest time it is known to have happened
        by: the latest scan before it, or its newest file's mtime (removed when it has neither:
        it recorded nothing). Each file whose arrival such a scan raised arrives again by the
        intake's rule, its mtime but never before the latest scan before its own; then the file
        in force for its (unit, period) is settled again."""
        with self.engine.begin() as connection:
            history = connection.execute(select(scans).order_by(scans.c.id)).all()
            future = {row.id: row.scanned_at for row in history if row.scanned_at > limit}
            if not future:
                return ScanRepair([], [])
            files = connection.execute(
                select(submissions.c.id, submissions.c.path, submissions.c.scan_id, submissions.c.mtime,
                       submissions.c.arrival_at, submissions.c.unit_code, submissions.c.period)
                .where(submissions.c.scan_id.in_(list(future)) | submissions.c.arrival_at.in_(list(future.values())))
                .order_by(submissions.c.id)).all()
            before: dict[int, dt.datetime | None] = {}  # scan id → the latest scan before it, repaired
            latest, redated = None, []
            for row in history:
                before[row.id] = latest
                at = row.scanned_at
                if row.id in future:
                    # Its own files were there when it ran: their mtimes bound it (a future mtime
                    # is another machine's clock, not a later scan).
                    known = [latest, *(min(f.mtime, limit) for f in files if f.scan_id == row.id)]
                    at = max((t for t in known if t is not None), default=None)
                    where = scans.c.id == row.id
                    connection.execute(delete(scans).where(where) if at is None
                                       else update(scans).where(where).values(scanned_at=at))
                    redated.append((row.scanned_at, at))
                latest = max((t for t in (latest, at) if t is not None), default=None)
            raised = [f for f in files if f.arrival_at in future.values() and f.arrival_at > f.mtime]
            arrivals = []
            for f in raised:
                arrival = arrival_time(f.mtime, before[f.scan_id])
                connection.execute(update(submissions).where(submissions.c.id == f.id).values(arrival_at=arrival))
                arrivals.append((f.path, f.arrival_at, arrival))
            _settle_in_force(connection, {(f.unit_code, f.period) for f in raised if f.unit_code and f.period})
        return ScanRepair(redated, arrivals)

    def owed_receipts(self) -> list[StoredSubmission]:
        """Files whose 回执 is not written and queued yet, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(*_STORED_COLUMNS).where(submissions.c.receipt_at.is_(None))
                                      .order_by(submissions.c.id)).all()
        return [StoredSubmission(**r._mapping) for r in rows]

    def settle_receipts(self, ids: Iterable[int], at: dt.datetime, mails: Iterable[dict]) -> None:
        """In one transaction: these files' 回执 are written, and their mail is owed."""
        with self.engine.begin() as connection:
            connection.execute(update(submissions).where(submissions.c.id.in_(list(ids))).values(receipt_at=at))
            for mail in mails:
                _save_email(connection, **mail)

    def email(self, key: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(emails).where(emails.c.key == key)).first()
        return dict(row._mapping) if row else None

    def unsent_emails(self) -> list[dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(emails).where(emails.c.status == "unsent").order_by(emails.c.id))
            return [dict(r._mapping) for r in rows]

    def save_email(self, key: str, **values) -> None:
        """Insert or update the ledger line of one email."""
        with self.engine.begin() as connection:
            _save_email(connection, key, **values)

    def latest_issued(self, year: int) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(issued_reports).where(issued_reports.c.year == year)
                                     .order_by(issued_reports.c.id.desc())).first()
        return dict(row._mapping) if row else None

    def record_issued(self, year: int, as_of: dt.date, issued_at: dt.datetime, files: dict, figures: dict) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(issued_reports).values(year=year, as_of=as_of, issued_at=issued_at,
                                                             files=files, figures=figures))

    def plans(self) -> list[Plan]:
        """Every imported plan, replaced ones included, in the order imported."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(plans).order_by(plans.c.id)).all()
        return [Plan(r.name, (r.year_from, r.year_to), tasks_from_entries(r.tasks), r.from_period, r.id,
                     r.source_name, r.source_sha256, r.imported_at, r.operator, r.reason, r.replaces)
                for r in rows]

    def record_plan(self, plan: Plan, entries: list[dict]) -> int:
        """Store an imported plan (its tasks as `entries`); its number."""
        with self.engine.begin() as connection:
            return connection.execute(insert(plans).values(
                name=plan.name, year_from=plan.years[0], year_to=plan.years[1], from_period=plan.from_period,
                tasks=entries, source_name=plan.source, source_sha256=plan.sha256, imported_at=plan.imported_at,
                operator=plan.operator, reason=plan.reason, replaces=plan.replaces)).inserted_primary_key[0]

    def adjustments(self) -> list[Adjustment]:
        """Every decision ever made, revoked ones and revocations included, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(adjustments).order_by(adjustments.c.id)).all()
        return [Adjustment(**{**r._mapping, "kind": AdjustmentKind(r.kind)}) for r in rows]

    def record_adjustment(self, **values) -> Adjustment:
        """Record one decision (a Adjustment's fields but its id) and, in the same transaction,
        the file statuses it changes now: a withdrawn file is 已撤销, and for its unit-period
        the latest other accepted file is in force again (or again not, when revoked)."""
        with self.engine.begin() as connection:
            number = connection.execute(insert(adjustments).values(**values)).inserted_primary_key[0]
            rows = connection.execute(select(adjustments)).all()
            made = [Adjustment(**{**r._mapping, "kind": AdjustmentKind(r.kind)}) for r in rows]
            withdrawn = standing(made, dt.datetime.max.replace(tzinfo=dt.UTC)).withdrawn
            marked = connection.execute(select(submissions.c.id).where(
                submissions.c.status == FileStatus.WITHDRAWN)).scalars().all()
            restored = set(marked) - withdrawn
            if restored:  # accepted again; which one is in force is settled below
                connection.execute(update(submissions).where(submissions.c.id.in_(restored))
                                   .values(status=FileStatus.ACCEPTED))
            if withdrawn:
                connection.execute(update(submissions).where(submissions.c.id.in_(withdrawn))
                                   .values(status=FileStatus.WITHDRAWN))
            _settle_verified(connection, made, values["decided_at"])
            touched = {(values["unit_code"], values["period"])}
            revoked = next((d for d in made if d.id == values.get("revokes")), None)
            if revoked and revoked.kind == AdjustmentKind.RECHECK:
                touched |= self._undo_recheck(connection, revoked.id)
            _settle_in_force(connection, touched)
        return next(d for d in made if d.id == number)

    def judged_files(self, period: str, unit_code: str | None = None,
                     path: str | None = None) -> list[tuple[StoredSubmission, int, dt.datetime, dt.datetime]]:
        """The stored files of a period (of one unit, at one path) that a 复核 re-judges, each
        with its size, mtime and the as-of time of the scan that recorded it; withdrawn files
        stand by their decision and are left out."""
        query = (select(*_STORED_COLUMNS, submissions.c.size, submissions.c.mtime, scans.c.scanned_at)
                 .join(scans, scans.c.id == submissions.c.scan_id)
                 .where(submissions.c.period == period, submissions.c.unit_code.is_not(None),
                        submissions.c.status != FileStatus.WITHDRAWN).order_by(submissions.c.id))
        if unit_code:
            query = query.where(submissions.c.unit_code == unit_code)
        if path:
            query = query.where(submissions.c.path == path)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        stored = len(_STORED_COLUMNS)
        return [(StoredSubmission(**dict(zip(r._fields[:stored], r[:stored], strict=True))), *r[stored:])
                for r in rows]

    def record_recheck(self, judged: dict[int, NewSubmission], **values) -> Adjustment:
        """Record a 复核 (an Adjustment's fields but its id) and, in the same transaction, the
        new outcome of each file it changed (`judged`, by submission id), as if the file had
        been judged so when it arrived: its status, period, messages and, when accepted, its
        rows; the outcome it replaces is kept in rejudgements. Then which file is in force is
        settled again for every unit-period touched."""
        with self.engine.begin() as connection:
            number = connection.execute(insert(adjustments).values(**values)).inserted_primary_key[0]
            touched = set()
            for submission_id, new in judged.items():
                before = _outcome(connection.execute(select(submissions).where(
                    submissions.c.id == submission_id)).one())
                after = {"status": FileStatus.ACCEPTED if new.accepted else FileStatus.REJECTED,
                         "period": new.period, "fill_date": new.fill_date, "info": new.info,
                         "errors": new.errors, "warnings": new.warnings, "readable": new.readable}
                connection.execute(insert(rejudgements).values(
                    adjustment_id=number, submission_id=submission_id,
                    before=_jsonable(before), after=_jsonable(after)))
                self._set_outcome(connection, submission_id, after, new.rows if new.accepted else None)
                touched |= {(new.unit_code, before["period"]), (new.unit_code, new.period)}
            _raise(connection, values["decided_at"], {i: new for i, new in judged.items() if new.accepted})
            _settle_in_force(connection, touched)
        return next(a for a in self.adjustments() if a.id == number)

    def _set_outcome(self, connection: Connection, submission_id: int, outcome: dict,
                     rows: dict[str, list[dict]] | None) -> None:
        """A file's outcome replaced; its rows replaced by `rows` when given (an accepted
        outcome), else kept (a file judged rejected counts for nothing: rows are read only
        for the files in force)."""
        connection.execute(update(submissions).where(submissions.c.id == submission_id).values(**outcome))
        if rows is not None:
            for table in data_tables.values():
                connection.execute(delete(table).where(table.c.submission_id == submission_id))
            self._insert_rows(connection, {name: [(submission_id, records)]
                                           for name, records in rows.items() if records})

    def _undo_recheck(self, connection: Connection, adjustment_id: int) -> set[tuple[str, str]]:
        """Each file a revoked 复核 changed gets back the outcome it replaced (its rows were
        kept); the unit-periods touched."""
        touched = set()
        for row in connection.execute(select(rejudgements).where(rejudgements.c.adjustment_id == adjustment_id)
                                      .order_by(rejudgements.c.id.desc())).all():
            unit, status = connection.execute(select(submissions.c.unit_code, submissions.c.status).where(
                submissions.c.id == row.submission_id)).one()
            if status == FileStatus.WITHDRAWN:  # withdrawn since: that decision stands
                continue
            before = {**row.before, "fill_date": _date(row.before["fill_date"])}
            self._set_outcome(connection, row.submission_id, before, None)
            touched |= {(unit, row.before["period"]), (unit, row.after["period"])}
        return touched

    def rejudged(self, adjustment_id: int) -> list[tuple[int, dict, dict]]:
        """What a 复核 changed: (submission id, outcome before, outcome after), in order."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(rejudgements).where(rejudgements.c.adjustment_id == adjustment_id)
                                      .order_by(rejudgements.c.id)).all()
        return [(r.submission_id, r.before, r.after) for r in rows]

    def submissions_by_id(self, ids: Collection[int]) -> list[StoredSubmission]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(*_STORED_COLUMNS).where(submissions.c.id.in_(list(ids)))
                                      .order_by(submissions.c.id)).all()
        return [StoredSubmission(**r._mapping) for r in rows]

    def submissions_for(self, period: str) -> list[StoredSubmission]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(*_STORED_COLUMNS).where(submissions.c.period == period)
            ).all()
        return [StoredSubmission(**r._mapping) for r in rows]

    def paths(self, ids: Collection[int]) -> dict[int, str]:
        """Each file's path in the inbox, by id (what a 回执 names another file by)."""
        with self.engine.connect() as connection:
            return dict(connection.execute(select(submissions.c.id, submissions.c.path)
                                           .where(submissions.c.id.in_(list(ids)))).all())

    def facts(self) -> list[SubmissionFact]:
        """What the as-of rules (xzzf.intake.as_of_view) need of every file of a unit."""
        query = select(submissions.c.id, submissions.c.unit_code, submissions.c.period, submissions.c.status,
                       submissions.c.arrival_at, submissions.c.fill_date, submissions.c.sha256
                       ).where(submissions.c.unit_code.is_not(None))
        with self.engine.connect() as connection:
            return [SubmissionFact(**r._mapping) for r in connection.execute(query)]

    def rows(self, table_name: str, submission_ids: Collection[int] | None = None) -> list[dict]:
        """A data table's rows with their submission's unit and period: of the given files
        (an as-of view's in-force ones), or of the files in force now."""
        table = data_tables[table_name]
        query = select(table, submissions.c.unit_code, submissions.c.period).join(submissions)
        if submission_ids is None:
            query = query.where(submissions.c.status == FileStatus.ACCEPTED)
        else:
            query = query.where(submissions.c.id.in_(list(submission_ids)))
        with self.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(query.order_by(table.c.id))]

    def frame(self, table_name: str, columns: Iterable[str], submission_ids: Collection[int]) -> pd.DataFrame:
        """Some columns of a data table's rows, with their submission's unit_code and period
        first, of the given files (an as-of view's in-force ones), in the order they were
        stored: the frame rows() as records would give for those columns, built from tuples
        (a district-year is a million rows: a dict each costs seconds and hundreds of MB)."""
        table, columns, ids = data_tables[table_name], list(columns), list(submission_ids)
        query = select(table.c.submission_id, *(table.c[name] for name in columns)).where(
            table.c.submission_id.in_(ids)).order_by(table.c.id)
        with self.engine.connect() as connection:
            files = {row.id: (row.unit_code, row.period) for row in connection.execute(
                select(submissions.c.id, submissions.c.unit_code, submissions.c.period).where(
                    submissions.c.id.in_(ids)))}
            # Each row shares its file's unit_code and period strings rather than a copy of
            # its own (some 100 MB at a million rows).
            rows = [(*files[row[0]], *row[1:]) for row in connection.execute(query)]
        return pd.DataFrame.from_records(rows, columns=["unit_code", "period", *columns])


_OUTCOME = ("status", "period", "fill_date", "info", "errors", "warnings", "readable")


def _outcome(row) -> dict:
    """A file's outcome as its submissions row holds it."""
    return {name: getattr(row, name) for name in _OUTCOME}


def _jsonable(outcome: dict) -> dict:
    return {**outcome, "fill_date": outcome["fill_date"].isoformat() if outcome["fill_date"] else None}


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _save_email(connection: Connection, key: str, **values) -> None:
    if connection.execute(select(emails.c.id).where(emails.c.key == key)).first():
        connection.execute(update(emails).where(emails.c.key == key).values(**values))
    else:
        connection.execute(insert(emails).values(key=key, **values))


def _insert_submissions(connection: Connection, scan_id: int, new: list[NewSubmission]) -> list[int]:
    """Insert the files in one bulk write; their ids, in order. A bulk write returns no ids,
    so they are taken first: on PostgreSQL from the table's sequence; on SQLite they are the
    ones it would give (the largest id plus one, and so on: no AUTOINCREMENT), which no other
    writer can take, the transaction holding the database's write lock since the scan's row."""
    if connection.dialect.name == "postgresql":
        ids = sorted(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": submissions.name, "n": len(new)}).scalars())
    else:
        first = connection.execute(select(func.coalesce(func.max(submissions.c.id), 0))).scalar() + 1
        ids = list(range(first, first + len(new)))
    columns = {"id": ids, "scan_id": [scan_id] * len(new),
               "status": [FileStatus.ACCEPTED if i.accepted else FileStatus.REJECTED for i in new]}
    columns.update((name, [getattr(i, name) for i in new]) for name in (
        "folder", "sha256", "path", "size", "mtime", "arrival_at", "unit_code", "period", "fill_date",
        "info", "errors", "warnings", "readable"))
    bulk_insert(connection, submissions, columns)
    return ids


def bulk_insert(connection: Connection, table: Table, columns: dict[str, list]) -> None:
    """Insert rows given column by column, in the connection's transaction, through the
    driver's bulk path: COPY on PostgreSQL (psycopg 3), one prepared executemany on SQLite.
    SQLAlchemy's insert of a list of dicts spends most of a load building each row's
    parameters; here each value still goes through its column type's own conversion (money
    as SQLite stores it, dates, JSON, naive UTC times), so what is stored is the same."""
    dialect = connection.dialect
    values = []
    for name, column in columns.items():
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values.append(column if convert is None else map(convert, column))
    rows = zip(*values, strict=True)
    quote = dialect.identifier_preparer.quote
    target = f"{dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, columns))})"
    if dialect.name != "postgresql":
        connection.exec_driver_sql(f"INSERT INTO {target} VALUES ({', '.join(['?'] * len(columns))})", list(rows))
        return
    statement = f"COPY {target} FROM STDIN"
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy raises it for its own statements: a duplicate is an IntegrityError.
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect) from error


_STORED_COLUMNS = (
    submissions.c.id, submissions.c.folder, submissions.c.sha256, submissions.c.path,
    submissions.c.arrival_at, submissions.c.unit_code, submissions.c.period,
    submissions.c.fill_date, submissions.c.status, submissions.c.errors, submissions.c.warnings,
    submissions.c.readable, submissions.c.info,
)


def _settle_in_force(connection: Connection, touched: set[tuple[str, str]]) -> None:
    """For each touched (unit, period) the latest accepted file is in force (arrival, then
    填报日期, then SHA-256); the others are superseded."""
    if not touched:
        return
    candidates = connection.execute(
        select(submissions.c.id, submissions.c.unit_code, submissions.c.period, submissions.c.arrival_at,
               submissions.c.fill_date, submissions.c.sha256)
        .where(submissions.c.unit_code.in_({unit for unit, _ in touched}),
               submissions.c.period.in_({period for _, period in touched}),
               submissions.c.status.in_(EVER_ACCEPTED))
    ).all()
    latest: dict[tuple[str, str], object] = {}
    for row in candidates:
        key = (row.unit_code, row.period)
        if key in touched and (key not in latest or recency(row) > recency(latest[key])):
            latest[key] = row
    in_force = {row.id for row in latest.values()}
    others = [row.id for row in candidates if (row.unit_code, row.period) in touched and row.id not in in_force]
    if others:
        connection.execute(update(submissions).where(submissions.c.id.in_(others)).values(status=FileStatus.SUPERSEDED))
    connection.execute(update(submissions).where(submissions.c.id.in_(in_force)).values(status=FileStatus.ACCEPTED))


def _raise(connection: Connection, at: dt.datetime, accepted: dict[int, NewSubmission]) -> None:
    """The data-quality signals of newly accepted files (by submission id), open from `at`. A
    file accepted again (a 复核 after a revoked one) keeps the signals it had: the same one is
    not raised twice."""
    had = {(r.submission_id, r.kind, r.subject, r.value or "") for r in connection.execute(
        select(signals.c.submission_id, signals.c.kind, signals.c.subject, signals.c.value)
        .where(signals.c.submission_id.in_(list(accepted))))} if accepted else set()
    raised = [{"submission_id": submission_id, "unit_code": s.unit, "period": s.period, "kind": str(s.kind),
               "subject": s.subject, "sheet": s.sheet, "row": s.row, "column": s.column, "value": s.value,
               "message": s.message, "raised_at": at, "state": SignalState.OPEN}
              for submission_id, item in accepted.items() for s in item.signals
              if (submission_id, str(s.kind), s.subject, s.value or "") not in had]
    if raised:
        connection.execute(insert(signals), raised)


def _settle_verified(connection: Connection, made: list[Adjustment], at: dt.datetime) -> None:
    """The signals 已核实 by a decision in force now are closed by it; one whose decision was
    revoked is open again (unless a later file has corrected it since)."""
    verified = standing(made, dt.datetime.max.replace(tzinfo=dt.UTC)).verified
    connection.execute(update(signals).where(signals.c.state == SignalState.VERIFIED, signals.c.id.not_in(verified))
                       .values(state=SignalState.OPEN, closed_at=None))
    if verified:
        connection.execute(update(signals).where(signals.c.state == SignalState.OPEN, signals.c.id.in_(verified))
                           .values(state=SignalState.VERIFIED, closed_at=at))


@dataclass(frozen=True)
class ScanRepair:
    """What repair_future_scans changed."""

    scans: list[tuple[dt.datetime, dt.datetime | None]]  # scan time → new time (None: removed)
    arrivals: list[tuple[str, dt.datetime, dt.datetime]]  # file path, arrival → new arrival
