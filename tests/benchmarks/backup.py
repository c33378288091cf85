"""Backup, restore and store-copy benchmark (a script, not a test): N units × 12 months of
accepted records in a SQLite store (as tests.benchmarks.annual fills it), then `backup`, a
`restore` onto a new SQLite store and, with --postgres, `store copy` into a fresh PostgreSQL
database (rows and every year's figures checked), each timed; sizes and peak memory printed.

    .venv/bin/python -m tests.benchmarks.backup --units 40 [--units 400] [--postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from connectors.store import Store
from connectors.store_copy import counts
from flows.backup_steps import make_backup, move_store, restore, verified
from tests.benchmarks.annual import fill_store
from tests.conftest import POSTGRES_ADMIN
from xzzf.settings import load_settings


def timed(what: str, call, *args):
    began = time.perf_counter()
    result = call(*args)
    print(f"  {what:<28} {time.perf_counter() - began:7.2f}s")
    return result


def bench(units: int, postgres: bool, now: dt.datetime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "out").mkdir()
        registry_file, store = fill_store(root / "out", units)
        size = Path(store.engine.url.database).stat().st_size
        rows = sum(counts(store.engine).values())
        print(f"\n{units} units × 12 months: store {size / 2**20:.1f} MB, {rows:,} rows")
        settings = load_settings(units=registry_file, out=root / "out", inbox=root, database_url=store.url)
        timed("backup", make_backup, settings, store, root / "b.zip", now)
        print(f"  backup file {(root / 'b.zip').stat().st_size / 2**20:.1f} MB")
        target = load_settings(units=registry_file, out=root / "restored", inbox=root)
        (root / "restored").mkdir()
        timed("restore onto SQLite", lambda: restore(root / "b.zip", verified(root / "b.zip"), target,
                                                    Store(target.database)))
        if postgres:
            name = f"xzzf_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                pg = Store(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}")
                timed("store copy to PostgreSQL", move_store, settings, store, pg, now)
                pg.engine.dispose()
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory {peak:,.0f} MB (whole process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, action="append", help="units (repeatable); default 40")
    parser.add_argument("--postgres", action="store_true", help="also store copy into PostgreSQL")
    args = parser.parse_args()
    for units in args.units or [40]:
        bench(units, args.postgres, dt.datetime.now(dt.UTC))


if __name__ == "__main__":
    main()
