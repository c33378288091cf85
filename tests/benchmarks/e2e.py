"""End-to-end benchmark (a script, not a test): the real `xzzf monthly` command over a year
of N units × 12 months, measured the way issue 14 measures it.

    .venv/bin/python -m tests.benchmarks.e2e --units 40 [--units 400] [--postgres] [--annual]
                                             [--against OTHER_CHECKOUT] [--repeat N]

Per case (N units), in a fresh temporary folder, as a new user would start (no out/, no .env):

- the inbox: N units × 12 months of valid workbooks of year 2025 (the plan's last year: every
  deadline has passed, so a run that records may be dated after it), each arriving on time;
- `xzzf monthly --period 2025-12 --as-of 2026-01-10` run as a subprocess, settings in the
  environment (XZZF_INBOX, XZZF_UNITS, XZZF_OUT, XZZF_SETTLE_S=0; with --postgres also
  XZZF_DATABASE_URL, a fresh database per run, created and dropped here), working directory
  the case's folder;
- wall time over the files (cold: fresh out/ and store) and over an empty inbox (fresh too),
  interleaved, best of two each: work = cold − empty. The re-run over the unchanged inbox (the
  last cold run's out/ and store), best of two: re-run work = re-run − empty;
- with --annual, `xzzf annual --year 2025 --as-of 2026-01-10` on the loaded store (best of two)
  and on the empty run's store (after one uncounted warm-up): annual work = loaded − empty.

One PREFECT_HOME (a temporary folder) serves every run of the script, and one warm-up run over
an inbox of one workbook (not counted) comes first: the measurement is of a warm Prefect, as an
administrator's second and later runs are. Warm bytecode too: Python caches each module's
compiled form (.pyc) on its first import, unless PYTHONDONTWRITEBYTECODE is set, as it may be
in a development container, whose venv then has no .pyc at all: every command compiles some
11,000 modules from source (Prefect's, GX's, pandas', scipy's...), seconds of CPU that an
installed server does not spend. So the commands run without PYTHONDONTWRITEBYTECODE and with
PYTHONPYCACHEPREFIX in the script's temporary folder (the venv is left as it is), warmed by the
warm-up, which imports what a run with files imports; --bytecode-as-is keeps the caller's
environment instead.

Stages come from the command's own Prefect log (PREFECT_LOGGING_LEVEL=INFO): each stage is the
time from the previous mark to its own — start-up (imports, checks) up to "Starting temporary
server", the server's start up to "Beginning flow run", then each task up to its "Finished in
state" line (the flow's set-up before the first task counts in the first task), the flow's end,
and the process's shutdown up to its exit. Marks are the log's millisecond timestamps.

On a shared machine the command's fixed start (imports, Prefect's server: 7–8 s of wall on two
busy cores with warm bytecode, 15–25 s without) moves by seconds from run to run, more than the
work itself; so beside the issue's work (wall − empty) the table gives two steadier views of
the same difference: in-flow work (the time from "Beginning flow run" to the flow's end, less
the empty run's) and CPU work (user + system seconds of the command's processes, from wait4(),
less the empty run's).

With --against, another checkout (with its own .venv: `make setup` there) runs on the same
inbox, its runs interleaved with this code's (before, after, before, after…; each its own
PREFECT_HOME), and the two tables are followed by after ÷ before: best of each, and the median
of the repetitions' pairs. Each cold run also gives the data-quality signals' task
(check_quality) as a share of the rest of its own work — a before/after inside one run.

Peak memory, from the OS, for the command's processes only (not this script's):
- tree: VmRSS from /proc/<pid>/status summed over the command's process tree (the command,
  Prefect's temporary server, the reader workers), polled every 50 ms; the tree itself is
  re-read from /proc every 200 ms (this kernel has no /proc/<pid>/task/<tid>/children, and a
  full /proc walk costs ~3 ms: every poll would take ~6 % of a core on a 2-core machine). A sum
  of RSS counts pages shared between the processes more than once (an upper bound) and a spike
  shorter than 50 ms can be missed;
- largest process: ru_maxrss from wait4() on the command, the kernel's exact high-water mark of
  the largest single process among the command and the children it waited for (what
  `/usr/bin/time -v` prints as "Maximum resident set size"; not a sum).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from connectors.store_schema import data_tables
from tests.benchmarks.intake import make_inbox

YEAR = 2025  # not tests.benchmarks.YEAR (2026): December 2026 is not over, and a recording run may not be dated later
PERIOD = f"{YEAR}-12"
AS_OF = f"{YEAR + 1}-01-10"  # after the due day (the 5th): the summary is due, as in the measurement
XZZF = Path(sys.executable).parent / "xzzf"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"

# Issue 14's targets: cold work by units, re-run work (district-year), memory (region year, annual).
COLD_TARGET_S = {40: 6.0, 400: 30.0, 1000: 90.0}
RERUN_TARGET_S = {40: 0.3}
PEAK_TARGET_MB = {1000: 2048}
ANNUAL_TARGET = {1000: (20.0, 800)}  # seconds, MB
PER_ROW_TARGET = 1.0  # cost per row at 400 units ÷ at 40


# --- one run of the command ---------------------------------------------------------------

@dataclass
class Measured:
    wall: float
    cpu: float  # user + system seconds of the command and the children it waited for (wait4)
    tree_mb: float  # peak of the process tree's summed VmRSS, polled
    largest_mb: float  # wait4 ru_maxrss: the largest single process
    stages: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    database: str | None = None

    @property
    def flow(self) -> float | None:
        """Seconds from "Beginning flow run" to the flow's "Finished": the run without the
        command's start-up, Prefect's server start and the shutdown."""
        inside = [v for k, v in self.stages.items() if k not in OUTSIDE_FLOW]
        return sum(inside) if inside else None


class TreeMemory(threading.Thread):
    """Peak summed VmRSS of a process and its descendants, from /proc."""

    def __init__(self, root: int, every_s: float = 0.05, rescan_every: int = 4):
        super().__init__(daemon=True)
        self.root, self.every_s, self.rescan_every = root, every_s, rescan_every
        self.peak_kb = 0
        self.cpu_s = 0.0  # this thread's own cost, to show it is small
        self.done = threading.Event()

    def tree(self) -> set[int]:
        children: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat", "rb") as stat:
                        line = stat.read()
                except OSError:
                    continue
                parent = int(line[line.rindex(b")") + 2:].split()[1])
                children.setdefault(parent, []).append(int(name))
        found, todo = set(), [self.root]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo.extend(children.get(pid, ()))
        return found

    @staticmethod
    def rss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0  # gone, or a zombie

    def run(self) -> None:
        polls, pids = 0, {self.root}
        while not self.done.is_set():
            if polls % self.rescan_every == 0:
                pids = self.tree()
            self.peak_kb = max(self.peak_kb, sum(self.rss_kb(pid) for pid in pids))
            polls += 1
            self.done.wait(self.every_s)
        self.cpu_s = time.thread_time()


def run_command(argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> Measured:
    launched = time.time()
    began = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        memory = TreeMemory(process.pid)
        memory.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        memory.done.set()
        memory.join()
    output_text = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode:
        sys.exit(f"{' '.join(argv[1:])} exited with {process.returncode}; its output ends:\n"
                 + "\n".join(output_text.splitlines()[-40:]))
    return Measured(wall, usage.ru_utime + usage.ru_stime, memory.peak_kb / 1024, usage.ru_maxrss / 1024,
                    stages(output_text, launched, launched + wall))


OUTSIDE_FLOW = ("start-up (imports, checks)", "Prefect server start", "shutdown (to exit)")
LOG_LINE = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+\s*\| (.*)$")
MARKS = (  # (pattern on the message, the stage that ends there; {0} is the match's first group)
    (re.compile(r"^prefect - Starting temporary server"), "start-up (imports, checks)"),
    (re.compile(r"^Flow run '[^']*' - Beginning flow run"), "Prefect server start"),
    (re.compile(r"^Task run '(.+)-[0-9a-f]+' - Finished in state"), "{0}"),
    (re.compile(r"^Flow run '[^']*' - Finished in state"), "flow end"),
)


def stages(log: str, launched: float, exited: float) -> dict[str, float]:
    """Seconds per stage from the log's marks (see the module's text); {} without them."""
    day = dt.datetime.fromtimestamp(launched).replace(hour=0, minute=0, second=0, microsecond=0)
    seconds, last = {}, launched
    for line in log.splitlines():
        if not (match := LOG_LINE.match(line)):
            continue
        for pattern, stage in MARKS:
            if found := pattern.match(match[2]):
                clock = dt.datetime.combine(day.date(), dt.time.fromisoformat(match[1])).timestamp()
                if clock < launched - 60:  # past midnight
                    clock += 86400
                name = stage.format(*found.groups())
                seconds[name] = seconds.get(name, 0.0) + clock - last
                last = clock
                break
    if seconds:
        seconds["shutdown (to exit)"] = exited - last
    return seconds


# --- a case: N units ----------------------------------------------------------------------

class Stores:
    """Where each run's store lives: SQLite in its out/ (default), or a fresh PostgreSQL
    database per run, all dropped at the end."""

    def __init__(self, postgres_url: str | None):
        self.url = make_url(postgres_url) if postgres_url else None
        self.created: list[str] = []

    def fresh(self, label: str) -> str | None:
        if self.url is None:
            return None
        name = f"xzzf_bench_{os.getpid()}_{len(self.created)}_{label}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


class Case:
    """The runs of one code (a checkout's `xzzf`) over one case's inbox; `label` names its
    Prefect home and logs, so that two codes measured in the same run keep apart."""

    def __init__(self, root: Path, registry: Path, home: Path, stores: Stores, bytecode_as_is: bool,
                 xzzf: Path = XZZF, label: str = ""):
        self.root, self.registry, self.home, self.stores = root, registry, home, stores
        self.bytecode_as_is, self.xzzf, self.label = bytecode_as_is, xzzf, label
        self.runs = 0

    def env(self, inbox: Path, out: Path, database: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XZZF_") and k != "PREFECT_API_URL"}
        if not self.bytecode_as_is:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.home / "pycache")
        env.update(PREFECT_HOME=str(self.home / f"prefect{self.label}"), PREFECT_LOGGING_LEVEL="INFO",
                   XZZF_INBOX=str(inbox), XZZF_UNITS=str(self.registry), XZZF_OUT=str(out), XZZF_SETTLE_S="0")
        if database:
            env["XZZF_DATABASE_URL"] = database
        return env

    def monthly(self, inbox: Path, label: str, out: Path | None = None, database: str | None = None) -> Measured:
        """One `xzzf monthly`; fresh out/ and store unless given (a re-run)."""
        self.runs += 1
        label = f"{label}{self.label}"
        if out is None:
            out, database = self.root / f"out-{self.runs}-{label}", self.stores.fresh(label)
        measured = run_command([str(self.xzzf), "monthly", "--period", PERIOD, "--as-of", AS_OF],
                               self.env(inbox, out, database), self.root, self.root / f"log-{self.runs}-{label}.txt")
        measured.out, measured.database = out, database
        return measured

    def annual(self, loaded: Measured, label: str) -> Measured:
        self.runs += 1
        label = f"{label}{self.label}"
        return run_command([str(self.xzzf), "annual", "--year", str(YEAR), "--as-of", AS_OF],
                           self.env(self.root / "empty", loaded.out, loaded.database), self.root,
                           self.root / f"log-{self.runs}-{label}.txt")


def rows_loaded(run: Measured) -> int:
    engine = create_engine(run.database or f"sqlite:///{run.out / 'xzzf.db'}")
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())  # another code's store may lack some
            return sum(connection.execute(select(func.count()).select_from(table)).scalar_one()
                       for table in data_tables.values() if table.name in present)
    finally:
        engine.dispose()


def receipts(run: Measured) -> int:
    folder = run.out / "feedback"
    return sum(1 for path in folder.rglob("*") if path.is_file()) if folder.exists() else 0


@dataclass
class Result:
    units: int
    rows: int
    work: float  # wall − empty
    flow_work: float | None  # in-flow − empty in-flow


def best(runs: list[Measured]) -> Measured:
    return min(runs, key=lambda run: run.wall)


def difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


@dataclass
class Code:
    """One code's runs in a case: cold and empty interleaved, then the re-runs and annual."""
    case: Case
    idle: list[Measured] = field(default_factory=list)
    cold: list[Measured] = field(default_factory=list)
    rerun: list[Measured] = field(default_factory=list)
    annual: list[Measured] = field(default_factory=list)


def run_case(units: int, args, home: Path, warm: set[str]) -> Result:
    stores = Stores(args.pg_url if args.postgres else None)
    with tempfile.TemporaryDirectory(prefix=f"xzzf-e2e-{units}-") as tmp:
        root = Path(tmp)
        began = time.perf_counter()
        inbox, registry = make_inbox(root, units, YEAR)
        (empty := root / "empty").mkdir()
        print(f"\n{units} units × 12 months: {units * 12} workbooks generated in "
              f"{time.perf_counter() - began:.1f}s, {sum(p.stat().st_size for p in inbox.rglob('*.xlsx')) >> 20} MB",
              flush=True)
        # With --against, the other checkout ("before") and this one ("after") take turns on the
        # same inbox, run for run: the machine's drift falls on both, as the issue asks ("before
        # and after, same run"). This code runs last, so its numbers are the Result.
        labels = {"-before": args.against, "-after": XZZF} if args.against else {"": XZZF}
        codes = [Code(Case(root, registry, home, stores, args.bytecode_as_is, xzzf, label))
                 for label, xzzf in labels.items()]
        try:
            load_before = os.getloadavg()
            for code in codes:
                if code.case.label not in warm:  # one workbook: imports all a run with files imports
                    one = root / f"warm-up{code.case.label}" / "inbox" / "U0001" / f"{PERIOD}.xlsx"
                    one.parent.mkdir(parents=True)
                    shutil.copy2(inbox / "U0001" / f"{PERIOD}.xlsx", one)
                    run = code.case.monthly(one.parent.parent, "warm-up")
                    print(f"warm-up{code.case.label} over an inbox of one workbook (not counted): {run.wall:.2f}s",
                          flush=True)
                    warm.add(code.case.label)
            for _ in range(args.repeat):  # interleaved: drift on a shared machine falls on all
                for code in codes:
                    code.idle.append(code.case.monthly(empty, "empty"))
                    code.cold.append(code.case.monthly(inbox, "cold"))
                    print(f"  empty{code.case.label} {code.idle[-1].wall:6.2f}s   "
                          f"cold{code.case.label} {code.cold[-1].wall:6.2f}s", flush=True)
            for _ in range(args.repeat):
                for code in codes:
                    last = code.cold[-1]
                    code.rerun.append(code.case.monthly(inbox, "rerun", last.out, last.database))
                    print(f"  re-run{code.case.label} {code.rerun[-1].wall:6.2f}s", flush=True)
            monthly_load = os.getloadavg()
            if args.annual:
                for code in codes:
                    case, last = code.case, code.cold[-1]
                    case.annual(code.idle[0], "annual-warm-up")  # not counted: warms the report writers' imports
                    code.annual += [case.annual(last, "annual") for _ in range(args.repeat)]
                    code.annual.insert(0, case.annual(code.idle[-1], "annual-empty"))  # the baseline: no data
                    print(f"  annual{case.label} " + "  ".join(f"{r.wall:6.2f}s" for r in code.annual[1:])
                          + f"   annual (empty store) {code.annual[0].wall:6.2f}s", flush=True)
            store = "PostgreSQL" if args.postgres else "SQLite"
            results = []
            for code in codes:
                name = f" — {code.case.xzzf.parent.parent.parent}" if args.against else ""
                print(f"\n== xzzf monthly --period {PERIOD} --as-of {AS_OF}: {units} units × 12 months, {store}, "
                      f"best of {args.repeat}{name} ==")
                print(f"   machine: {os.cpu_count()} cores, load average (1 min) {load_before[0]:.2f} before, "
                      f"{monthly_load[0]:.2f} after; shared with other engineers' test runs")
                work, flow_work = monthly_table(units, code.cold, code.idle, code.rerun)
                rows = rows_loaded(code.cold[-1])
                print(f"   {'receipts (files in out/feedback)':<34}{receipts(code.cold[-1]):>9,}")
                print(f"   {'rows loaded (data tables)':<34}{rows:>9,}")
                print(f"   {'rows/s (rows ÷ work)':<34}{_rate(rows, work)}   "
                      f"(rows ÷ in-flow work: {_rate(rows, flow_work).strip()})")
                if code.annual:
                    annual_table(units, code.annual[1:], code.annual[0], os.getloadavg())
                results.append((code, Result(units, rows, work, flow_work)))
            if args.against:
                compare(*results)
            return results[-1][1]
        finally:
            stores.drop_all()


def compare(before: tuple[Code, Result], after: tuple[Code, Result]) -> None:
    """After against before, in the three views of the work (see the module's text): the best
    of each, then the median of the repetitions' pairs (repetition i of after against
    repetition i of before, each less its own empty run just before it) with their spread, the
    steadier reading where the machine moves a run by seconds."""
    def cpu_work(code: Code) -> float:
        return best(code.cold).cpu - best(code.idle).cpu

    print(f"\n== after ÷ before ({before[1].units} units; runs interleaved) ==")
    for label, b, a in (("work = wall − empty, best", before[1].work, after[1].work),
                        ("in-flow work, best", before[1].flow_work, after[1].flow_work),
                        ("CPU work, best", cpu_work(before[0]), cpu_work(after[0]))):
        change = "-" if not a or not b else f"{(a / b - 1) * 100:+.1f} %"
        print(f"   {label:<34}{_s(b)} →{_s(a)}   {change}")
    views = {"work = wall − empty": lambda cold, idle: cold.wall - idle.wall,
             "in-flow work": lambda cold, idle: difference(cold.flow, idle.flow),
             "CPU work": lambda cold, idle: cold.cpu - idle.cpu}
    for label, view in views.items():
        pairs = [(view(bc, bi), view(ac, ai)) for bc, bi, ac, ai in
                 zip(before[0].cold, before[0].idle, after[0].cold, after[0].idle, strict=True)]
        changes = sorted((a / b - 1) * 100 for b, a in pairs if a is not None and b)
        if changes:
            print(f"   {label + ', pairs':<34} median {statistics.median(changes):+.1f} %   "
                  f"(each: {', '.join(f'{c:+.0f}' for c in changes)} %)")


def _target(value: float | None, limit: float | None, unit: str = "s") -> str:
    if limit is None:
        return ""
    mark = "" if value is None else ("  ok" if value <= limit else "  MISSED")
    return f"target ≤ {limit:g} {unit}{mark}"


def _s(value: float | None) -> str:
    return f"{'-':>9}" if value is None else f"{value:>8.2f}s"


def _mb(value: float | None) -> str:
    return f"{'-':>9}" if value is None else f"{value:>9,.0f}"


def _rate(rows: int, seconds: float | None) -> str:
    return f"{rows / seconds:>9,.0f}" if seconds and seconds > 0 else f"{'-':>9}"


def _rows(columns: dict[str, list[Measured]], notes: dict[str, str] | None = None) -> None:
    """The common part of both tables: walls, CPU, in-flow time, stages and memory per column;
    "work" is each column less the last one (the empty baseline)."""
    notes = notes or {}
    picked = {name: best(runs) for name, runs in columns.items()}
    base = list(picked.values())[-1]
    print("   every wall (s): " + "  ".join(f"{name} {' / '.join(f'{r.wall:.2f}' for r in runs)}"
                                          for name, runs in columns.items()))
    print(f"   {'':<34}" + "".join(f"{name:>9}" for name in columns))

    def line(label, values, note=""):
        print(f"   {label:<34}{''.join(values)}   {note}".rstrip())

    line("wall, best", [_s(r.wall) for r in picked.values()])
    line("work = wall − empty", [_s(r.wall - base.wall) for r in list(picked.values())[:-1]] + [_s(None)],
         notes.get("work", ""))
    line("in-flow time (log)", [_s(r.flow) for r in picked.values()])
    line("in-flow work = in-flow − empty", [_s(difference(r.flow, base.flow)) for r in list(picked.values())[:-1]]
         + [_s(None)])
    line("CPU user+sys (tree, wait4)", [_s(r.cpu) for r in picked.values()])
    line("CPU work = CPU − empty", [_s(r.cpu - base.cpu) for r in list(picked.values())[:-1]] + [_s(None)])
    print("   stages (the best run's Prefect log; time since the previous mark):")
    names = list(dict.fromkeys(name for r in reversed(picked.values()) for name in r.stages))
    names.sort(key=lambda name: name == "shutdown (to exit)")  # otherwise the log's order
    for name in names:
        line(f"  {name}", [_s(r.stages.get(name)) for r in picked.values()])
    line("peak RSS, process tree (MB)", [_mb(max(r.tree_mb for r in runs)) for runs in columns.values()],
         notes.get("memory", ""))
    line("peak RSS, largest process (MB)", [_mb(max(r.largest_mb for r in runs)) for runs in columns.values()],
         notes.get("largest", ""))


def monthly_table(units: int, cold: list[Measured], idle: list[Measured],
                  rerun: list[Measured]) -> tuple[float, float | None]:
    work, rework = best(cold).wall - best(idle).wall, best(rerun).wall - best(idle).wall
    tree = max(r.tree_mb for r in cold)
    _rows({"cold": cold, "re-run": rerun, "empty": idle},
          {"work": "  ".join(t for t in (_target(work, COLD_TARGET_S.get(units)),
                                         _target(rework, RERUN_TARGET_S.get(units), "s (re-run)")) if t),
           "memory": _target(tree, PEAK_TARGET_MB.get(units), "MB")})
    signals_share(cold, best(idle))
    return work, difference(best(cold).flow, best(idle).flow)


SIGNALS = "check_quality"  # the data-quality signals' task (issue 25: at most 10 % of the work)


def signals_share(cold: list[Measured], idle: Measured) -> None:
    """What the signals add to the work, each cold run against itself: their task's time ÷ the
    rest of that run's work (the in-flow work, which the machine's drift between runs moves
    least; and wall − empty)."""
    runs = [r for r in cold if SIGNALS in r.stages]
    if not runs:
        return
    def share(total: float | None, signals: float) -> str:
        return "-" if total is None or total <= signals else f"{signals / (total - signals):.1%}"

    print(f"   signals ({SIGNALS}) in each cold run: "
          + " / ".join(f"{r.stages[SIGNALS]:.2f}s" for r in runs)
          + "; ÷ the rest of the in-flow work: "
          + " / ".join(share(difference(r.flow, idle.flow), r.stages[SIGNALS]) for r in runs)
          + "; ÷ the rest of wall − empty: "
          + " / ".join(share(r.wall - idle.wall, r.stages[SIGNALS]) for r in runs))


def annual_table(units: int, annual: list[Measured], idle: Measured, load: tuple[float, ...]) -> None:
    limit_s, limit_mb = ANNUAL_TARGET.get(units, (None, None))
    print(f"\n== xzzf annual --year {YEAR} --as-of {AS_OF}: {units} units, on the loaded store "
          f"(empty: the empty run's store, once) ==")
    print(f"   load average (1 min) after: {load[0]:.2f}")
    # Work as for the monthly command (wall − the same command on an empty store); the memory of
    # the command's own process: the tree adds Prefect's temporary server (≈ 200 MB), whatever
    # the data. Both the wall and the tree are printed above beside them.
    _rows({"loaded": annual, "empty": [idle]},
          {"work": _target(best(annual).wall - idle.wall, limit_s, "s (work)"),
           "largest": _target(max(r.largest_mb for r in annual), limit_mb, "MB")})


def _checkout(folder: str) -> Path:
    command = Path(folder).resolve() / ".venv" / "bin" / "xzzf"
    if not command.exists():
        raise argparse.ArgumentTypeError(f"{command} does not exist: run `make setup` in {folder}")
    return command


@contextmanager
def bench_home() -> Iterator[Path]:
    """PREFECT_HOME (prefect/) and the bytecode cache (pycache/) of every run of the script."""
    folder = Path(tempfile.mkdtemp(prefix="xzzf-e2e-home-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, action="append", help="units (repeatable); default 40")
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database per run")
    parser.add_argument("--pg-url", default=PG_URL, help=f"the PostgreSQL server (default {PG_URL})")
    parser.add_argument("--annual", action="store_true", help="then `xzzf annual` on the loaded store")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind, the best counted (default 2)")
    parser.add_argument("--against", type=_checkout,
                        help="another checkout (with its .venv), measured in the same run as this one: before/after")
    parser.add_argument("--bytecode-as-is", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX as they are (default: a warm cache)")
    args = parser.parse_args()
    import cli  # the command's code is this script's: same interpreter, same sys.path (PYTHONPATH too)

    print(f"code measured: {Path(cli.__file__).resolve().parent.parent}  ({XZZF})")
    given = {name: os.environ.get(name) for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    print("bytecode: " + (f"as the environment has it {given}" if args.bytecode_as_is else
                          "cached in the script's temporary folder (PYTHONPYCACHEPREFIX), warmed by the warm-up"))
    results = []
    with bench_home() as home:
        warm: set[str] = set()
        for units in args.units or [40]:
            results.append(run_case(units, args, home, warm))
    by_units = {r.units: r for r in results}
    if 40 in by_units and 400 in by_units:
        small, large = by_units[40], by_units[400]
        ratio = (large.work / large.rows) / (small.work / small.rows)
        print(f"\nper-row cost, 400 units ÷ 40 units (work = wall − empty): {ratio:.2f}×   "
              f"target ≤ {PER_ROW_TARGET:g}×{'  ok' if ratio <= PER_ROW_TARGET else '  MISSED'}")
        if small.flow_work and large.flow_work:
            print(f"per-row cost, 400 units ÷ 40 units (in-flow work): "
                  f"{(large.flow_work / large.rows) / (small.flow_work / small.rows):.2f}×")


if __name__ == "__main__":
    main()
