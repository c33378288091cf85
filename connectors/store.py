"""The store: SQLite file by default, PostgreSQL in production (SQLAlchemy 2, Alembic).

Everything one intake run records (the scan, new submissions, their rows, supersessions)
is written in one transaction: a run that fails or is killed leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, func, insert, select, update

from connectors.store_schema import data_tables, scans, submissions

MIGRATIONS = Path(__file__).parent / "migrations"


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


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def last_scan(self) -> dt.datetime | None:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(scans.c.scanned_at))).scalar()

    def known(self) -> dict[tuple[str, str], StoredSubmission]:
        """Every file ever recorded, by (unit folder, SHA-256)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(*_STORED_COLUMNS)).all()
        return {(r.folder, r.sha256): StoredSubmission(**r._mapping) for r in rows}

    def record_scan(self, scanned_at: dt.datetime, new: Iterable[NewSubmission]) -> None:
        """Record a scan and its new files in one transaction, then settle which accepted
        submission is in force for every (unit, period) it touched."""
        with self.engine.begin() as connection:
            scan_id = connection.execute(insert(scans).values(scanned_at=scanned_at)).inserted_primary_key[0]
            touched = set()
            for item in new:
                submission_id = connection.execute(insert(submissions).values(
                    folder=item.folder, sha256=item.sha256, path=item.path, size=item.size,
                    mtime=item.mtime, arrival_at=item.arrival_at, scan_id=scan_id,
                    unit_code=item.unit_code, period=item.period, fill_date=item.fill_date,
                    status="accepted" if item.accepted else "rejected",
                    info=item.info, errors=item.errors, warnings=item.warnings,
                )).inserted_primary_key[0]
                if item.accepted:
                    self._insert_rows(connection, submission_id, item.rows)
                    touched.add((item.unit_code, item.period))
            for unit_code, period in sorted(touched):
                _settle_in_force(connection, unit_code, period)

    @staticmethod
    def _insert_rows(connection: Connection, submission_id: int, rows: dict[str, list[dict]]):
        for table_name, records in rows.items():
            if records:
                connection.execute(
                    insert(data_tables[table_name]),
                    [{**record, "submission_id": submission_id} for record in records],
                )

    def submissions_for(self, period: str) -> list[StoredSubmission]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(*_STORED_COLUMNS).where(submissions.c.period == period)
            ).all()
        return [StoredSubmission(**r._mapping) for r in rows]

    def rows(self, table_name: str, *, in_force_only: bool = True) -> list[dict]:
        """A data table's rows with their submission's unit and period."""
        table = data_tables[table_name]
        query = select(table, submissions.c.unit_code, submissions.c.period).join(submissions)
        if in_force_only:
            query = query.where(submissions.c.status == "accepted")
        with self.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(query.order_by(table.c.id))]


_STORED_COLUMNS = (
    submissions.c.id, submissions.c.folder, submissions.c.sha256, submissions.c.path,
    submissions.c.arrival_at, submissions.c.unit_code, submissions.c.period,
    submissions.c.fill_date, submissions.c.status, submissions.c.errors, submissions.c.warnings,
)


def _settle_in_force(connection: Connection, unit_code: str, period: str) -> None:
    """The latest accepted file is in force (arrival, then 填报日期, then SHA-256);
    the others are superseded."""
    candidates = connection.execute(
        select(submissions.c.id, submissions.c.arrival_at, submissions.c.fill_date,
               submissions.c.sha256)
        .where(submissions.c.unit_code == unit_code, submissions.c.period == period,
               submissions.c.status.in_(("accepted", "superseded")))
    ).all()
    latest = max(candidates, key=lambda r: (r.arrival_at, r.fill_date or dt.date.min, r.sha256))
    scope = (submissions.c.unit_code == unit_code) & (submissions.c.period == period)
    connection.execute(update(submissions).where(
        scope, submissions.c.status == "accepted", submissions.c.id != latest.id
    ).values(status="superseded"))
    connection.execute(update(submissions).where(submissions.c.id == latest.id)
                       .values(status="accepted"))
