"""Prefect's database after a simulated year, and after housekeeping (a script, not a test).

The demo year runs for real against a `prefect server` with its own SQLite file, with one
more intake that finds nothing new and one more reminders run: the runs a year is made of.
A second, fresh server's database then gets a year of schedules' runs, each a copy of such a
run (its task runs, states, log lines and artifacts, under new ids, moved to its time):
`intake` every hour 08:00–20:00 (a month's files in the demo's intake run of that day, the
other hours finding nothing), `reminders` daily, `monthly-collection` on the 6th–15th, the
annual report, the demo's decisions. Its size is printed, by table; then the housekeeping
flow runs as of the day after the year and the size is printed again.

    .venv/bin/python -m tests.benchmarks.prefect_db [--year 2025] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

os.environ.update({"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False",
                   "PREFECT_LOGGING_LEVEL": "INFO", "XZZF_SETTLE_S": "0"})

from tests.test_deployments import prefect_server  # noqa: E402  (after telemetry is off)

# Copied per run: the run, its states, its task runs and theirs, its log lines and artifacts.
RUN_TABLES = ("flow_run", "flow_run_state", "task_run", "task_run_state", "log", "artifact")
TIMES = ("created", "updated", "expected_start_time", "next_scheduled_start_time", "start_time", "end_time",
         "timestamp")
BEIJING = dt.timezone(dt.timedelta(hours=8))


@contextlib.contextmanager
def connected(home: Path):
    """This process talking to the server whose state is under `home` (what a worker on the
    same machine does): its API and its database file."""
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, PREFECT_API_URL, temporary_settings

    home.mkdir(parents=True, exist_ok=True)
    with prefect_server(home) as (env, _processes), temporary_settings(updates={
            PREFECT_API_URL: env["PREFECT_API_URL"],
            PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{database(home)}"}):
        yield env


def database(home: Path) -> Path:
    return home / "prefect-home" / "prefect.db"


def make_templates(home: Path) -> None:
    """The demo year's runs, one idle intake and one more reminders run, for real."""
    from flows.demo import YEAR, run_demo
    from flows.intake import intake
    from flows.reminders import reminders

    demo = home / "demo"
    with connected(home):
        began = time.perf_counter()
        run_demo(demo, echo=lambda line: None)
        os.environ.update({"XZZF_INBOX": str(demo / "inbox"), "XZZF_OUT": str(demo / "results"),
                           "XZZF_UNITS": str(demo / "units.yaml"), "XZZF_SMTP_HOST": ""})
        intake(as_of=dt.datetime(YEAR + 1, 1, 13, 14, tzinfo=BEIJING))
        reminders(as_of=dt.date(YEAR + 1, 1, 14), dry_run=True)
        print(f"demo year run for real in {time.perf_counter() - began:.0f}s")


def rows(connection: sqlite3.Connection, table: str, where: str | None = None, ids: list | None = None) -> list[dict]:
    """A table's rows (those whose column `where` is one of `ids`) as dicts."""
    query = f"SELECT * FROM {table}" + (f" WHERE {where} IN ({','.join('?' * len(ids))})" if where else "")
    cursor = connection.execute(query, ids or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def run_rows(connection: sqlite3.Connection, run_id: str) -> dict[str, list[dict]]:
    held = {"flow_run": rows(connection, "flow_run", "id", [run_id])}
    for table in ("flow_run_state", "task_run", "log", "artifact"):
        held[table] = rows(connection, table, "flow_run_id", [run_id])
    held["task_run_state"] = rows(connection, "task_run_state", "task_run_id", [t["id"] for t in held["task_run"]])
    return held


def parameter_time(run: dict) -> dt.datetime | None:
    """When a demo run was dated: its as-of parameter, at its hour (a date: 12:00)."""
    given = json.loads(run["parameters"]).get("as_of")
    if not given:
        return None
    moment = dt.datetime.fromisoformat(given)
    if len(given) == 10:
        moment = moment.replace(hour=12)
    return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment


def schedule(year: int, templates: dict[str, list[dict]]) -> list[tuple[dict, dt.datetime]]:
    """(template run, time) for every run of a year of schedules."""
    days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1)
                                                                      - dt.date(year, 1, 1)).days)]
    by_time = {}
    for name in ("intake", "adjust-month", "withdraw-submission", "annual-report"):
        for run in templates.get(name, []):
            if (moment := parameter_time(run)) is not None:
                by_time[(name, moment.replace(minute=0, second=0, microsecond=0).replace(year=year))] = run
    idle_intake = max(templates["intake"], key=lambda r: r["created"])  # the run after the year
    slots = []
    for day in days:
        for hour in range(8, 21):
            moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)
            slots.append((by_time.get(("intake", moment), idle_intake), moment))
        remind = templates["reminders"][day.toordinal() % len(templates["reminders"])]
        slots.append((remind, dt.datetime(day.year, day.month, day.day, 8, 30, tzinfo=BEIJING)))
        if 6 <= day.day <= 15:
            monthly = templates["monthly-collection"][(day.month - 2) % 12]  # the month before's collection
            slots.append((monthly, dt.datetime(day.year, day.month, day.day, 8, tzinfo=BEIJING)))
    slots += [(run, moment) for (name, moment), run in by_time.items() if name != "intake"]
    return slots


