"""Annual-report benchmark (a script, not a test): N units × 12 months of accepted records in
a SQLite store, then the year's figures and the report files, timed; peak memory printed.

    .venv/bin/python -m tests.benchmarks.annual --units 40 [--units 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import NewSubmission, Store
from flows import annual_steps
from flows.setup import Run
from tests.benchmarks import YEAR, arrival, synthetic_registry
from xzzf.catalog import assign, load_catalog
from xzzf.periods import BEIJING
from xzzf.sample import as_sheets, submission
from xzzf.schema import SHEETS_BY_TITLE
from xzzf.settings import load_settings
from xzzf.units import load_registry
from xzzf.workbook import EXCEL_ROW, read_table


def fill_store(root: Path, units: int) -> tuple[Path, Store]:
    registry_file = synthetic_registry(root, units)
    registry = load_registry(registry_file)
    assignment = assign(load_catalog(), registry)
    store = Store(f"sqlite:///{root / 'xzzf.db'}")
    store.migrate()
    for month in range(1, 13):
        period = f"{YEAR}-{month:02d}"
        arrived = arrival(month)
        new = []
        for unit in registry.units:
            info, _ = sheets = submission(unit, period, assignment, staff=20)
            rows = {}
            for title, grid in as_sheets(*sheets)[1:]:
                records, problems = read_table(SHEETS_BY_TITLE[title], grid)
                assert not problems, problems[:2]
                rows[SHEETS_BY_TITLE[title].name] = [
                    {("excel_row" if k == EXCEL_ROW else k): v for k, v in r.items()} for r in records]
            new.append(NewSubmission(unit.code, f"{unit.code}-{period}", f"{unit.code}/{period}.xlsx", 1, arrived,
                                     arrived, unit.code, period, info["填报日期"], True, {}, [], [], rows))
        store.record_scan(arrived, new)
    return registry_file, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, action="append", help="units (repeatable); default 40")
    args = parser.parse_args()
    for units in args.units or [40]:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            began = time.perf_counter()
            registry_file, store = fill_store(root, units)
            print(f"\n{units} units × 12 months: store filled in {time.perf_counter() - began:.1f}s")
            settings = load_settings(units=registry_file, out=root / "out", inbox=root)
            as_of = dt.datetime(YEAR + 1, 1, 10, 9, tzinfo=BEIJING)
            run = Run(settings, load_registry(registry_file), store, Inbox(root), Archive(root / "a"),
                      as_of, False, as_of)
            began = time.perf_counter()
            report, previous, rows = annual_steps.reports(run, YEAR)
            figures = time.perf_counter() - began
            began = time.perf_counter()
            annual_steps.write_files(run, YEAR, report, previous, rows, [])
            files = time.perf_counter() - began
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            counted = sum(len(rows[name]) for name in ("roster", "trainings", "decisions", "task_progress"))
            print(f"figures {figures:6.2f}s  files {files:6.2f}s  | work {figures + files:6.2f}s  "
                  f"rows (main tables) {counted:,}  peak memory {peak:,.0f} MB (whole process)")


if __name__ == "__main__":
    main()
