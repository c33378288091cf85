"""The steps of an intake run, as plain functions over the connectors and the domain.

scan → examine (read, check, parse) → record (archive, one store transaction) → report.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from connectors.archive import Archive
from connectors.inbox import Inbox, InboxFile, folder_of, sha256
from connectors.store import NewSubmission, Store, StoredSubmission
from connectors.worker_pool import Raised, WorkerLost, run_isolated
from connectors.xlsx_reader import ContainerLimits, ReadFailure, check_container, ends_early, read_workbook
from xzzf.adjustments import Obligations
from xzzf.catalog import assign
from xzzf.intake import FileEntry, SubmissionFact, arrival_time, arrived_by
from xzzf.periods import COUNTED, counted_period
from xzzf.plans import Plan, plan_in_force
from xzzf.problems import Problem
from xzzf.receipt import first_problem
from xzzf.settings import Settings
from xzzf.signals import Signal
from xzzf.units import Registry
from xzzf.vocabulary import EVER_ACCEPTED, FileStatus, UnitStatus
from xzzf.workbook import EXCEL_ROW, ParsedWorkbook, parse_workbook

log = logging.getLogger("xzzf.intake")
RULE_RUNNER = "expectations.runner"  # imports Great Expectations

_LOST = {
    "crashed": "文件内容异常，读取时导致读取进程崩溃（可能含有超大范围的单元格），请只保留模板内容后重新保存",
    "timeout": "文件读取超时，疑似异常文件，请只保留模板内容后重新保存",
    "memory": "文件读取所需内存超过上限，疑似异常文件，请只保留模板内容后重新保存",
}


@dataclass
class Examined:
    """A new file: its bytes, arrival and outcome."""

    file: InboxFile
    unit: str | None  # the registered unit its folder names
    sha256: str
    data: bytes | None  # None: over the size limit, never read
    arrival_at: dt.datetime
    parsed: ParsedWorkbook
    # The day its rules are applied on (a period after that day's month is a future one): the
    # run's as-of, or for a 复核 the day it would have been judged had the run that recorded
    # it been right.
    judged_on: dt.date
    readable: bool = False  # opened and parsed: a highlighted copy can be made
    counted: tuple[str, str] | None = None  # no readable 报送期间: the period it counts for, and why
    signals: list[Signal] = field(default_factory=list)  # its data-quality signals, each also a warning

    @property
    def period(self) -> str | None:
        return self.parsed.period or (self.counted[0] if self.counted else None)

    @property
    def accepted(self) -> bool:
        return not self.parsed.errors

    def entry(self) -> FileEntry:
        return FileEntry(self.file.path, self.sha256, self.unit, self.period,
                         FileStatus.ACCEPTED if self.accepted else FileStatus.REJECTED, *self.parsed.listed())


@dataclass
class Scan:
    files: dict[str, FileEntry]  # every file in the inbox by path; new ones filled in by `conclude`
    new: list[Examined]
    duplicates: dict[str, str]  # path of a copy → path of the file that stands for its bytes
    runner: object = None  # the run's one Great Expectations runner, once files were read (rule_runner)

    @property
    def entries(self) -> list[FileEntry]:
        return [self.files[path] for path in sorted(self.files)]


def survey(inbox: Inbox, settings: Settings, registry: Registry, store: Store, as_of: dt.datetime,
           now: dt.datetime) -> Scan:
    """List and hash every file that had arrived by `as_of`; the new ones get their arrival
    time and container check. Only new files' bytes are kept, and a file over the size limit
    is hashed, never held. A file that arrived later does not exist for this run: listed as
    not_arrived, never read (a later run takes it, with its real arrival)."""
    # Scans up to now only: one dated later (a run given a future as-of) saw nothing of today.
    known, last_scan = store.known(), store.last_scan(now)
    files: dict[str, FileEntry] = {}
    contents: dict[tuple[str, str], list[tuple[InboxFile, bytes | None]]] = {}
    for item in inbox.scan():
        if item.ignored:
            files[item.path] = FileEntry(item.path, None, None, None, FileStatus.IGNORED,
                                         warnings=[Problem(item.reason).as_dict()] if item.reason else [])
            continue
        # An arrival is never before the mtime: a later mtime is known without opening the file.
        if not arrived_by(item.mtime, as_of, now):
            files[item.path] = _not_arrived(item, registry)
            continue
        digest, data = _fingerprint(inbox, item, settings)
        if digest is None:
            files[item.path] = FileEntry(item.path, None, _unit(item, registry), None, FileStatus.PENDING)
            continue
        key = (item.folder or "", digest)
        stored = known.get(key)
        if not arrived_by(stored.arrival_at if stored else arrival_time(item.mtime, last_scan), as_of, now):
            files[item.path] = _not_arrived(item, registry)
            continue
        contents.setdefault(key, []).append((item, None if stored else data))
    new, duplicates = [], {}
    for key, copies in contents.items():
        stored = known.get(key)
        # The same bytes twice are one submission: the copy first recorded (or the first
        # by path) stands for it, the others are duplicates.
        item, data = next((c for c in copies if stored and c[0].path == stored.path), copies[0])
        duplicates.update({other.path: item.path for other, _ in copies if other is not item})
        if stored:
            files[item.path] = _entry_of(stored, item.path)
            continue
        reason = refusal(item, data, registry, settings)
        if reason and _still_arriving(item, data, settings):
            files[item.path] = FileEntry(item.path, None, _unit(item, registry), None, FileStatus.PENDING)
            continue
        new.append(Examined(item, _unit(item, registry), key[1], data, arrival_time(item.mtime, last_scan),
                            ParsedWorkbook(errors=[Problem(reason)] if reason else []), as_of.date()))
    return Scan(files, new, duplicates)


def _not_arrived(item: InboxFile, registry: Registry) -> FileEntry:
    return FileEntry(item.path, None, _unit(item, registry), None, FileStatus.NOT_ARRIVED)


def _fingerprint(inbox: Inbox, item: InboxFile, settings: Settings) -> tuple[str | None, bytes | None]:
    """(SHA-256, bytes) of a file that has settled; (None, None) while it may still be written
    (modified within the settle time, or changed, replaced or removed while we read it)."""
    # A future mtime is another machine's clock, not a copy in progress: the size check decides.
    if dt.timedelta(0) <= item.seen_at - item.mtime < dt.timedelta(seconds=settings.settle_s):
        return None, None
    try:
        if item.size > settings.max_file_mb << 20:
            data, digest = None, inbox.sha256(item)
        else:
            data = inbox.read(item)
            digest = sha256(data)
    except OSError:
        return None, None
    return (digest, data) if inbox.unchanged(item) else (None, None)


def _still_arriving(item: InboxFile, data: bytes | None, settings: Settings) -> bool:
    """A zip that ends early is most likely a copy still in progress: it waits a while
    before it is called corrupt."""
    recent = dt.timedelta(0) <= item.seen_at - item.mtime < dt.timedelta(minutes=settings.incomplete_wait_min)
    return recent and data is not None and ends_early(data)


def preload_rules() -> None:
    """Great Expectations takes seconds to import: it is imported in a thread, while the
    workers read the files (or, from the command line, while Prefect's server starts)."""
    threading.Thread(target=lambda: importlib.import_module(RULE_RUNNER).preload(), daemon=True).start()


def read_new(scan: Scan, settings: Settings, registry: Registry) -> None:
    """Read and parse the new files that passed the container check, in worker processes."""
    to_read = {n: item.data for n, item in enumerate(scan.new) if not item.parsed.errors}
    if to_read:
        preload_rules()
    grids = run_isolated(read_workbook, to_read.items(), workers=settings.reader_workers,
                         memory_bytes=settings.reader_memory_mb << 20, timeout=settings.reader_timeout_s,
                         options={"max_rows": settings.max_rows})
    for index, result in grids.items():
        item = scan.new[index]
        item.parsed, item.readable = _parse(result, item.file.folder, registry, item.judged_on)


def conclude(scan: Scan) -> None:
    """Each new file's entry shows its outcome; each copy shows the file it duplicates. A
    unit's file whose period cannot be read (a .xls, a corrupt file) counts for the period
    its name states or the one being collected when it arrived: its unit has sent something
    (退回 with the reason), not nothing (未报送)."""
    for item in scan.new:
        if item.unit and not item.parsed.period:
            item.counted = counted_period(PurePosixPath(item.file.path).name, item.arrival_at)
        scan.files[item.file.path] = item.entry()
    for path, primary in scan.duplicates.items():
        original = scan.files[primary]
        scan.files[path] = FileEntry(path, original.sha256, original.unit, original.period, FileStatus.DUPLICATE)


def examine(inbox: Inbox, settings: Settings, registry: Registry, store: Store, as_of: dt.datetime,
            now: dt.datetime) -> Scan:
    """Hash every file, and read, check and parse those never seen before (their signals are
    the next step: check_quality)."""
    scan = survey(inbox, settings, registry, store, as_of, now)
    judge(scan, settings, registry, store.plans())
    return scan


@dataclass(frozen=True)
class History:
    """What a run's new files are compared with for their signals: the store as of the run."""

    store: Store
    as_of: dt.datetime


def judge(scan: Scan, settings: Settings, registry: Registry, plans: list[Plan]) -> None:
    """Read, parse and check the scan's new files: each one's outcome (a file's tasks are
    those of the plan in force for its month, of the stored `plans`)."""
    read_new(scan, settings, registry)
    workbooks = {n: (item.unit, item.parsed) for n, item in enumerate(scan.new) if item.parsed.tables}
    scan.runner = rule_runner() if workbooks else None
    validate_rows(workbooks, registry, settings, plans, scan.runner)
    conclude(scan)


def check_quality(scan: Scan, history: History, settings: Settings, registry: Registry) -> int:
    """The data-quality signals of the scan's accepted new files, each also a warning of its
    file (flows.signal_steps), in the runner that checked their rows; how many were raised."""
    if scan.runner is None:
        return 0
    from flows.signal_steps import flag  # pandas: imported only when files were read

    flag(scan, history, settings, registry, scan.runner)
    conclude(scan)  # the entries show the new warnings
    return sum(len(item.signals) for item in scan.new)


def rule_runner():
    """The run's one Great Expectations runner. GX and pandas take seconds to import: only
    when there is something to validate (and read_new has started it already, in the background)."""
    return importlib.import_module(RULE_RUNNER).SuiteRunner()


def _unit(item: InboxFile, registry: Registry) -> str | None:
    return item.folder if item.folder in registry else None


def validate_rows(workbooks: dict[int, tuple[str, ParsedWorkbook]], registry: Registry,
                  settings: Settings, plans: list[Plan] = (), runner=None) -> int:
    """Check every row rule over all the given workbooks at once (in `runner`, else a new
    one); returns the GX calls made."""
    if not workbooks:
        return 0
    from xzzf.validation import attribute, validation_frames

    frames = validation_frames(workbooks, functools.cache(lambda period: assign(plan_in_force(plans, period).tasks,
                                                                               registry)),
                               settings.calendar())
    runner = runner or rule_runner()
    calls = runner.calls
    attribute(runner.failures(frames), workbooks)
    return runner.calls - calls


def refusal(item: InboxFile, data: bytes | None, registry: Registry, settings: Settings) -> str | None:
    if item.folder is None:
        return "文件不在任何单位文件夹中：请放入本单位编码命名的文件夹"
    if item.folder not in registry:
        return f"文件夹“{item.folder}”不是已登记的单位编码，其中的文件一律不予读取"
    if data is None:
        return (f"文件过大（{item.size / 1048576:.0f} MB，上限 {settings.max_file_mb} MB），不予读取："
                "月报模板只需几十 KB，请删除多余的工作表、图片和格式后重新保存")
    limits = ContainerLimits(settings.max_unzipped_mb << 20, settings.max_zip_ratio,
                             settings.max_zip_entries)
    return check_container(item.path, data, limits)


def _parse(result, folder: str, registry: Registry, judged_on: dt.date) -> tuple[ParsedWorkbook, bool]:
    """A file's outcome, and whether it was opened and parsed (a highlighted copy can be made).
    Whatever goes wrong with one file is that file's rejection, never the run's failure (the
    traceback goes to the log for us)."""
    if isinstance(result, WorkerLost):
        return ParsedWorkbook(errors=[Problem(_LOST[result.reason])]), False
    if isinstance(result, Raised):
        if isinstance(result.error, ReadFailure):
            return ParsedWorkbook(errors=[Problem(str(result.error))]), False
        return _unexpected(result.error), False
    try:
        return parse_workbook(result.grids, folder, registry, judged_on, hidden=result.hidden), True
    except Exception as error:  # noqa: BLE001 - one odd file must not stop every unit's intake
        return _unexpected(error), False


def _unexpected(error: BaseException) -> ParsedWorkbook:
    log.error("读取文件时出现未预期的异常（已按文件结构异常退回）", exc_info=error)
    return ParsedWorkbook(errors=[Problem(f"文件结构异常，无法读取（{type(error).__name__}）："
                                          "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")])


def _entry_of(stored: StoredSubmission, path: str) -> FileEntry:
    return FileEntry(path, stored.sha256, stored.unit_code, stored.period, stored.status,
                     stored.errors, stored.warnings)


def record(scan: Scan, store: Store, archive: Archive, as_of: dt.datetime, dry_run: bool) -> None:
    """Archive the new files' bytes, then record the scan in one transaction; the entries
    of new files then show their status now (an accepted file may already be superseded)."""
    if dry_run:
        return
    archive.put_all([(item.sha256, item.data) for item in scan.new if item.data is not None])
    store.record_scan(as_of, [new_submission(item) for item in scan.new])
    now = store.known()
    for entry in scan.entries:
        stored = now.get((folder_of(entry.path) or "", entry.sha256 or ""))
        if stored and entry.status in EVER_ACCEPTED:
            entry.status = stored.status


def new_submission(item: Examined) -> NewSubmission:
    parsed = item.parsed
    errors, warnings = parsed.listed()
    return NewSubmission(
        folder=item.file.folder or "", sha256=item.sha256, path=item.file.path,
        size=item.file.size, mtime=item.file.mtime, arrival_at=item.arrival_at,
        unit_code=item.unit, period=item.period, fill_date=parsed.info.get("fill_date"),
        accepted=item.accepted, readable=item.readable,
        info={**{k: str(v) for k, v in parsed.info.items()}, **({COUNTED: item.counted[1]} if item.counted else {})},
        errors=errors, warnings=warnings,
        rows={name: _stored(records) for name, records in parsed.tables.items()}, signals=tuple(item.signals),
    )


def _stored(records: list[dict]) -> list[dict]:
    """The parsed rows as the store takes them (the reader's row number as excel_row), renamed
    in place: a copy would hold a region year's million rows twice until the load."""
    for record in records:
        record["excel_row"] = record.pop(EXCEL_ROW)
    return records


def status_reasons(store: Store, view: list[SubmissionFact], obligations: Obligations, period: str,
                   statuses: dict[str, UnitStatus]) -> dict[str, str]:
    """Why a unit is where it is for `period`: 退回, its latest rejected file (as of the
    view) was refused for this (what the unit must fix); 免报 for this reason; due later by 延期."""
    seen = {fact.id for fact in view}
    reasons = {}
    for stored in sorted(store.submissions_for(period), key=lambda s: s.arrival_at):
        if (stored.id in seen and stored.status == FileStatus.REJECTED and stored.errors
                and statuses.get(stored.unit_code) == UnitStatus.REJECTED):
            reasons[stored.unit_code] = first_problem(stored.errors)
    for unit in obligations.registry.owing(period):
        if (reason := obligations.exempt(unit.code, period)) is not None:
            reasons[unit.code] = f"免报：{reason}"
        elif (due := obligations.due(unit.code, period)) != obligations.normal_due(period):
            rejected = reasons.get(unit.code)
            reasons[unit.code] = f"延期至 {due.isoformat()}" + (f"；{rejected}" if rejected else "")
    return reasons


def write_run_report(path: Path, as_of: dt.datetime, scan: Scan, period: str,
                     units: dict[str, str]) -> Path:
    """run-report.json as operations.md gives it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"as_of": as_of.isoformat(), "period": period,
              "files": [entry.as_dict() for entry in scan.entries], "units": units}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path
