"""The steps of an intake run, as plain functions over the connectors and the domain.

scan → examine (read, check, parse) → record (archive, one store transaction) → report.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from connectors.archive import Archive
from connectors.inbox import Inbox, InboxFile, folder_of, sha256
from connectors.store import NewSubmission, Store, StoredSubmission
from connectors.worker_pool import Raised, WorkerLost, run_isolated
from connectors.xlsx_reader import ContainerLimits, ReadFailure, check_container, read_workbook
from xzzf.catalog import assign, load_catalog
from xzzf.intake import FileEntry, SubmissionFact, arrival_time, unit_status
from xzzf.periods import due_day
from xzzf.problems import Problem
from xzzf.settings import Settings
from xzzf.units import Registry
from xzzf.workbook import EXCEL_ROW, ParsedWorkbook, parse_workbook

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
    data: bytes
    arrival_at: dt.datetime
    parsed: ParsedWorkbook
    readable: bool = False  # opened and parsed: a highlighted copy can be made

    @property
    def accepted(self) -> bool:
        return not self.parsed.errors

    def entry(self) -> FileEntry:
        return FileEntry(self.file.path, self.sha256, self.unit, self.parsed.period,
                         "accepted" if self.accepted else "rejected",
                         [p.as_dict() for p in self.parsed.errors],
                         [p.as_dict() for p in self.parsed.warnings])


@dataclass
class Scan:
    files: dict[str, FileEntry]  # every file in the inbox by path; new ones filled in by `conclude`
    new: list[Examined]
    duplicates: dict[str, str]  # path of a copy → path of the file that stands for its bytes

    @property
    def entries(self) -> list[FileEntry]:
        return [self.files[path] for path in sorted(self.files)]


def survey(inbox: Inbox, settings: Settings, registry: Registry, store: Store) -> Scan:
    """List and hash every file; the new ones get their arrival time and container check."""
    known, last_scan = store.known(), store.last_scan()
    files: dict[str, FileEntry] = {}
    contents: dict[tuple[str, str], list[tuple[InboxFile, bytes]]] = {}
    for item in inbox.scan():
        if item.ignored:
            files[item.path] = FileEntry(item.path, None, None, None, "ignored")
            continue
        data = inbox.read(item)
        if not inbox.unchanged(item):
            files[item.path] = FileEntry(item.path, None, _unit(item, registry), None, "pending")
            continue
        contents.setdefault((item.folder or "", sha256(data)), []).append((item, data))
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
        reason = _refusal(item, data, registry, settings)
        new.append(Examined(item, _unit(item, registry), key[1], data, arrival_time(item.mtime, last_scan),
                            ParsedWorkbook(errors=[Problem(reason)] if reason else [])))
    return Scan(files, new, duplicates)


def read_new(scan: Scan, settings: Settings, registry: Registry, as_of: dt.datetime) -> None:
    """Read and parse the new files that passed the container check, in worker processes."""
    to_read = {n: item.data for n, item in enumerate(scan.new) if not item.parsed.errors}
    grids = run_isolated(read_workbook, to_read.items(), workers=settings.reader_workers,
                         memory_bytes=settings.reader_memory_mb << 20, timeout=settings.reader_timeout_s)
    for index, result in grids.items():
        scan.new[index].parsed = _parse(result, scan.new[index].file.folder, registry, as_of)
        scan.new[index].readable = not isinstance(result, WorkerLost | Raised)


def conclude(scan: Scan) -> None:
    """Each new file's entry shows its outcome; each copy shows the file it duplicates."""
    for item in scan.new:
        scan.files[item.file.path] = item.entry()
    for path, primary in scan.duplicates.items():
        original = scan.files[primary]
        scan.files[path] = FileEntry(path, original.sha256, original.unit, original.period, "duplicate")


def examine(inbox: Inbox, settings: Settings, registry: Registry, store: Store, as_of: dt.datetime) -> Scan:
    """Hash every file, and read, check and parse those never seen before."""
    scan = survey(inbox, settings, registry, store)
    read_new(scan, settings, registry, as_of)
    validate_rows({n: (item.unit, item.parsed) for n, item in enumerate(scan.new) if item.parsed.tables},
                  registry, settings)
    conclude(scan)
    return scan


def _unit(item: InboxFile, registry: Registry) -> str | None:
    return item.folder if item.folder in registry else None


