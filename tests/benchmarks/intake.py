"""Intake benchmark (a script, not a test): N units × 12 months of valid workbooks, a cold
run over the year and a re-run over the unchanged inbox, seconds per stage (the data-quality
signals a stage of their own, and their share of the rest).

    .venv/bin/python -m tests.benchmarks.intake --units 40 [--units 400] [--cli]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import Store
from connectors.xlsx_writer import write_sheets
from flows import intake_steps as steps
from flows.signal_steps import flag
from tests.benchmarks import arrival, synthetic_registry
from xzzf.catalog import assign, load_catalog
from xzzf.periods import BEIJING
from xzzf.sample import as_sheets, submission
from xzzf.settings import load_settings
from xzzf.units import load_registry

# The seed plan's last year (as e2e): every task the sample reports progress on is owed then; in
# 2026, a year no plan covers, its dated tasks are not, and each workbook would be rejected.
YEAR = 2025
AS_OF = dt.datetime(YEAR + 1, 1, 10, 9, tzinfo=BEIJING)
STAFF = 20  # people per unit: about 90 rows per workbook, 44k for a district-year


def make_inbox(root: Path, units: int, year: int = YEAR) -> tuple[Path, Path]:
    """The registry of N units and their N × 12 on-time workbooks of `year`."""
    registry_file = synthetic_registry(root, units)
    registry = load_registry(registry_file)
    assignment = assign(load_catalog(), registry)
    inbox = root / "inbox"
    for unit in registry.units:
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            sheets = as_sheets(*submission(unit, period, assignment, staff=STAFF))
            path = write_sheets(inbox / unit.code / f"{period}.xlsx", sheets)
            arrived = arrival(month, year).timestamp()
            os.utime(path, (arrived, arrived))
    return inbox, registry_file


@contextmanager
def timed(table: dict, stage: str):
    start = time.perf_counter()
    yield
    table[stage] = table.get(stage, 0.0) + time.perf_counter() - start


def run_once(settings, registry, store, archive) -> tuple[dict, int, int]:
    """One intake over the inbox, stage by stage, without Prefect."""
    seconds: dict[str, float] = {}
    with timed(seconds, "scan"):
        scan = steps.survey(Inbox(settings.inbox), settings, registry, store, AS_OF, AS_OF)
    with timed(seconds, "read"):
        steps.read_new(scan, settings, registry)
    workbooks = {n: (i.unit, i.parsed) for n, i in enumerate(scan.new) if i.parsed.tables}
    with timed(seconds, "validate"):
        runner = steps.rule_runner() if workbooks else None
        steps.validate_rows(workbooks, registry, settings, runner=runner)
    with timed(seconds, "signals"):  # the data-quality signals (issue 25): their own cost, beside the rest
        if runner:
            flag(scan, steps.History(store, AS_OF), settings, registry, runner)
    calls = runner.calls if runner else 0
    with timed(seconds, "load"):
        steps.conclude(scan)
        steps.record(scan, store, archive, AS_OF, dry_run=False)
    rows = sum(len(t) for item in scan.new for t in item.parsed.tables.values())
    rejected = sum(1 for item in scan.new if not item.accepted)
    assert rejected == 0, [e.errors[:2] for e in scan.entries if e.errors][:3]
    return seconds, calls, rows


def report(label: str, seconds: dict, calls: int, rows: int) -> None:
    work = sum(seconds.values())
    stages = "  ".join(f"{k} {v:6.2f}s" for k, v in seconds.items())
    rate = f"{rows / work:,.0f} rows/s" if rows else "-"
    print(f"{label:<22} {stages}  | work {work:6.2f}s  GX calls {calls}  rows {rows:,}  {rate}")
    if seconds.get("signals"):
        print(f"{'':<22} signals: {seconds['signals'] / (work - seconds['signals']):.1%} of the work without them")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, action="append", help="units (repeatable); default 40")
    parser.add_argument("--cli", action="store_true", help="also time `xzzf monthly` end to end")
    args = parser.parse_args()
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (import cost is start-up, measured apart)

    import expectations.credit_code  # noqa: F401

    print(f"imports (GX and the rest): {time.perf_counter() - started:.2f}s")
    for units in args.units or [40]:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            began = time.perf_counter()
            inbox, registry_file = make_inbox(root, units)
            generated = time.perf_counter() - began
            print(f"\n{units} units × 12 months: generated {units * 12} workbooks in {generated:.1f}s")
            settings = load_settings(inbox=inbox, units=registry_file, out=root / "out")
            registry = load_registry(registry_file)
            store = Store(f"sqlite:///{root / 'xzzf.db'}")
            store.migrate()
            archive = Archive(root / "out" / "archive")
            seconds, calls, rows = run_once(settings, registry, store, archive)
            report("cold run", seconds, calls, rows)
            report("unchanged re-run", *run_once(settings, registry, store, archive))
            if args.cli:
                began = time.perf_counter()
                subprocess.run([Path(sys.executable).parent / "xzzf", "monthly", "--period", f"{YEAR}-12",
                                "--inbox", str(inbox), "--units", str(registry_file), "--out", str(root / "cli"),
                                "--as-of", AS_OF.date().isoformat()], check=True, capture_output=True)
                print(f"`xzzf monthly` end to end (cold, new PREFECT_HOME not forced): "
                      f"{time.perf_counter() - began:.1f}s")


if __name__ == "__main__":
    main()
