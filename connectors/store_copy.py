"""The store copied whole, row for row, between databases: into a SQLite file (a backup),
from one (a restore), or from SQLite into PostgreSQL (`xzzf store copy`). Every copy goes
into an empty database brought to the newest schema by Alembic, table by table in the order
the foreign keys need, through the column types, so SQLite and PostgreSQL read alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text, update

from connectors.store import MIGRATIONS, Store, bulk_insert
from connectors.store_schema import emails, metadata

CHUNK = 20_000  # rows read and written at a time: a district-year is a million rows
VERSION_TABLE = "alembic_version"


def contents(engine: Engine) -> str | None:
    """Why the database is not empty, in Chinese; None when it is: no table but ours, and
    none of ours holding a row (a store a command only migrated is still empty)."""
    names = set(inspect(engine).get_table_names())
    others = sorted(names - set(metadata.tables) - {VERSION_TABLE})
    if others:
        return f"已有其他表（{'、'.join(others[:5])}{' 等' if len(others) > 5 else ''}）"
    filled = [name for name, count in counts(engine).items() if count]
    return f"已有数据（{'、'.join(filled[:5])}{' 等表' if len(filled) > 5 else ''}）" if filled else None


def counts(engine: Engine) -> dict[str, int]:
    """Rows in each of the store's tables that the database has."""
    names = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                for table in metadata.sorted_tables if table.name in names}


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def known_revision(number: str | None) -> bool:
    """Whether this version of xzzf knows the revision (a newer one made a backup it cannot read)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return number in {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def copy_rows(source: Store, target: Store) -> dict[str, int]:
    """Every row of `source` into the empty `target`, in one transaction on each side (the
    source read as of one moment); the rows copied, by table. The schema is made first at the
    newest revision; PostgreSQL's id sequences then continue after the copied ids."""
    target.migrate()
    copied = {}
    reading = source.engine.connect()
    if source.engine.dialect.name == "postgresql":  # every table read from the same snapshot
        reading = reading.execution_options(isolation_level="REPEATABLE READ")
    with reading, target.engine.begin() as writing:
        for table in metadata.sorted_tables:  # a row's foreign keys point at rows already copied
            copied[table.name] = 0
            result = reading.execution_options(yield_per=CHUNK).execute(select(table).order_by(*table.primary_key))
            for rows in result.partitions():
                bulk_insert(writing, table, {column.name: [row[i] for row in rows]
                                              for i, column in enumerate(table.columns)})
                copied[table.name] += len(rows)
        if writing.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                name = writing.dialect.identifier_preparer.format_table(table)
                writing.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                                     f"COALESCE(MAX(id), 0) + 1, false) FROM {name}"), {"table": name})
    return copied


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Every row of `source` into the empty `target`; the rows it then has, by table. SQLite
    into SQLite through SQLite's backup API (page for page, consistent while others read, the
    schema as it is: a copy many times faster than row by row); any other pair row for row
    (copy_rows)."""
    if source.engine.dialect.name != "sqlite" or target.engine.dialect.name != "sqlite":
        return copy_rows(source, target)
    target.engine.dispose()  # no connection of ours open on the file the backup replaces
    reading, writing = sqlite3.connect(source.engine.url.database), sqlite3.connect(target.engine.url.database)
    try:
        reading.backup(writing)
    finally:
        reading.close()
        writing.close()
    return counts(target.engine)


def move_mail_paths(store: Store, old: Path, new: Path) -> None:
    """Each ledgered mail's file (kept under <out>/outbox) where the restored output folder has it."""
    prefix = f"{old}/"
    with store.engine.begin() as connection:
        rows = connection.execute(select(emails.c.id, emails.c.eml_path)
                                  .where(emails.c.eml_path.startswith(prefix, autoescape=True))).all()
        for row in rows:
            connection.execute(update(emails).where(emails.c.id == row.id)
                               .values(eml_path=str(new / row.eml_path.removeprefix(prefix))))