def validate_rows(workbooks: dict[int, tuple[str, ParsedWorkbook]], registry: Registry,
                  settings: Settings) -> int:
    """Check every row rule over all the given workbooks at once; returns the GX calls made."""
    if not workbooks:
        return 0
    # GX and pandas take seconds to import: only when there is something to validate.
    from expectations.runner import SuiteRunner
    from xzzf.validation import attribute, validation_frames

    frames = validation_frames(workbooks, assign(load_catalog(), registry), settings.calendar())
    runner = SuiteRunner()
    attribute(runner.failures(frames), workbooks)
    return runner.calls


def _refusal(item: InboxFile, data: bytes, registry: Registry, settings: Settings) -> str | None:
    if item.folder is None:
        return "文件不在任何单位文件夹中：请放入本单位编码命名的文件夹"
    if item.folder not in registry:
        return f"文件夹“{item.folder}”不是已登记的单位编码，其中的文件一律不予读取"
    limits = ContainerLimits(settings.max_unzipped_mb << 20, settings.max_zip_ratio,
                             settings.max_zip_entries)
    return check_container(item.path, data, limits)


def _parse(result, folder: str, registry: Registry, as_of: dt.datetime) -> ParsedWorkbook:
    if isinstance(result, WorkerLost):
        return ParsedWorkbook(errors=[Problem(_LOST[result.reason])])
    if isinstance(result, Raised):
        if isinstance(result.error, ReadFailure):
            return ParsedWorkbook(errors=[Problem(str(result.error))])
        raise result.error  # a bug of ours, not a fault of the file: fail the run loudly
    return parse_workbook(result.grids, folder, registry, as_of.date())


def _entry_of(stored: StoredSubmission, path: str) -> FileEntry:
    return FileEntry(path, stored.sha256, stored.unit_code, stored.period, stored.status,
                     stored.errors, stored.warnings)


def record(scan: Scan, store: Store, archive: Archive, as_of: dt.datetime, dry_run: bool) -> None:
    """Archive the new files' bytes, then record the scan in one transaction; the entries
    of new files then show their status now (an accepted file may already be superseded)."""
    if dry_run:
        return
    for item in scan.new:
        archive.put(item.sha256, item.data)
    store.record_scan(as_of, [_new_submission(item) for item in scan.new])
    now = store.known()
    for entry in scan.entries:
        stored = now.get((folder_of(entry.path) or "", entry.sha256 or ""))
        if stored and entry.status in ("accepted", "superseded"):
            entry.status = stored.status


def _new_submission(item: Examined) -> NewSubmission:
    parsed = item.parsed
    return NewSubmission(
        folder=item.file.folder or "", sha256=item.sha256, path=item.file.path,
        size=item.file.size, mtime=item.file.mtime, arrival_at=item.arrival_at,
        unit_code=item.unit, period=parsed.period, fill_date=parsed.info.get("fill_date"),
        accepted=item.accepted, info={k: str(v) for k, v in parsed.info.items()},
        errors=[p.as_dict() for p in parsed.errors],
        warnings=[p.as_dict() for p in parsed.warnings],
        rows={name: [_stored(record) for record in records] for name, records in parsed.tables.items()},
    )


def _stored(record: dict) -> dict:
    return {("excel_row" if key == EXCEL_ROW else key): value for key, value in record.items()}


def unit_statuses(store: Store, registry: Registry, period: str, as_of: dt.datetime,
                  settings: Settings) -> dict[str, str]:
    """Every reporting unit's status for `period` on the as-of date."""
    due = due_day(period, settings.due_day, settings.calendar())
    facts: dict[str, list[SubmissionFact]] = {}
    for stored in store.submissions_for(period):
        facts.setdefault(stored.unit_code, []).append(
            SubmissionFact(stored.unit_code, stored.period, stored.status, stored.arrival_at))
    return {unit.code: unit_status(facts.get(unit.code, []), due, as_of)
            for unit in registry.reporting}


def write_run_report(path: Path, as_of: dt.datetime, scan: Scan, period: str,
                     units: dict[str, str]) -> Path:
    """run-report.json as operations.md gives it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"as_of": as_of.isoformat(), "period": period,
              "files": [entry.as_dict() for entry in scan.entries], "units": units}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path
