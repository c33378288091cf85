"""回执 owed by the store: every recorded file owes one (recorded in the same transaction as
the file), so a run that died after its commit, or a full disk, leaves them owed and the next
run writes them. Each unit with addresses gets one mail per run gathering its files' 回执.

write the workbooks (temporary name, then rename) → in one transaction mark them written and
queue the mails → the flow sends what is owed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path

from connectors.archive import Archive
from connectors.files import write_bytes
from connectors.mail import Email
from connectors.receipt_writer import annotate, write_receipt
from connectors.store import StoredSubmission
from connectors.worker_pool import Raised, WorkerLost, run_isolated
from flows.mail_steps import queued
from flows.receipt_list import written as listed
from flows.setup import Run
from flows.task_steps import task_notices
from xzzf.intake import FileEntry, SubmissionFact
from xzzf.periods import COUNTED
from xzzf.receipt import (
    FILES_PER_MAIL,
    NO_COPY_UNREADABLE,
    CountedFor,
    Deadline,
    copy_note,
    receipt_lines,
    receipt_mail,
    receipt_name,
)
from xzzf.settings import Settings
from xzzf.units import Registry
from xzzf.vocabulary import FileStatus, UnitStatus

log = logging.getLogger("xzzf.receipts")
_NO_COPY = "没有标注副本：制作时{reason}。请按下表列出的工作表、行号和列逐条修改"
_COPY_LOST = {"timeout": "用时过长而中止", "memory": "文件内容太多，超出了处理能力", "crashed": "程序意外中断"}


def complete_receipts(run: Run) -> int:
    """Write every owed 回执 and queue its mail (each unit's listed in run.written); returns
    how many were completed."""
    store, registry, settings, now = run.store, run.registry, run.settings, run.as_of
    owed = store.owed_receipts()
    if not owed:
        return 0
    copies = _annotated_copies(owed, run.archive, settings, _signalled(run, owed))
    counted, deadlines = _months(run, owed)
    told = _told(run, owed)
    written: dict[int, list[Path]] = {}
    for stored in owed:
        try:
            written[stored.id] = _write(stored, registry, settings.receipts_dir, copies.get(stored.id),
                                        counted.get(stored.id), tasks=told.get(stored.unit_code),
                                        deadline=deadlines.get(stored.id), as_of=now)
        except OSError as error:  # e.g. a full disk: this 回执 stays owed for the next run
            log.error("回执未能写出，将在下次运行时补写：%s（%s）", stored.path, error)
    done, mails = [], []
    for unit_code, files in _by_unit(s for s in owed if s.id in written).items():
        try:
            mails += _told_by_mail(run, unit_code, files, written, told)
        except OSError as error:
            log.error("回执邮件未能生成，将在下次运行时补发：%s（%s）", unit_code, error)
            continue
        done += [s.id for s in files]
    store.settle_receipts(done, now, mails)
    return len(done)


def _signalled(run: Run, files: list[StoredSubmission]) -> set[int]:
    """Which of these accepted files have data-quality signals: they get a 标注 copy too."""
    ids = {s.id for s in files if s.status == FileStatus.ACCEPTED}
    return {signal.submission_id for signal in run.store.signals() if signal.submission_id in ids} if ids else set()


def _annotated_copies(owed: list[StoredSubmission], archive: Archive, settings: Settings,
                      signalled: set[int]) -> dict[int, bytes | str]:
    """The annotated copy (bytes) of a readable file rejected, or accepted with data-quality
    signals (`signalled`), or why it could not be made (text)."""
    jobs = {s.id: (archive.get(s.sha256), s.errors, s.warnings)
            for s in owed if s.readable and (s.status == FileStatus.REJECTED or s.id in signalled)}
    results = run_isolated(annotate, jobs.items(), workers=settings.reader_workers,
                           memory_bytes=settings.reader_memory_mb << 20, timeout=settings.reader_timeout_s)
    copies: dict[int, bytes | str] = {}
    for key, result in results.items():
        if isinstance(result, WorkerLost):
            copies[key] = _NO_COPY.format(reason=_COPY_LOST[result.reason])
        elif isinstance(result, Raised):
            log.warning("标注副本未能生成：%r", result.error)  # the technical detail is the run's, not the clerk's
            copies[key] = _NO_COPY.format(reason="文件的部分内容无法按原样打开")
        else:
            copies[key] = result
    return copies


def _months(run: Run, owed: list[StoredSubmission]) -> tuple[dict[int, CountedFor], dict[int, Deadline]]:
    """Where each file's unit month stands as of the run — the run that records a file writes
    its 回执, so the clerk reads what that run decided: another file of the month accepted in
    the same run or before stands, and this one changes nothing. For a file counted for a
    period it does not state (none readable), how it was counted (CountedFor); for a rejected
    file, its month's due day (Deadline)."""
    counted = [s for s in owed if COUNTED in s.info]
    rejected = [s for s in owed if s.status == FileStatus.REJECTED and s.unit_code and s.period]
    if not counted and not rejected:
        return {}, {}
    decided = run.standing()
    obligations = run.obligations(decided)
    months: dict[tuple, list[SubmissionFact]] = {(s.unit_code, s.period): [] for s in (*counted, *rejected)}
    for fact in run.view(decided):
        if (key := (fact.unit_code, fact.period)) in months:
            months[key].append(fact)
    in_force = {key: fact.id for key, facts in months.items() for fact in facts if fact.status == FileStatus.ACCEPTED}
    paths = run.store.paths(in_force.values())

    def status(s: StoredSubmission) -> UnitStatus:
        return obligations.status(s.unit_code, s.period, months[(s.unit_code, s.period)], run.as_of)

    deadlines = {s.id: Deadline(obligations.due(s.unit_code, s.period),
                                obligations.due(s.unit_code, s.period) != obligations.normal_due(s.period),
                                (s.unit_code, s.period) in in_force)
                 for s in rejected if obligations.owes(s.unit_code, s.period)
                 and obligations.exempt(s.unit_code, s.period) is None}
    return ({s.id: CountedFor(s.info[COUNTED], status(s), paths.get(in_force.get((s.unit_code, s.period))))
             for s in counted}, deadlines)


def decision_receipts(run: Run, files: list[StoredSubmission], label: str, said: dict[int, str],
                      key: str) -> dict[int, list[Path]]:
    """The 回执 of a decision about stored files (a 复核, or its revocation): one for each file
    as it stands now, named after the decision (`label`, e.g. 第3号复核: an earlier 回执 of the
    file keeps its own name), with the decision in words (`said`, by file), and the annotated
    copy of a file now rejected; each unit with addresses gets one mail with its files' 回执."""
    copies = _annotated_copies(files, run.archive, run.settings, _signalled(run, files))
    told = _told(run, files)
    deadlines = _months(run, files)[1]
    written = {s.id: _write(s, run.registry, run.settings.receipts_dir, copies.get(s.id), None,
                            label=label, decision=said[s.id], tasks=told.get(s.unit_code),
                            deadline=deadlines.get(s.id), as_of=run.as_of) for s in files}
    mails = [mail for code, unit_files in _by_unit(files).items()
             for mail in _told_by_mail(run, code, unit_files, written, told, key=f"{key}/{code}",
                                       title=f"{label}回执")]
    run.store.settle_receipts([], run.as_of, mails)
    return written


def _told_by_mail(run: Run, unit_code: str | None, files: list[StoredSubmission], written: dict[int, list[Path]],
                  told: dict[str, list[str]], key: str | None = None, title: str = "回执") -> list[dict]:
    """The unit's one mail for these files' 回执 (none without a registered unit with an
    address), and the 回执 listed for the run with what became of that mail."""
    unit = run.registry.get(unit_code) if unit_code else None
    mail = (_mail(unit, files, written, run.settings, run.as_of, key=key, title=title, tasks=told[unit_code])
            if unit and unit.email else None)
    run.written.append(listed(unit_code, (p for s in files for p in written[s.id]), mail and mail["key"],
                              has_unit=unit is not None))
    return [mail] if mail else []


def _told(run: Run, files: list[StoredSubmission]) -> dict[str, list[str]]:
    """The 任务提示 of each registered unit with a file here, as of the run."""
    named = {s.unit_code: run.registry.get(s.unit_code) for s in files if s.unit_code}
    units = {code: unit for code, unit in named.items() if unit}
    if not units:
        return {}
    notice = task_notices(run)
    return {code: notice(unit) for code, unit in units.items()}


def _write(stored: StoredSubmission, registry: Registry, receipts: Path, copy: bytes | str | None,
           counted: CountedFor | None, label: str = "", decision: str | None = None,
           tasks: list[str] | None = None, deadline: Deadline | None = None,
           as_of: dt.datetime | None = None) -> list[Path]:
    entry = _entry(stored)
    unit = registry.get(stored.unit_code) if stored.unit_code else None
    copy_name = receipt_name(entry, f"{label}标注")
    note = copy_note(copy_name.name, stored.status == FileStatus.ACCEPTED) if isinstance(copy, bytes) else copy
    if note is None and stored.status == FileStatus.REJECTED and not stored.readable:
        note = NO_COPY_UNREADABLE
    lines = receipt_lines(entry, unit.name if unit else None, stored.arrival_at, note, counted, decision, tasks,
                          deadline, as_of)
    files = [write_receipt(receipts / receipt_name(entry, f"{label}回执"), lines)]
    if isinstance(copy, bytes):
        files.append(write_bytes(receipts / copy_name, copy))
    return files


def _entry(stored: StoredSubmission) -> FileEntry:
    return FileEntry(stored.path, stored.sha256, stored.unit_code, stored.period, stored.status,
                     stored.errors, stored.warnings)


def _by_unit(owed) -> dict[str | None, list[StoredSubmission]]:
    units: dict[str | None, list[StoredSubmission]] = {}
    for stored in owed:
        units.setdefault(stored.unit_code, []).append(stored)
    return units


def _mail(unit, files: list[StoredSubmission], written: dict[int, list[Path]], settings: Settings,
          now: dt.datetime, key: str | None = None, title: str = "回执", tasks: list[str] | None = None) -> dict:
    """The ledger line of the unit's one mail for these files; its key names the files (or
    the decision), so a run that redoes the same files after a crash owes the same mail, not
    a second one."""
    subject, html, text = receipt_mail([_entry(s) for s in files], unit.name, title, tasks)
    attachments = tuple(path for s in files[:FILES_PER_MAIL] for path in written[s.id])
    names = hashlib.sha256(",".join(sorted(s.sha256 for s in files)).encode()).hexdigest()[:16]
    return queued(settings, key or f"receipt/{unit.code}/{names}",
                  Email(tuple(unit.email), subject, html, text, attachments), now)