def shifted(value, delta: dt.timedelta):
    """A stored time (SQLite text, UTC, as Prefect writes it) moved by `delta`."""
    if not isinstance(value, str):
        return value
    return (dt.datetime.fromisoformat(value) + delta).strftime("%Y-%m-%d %H:%M:%S.%f")


def copy_year(source: Path, target: Path, year: int) -> Counter:
    """The year's runs copied from the templates' database into the fresh one; runs by flow."""
    src = sqlite3.connect(source)
    flows = dict(src.execute("SELECT id, name FROM flow"))
    templates: dict[str, list[dict]] = defaultdict(list)
    for run in rows(src, "flow_run"):
        templates[flows[run["flow_id"]]].append(run)
    print("template runs:", {name: len(runs) for name, runs in sorted(templates.items())})
    held = {run["id"]: run_rows(src, run["id"]) for runs in templates.values() for run in runs}
    dst = sqlite3.connect(target, timeout=60)
    flow_rows = rows(src, "flow")
    columns = list(flow_rows[0])
    dst.executemany(f"INSERT OR IGNORE INTO flow ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                    [tuple(r.values()) for r in flow_rows])
    made: Counter = Counter()
    batch: dict[str, list[tuple]] = defaultdict(list)
    for run, moment in schedule(year, templates):
        parts = held[run["id"]]
        start = dt.datetime.fromisoformat(run["expected_start_time"])
        delta = moment.astimezone(dt.UTC).replace(tzinfo=None) - start
        new = {r["id"]: str(uuid.uuid4()) for table in RUN_TABLES for r in parts[table]}
        for table in RUN_TABLES:
            for r in parts[table]:
                batch[table].append(tuple(new.get(v, v) if isinstance(v, str) and len(v) == 36 else
                                          shifted(v, delta) if k in TIMES else v for k, v in r.items()))
        made[flows[run["flow_id"]]] += 1
    for table in RUN_TABLES:  # parents first
        columns = [d[1] for d in src.execute(f"PRAGMA table_info({table})")]
        dst.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                        batch[table])
    dst.commit()
    dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dst.close()
    src.close()
    return made


def by_table(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        sizes = dict(connection.execute(
            "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1 ORDER BY 2 DESC LIMIT 8"))
        counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in (*RUN_TABLES, "events")}
    return ("  " + "  ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items())
            + "\n  rows: " + "  ".join(f"{name} {n:,}" for name, n in counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2025, help="the simulated year (in the past)")
    parser.add_argument("--keep", type=Path, help="a folder to keep the servers' files in (reused when there)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        root = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        templates, year = root / "templates", root / "year"
        if not database(templates).exists():
            make_templates(templates)
        print(f"\nthe demo's own Prefect database: {database(templates).stat().st_size / 1e6:.1f} MB\n"
              + by_table(database(templates)))
        with connected(year):
            from flows.housekeeping import housekeeping

            began = time.perf_counter()
            made = copy_year(database(templates), database(year), args.year)
            print(f"\na year of schedules ({args.year}): {sum(made.values()):,} flow runs "
                  f"({', '.join(f'{k} {v:,}' for k, v in made.most_common())}), "
                  f"copied in {time.perf_counter() - began:.0f}s")
            print(f"Prefect's database: {database(year).stat().st_size / 1e6:.1f} MB\n" + by_table(database(year)))
            demo = templates / "demo"
            os.environ.update({"XZZF_INBOX": str(demo / "inbox"), "XZZF_OUT": str(demo / "results"),
                               "XZZF_UNITS": str(demo / "units.yaml")})
            began = time.perf_counter()
            said = housekeeping(as_of=dt.date(args.year + 1, 1, 1))
            print(f"\nhousekeeping as of {args.year + 1}-01-01, in {time.perf_counter() - began:.0f}s:\n{said}")
            print(f"Prefect's database: {database(year).stat().st_size / 1e6:.1f} MB\n" + by_table(database(year)))


if __name__ == "__main__":
    main()
