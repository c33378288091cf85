"""回执 for the files an intake run read: the workbooks under the receipts folder, and the
mail to units that have addresses in the registry."""

from __future__ import annotations

from pathlib import Path

from connectors.mail import Email
from connectors.receipt_writer import write_annotated_copy, write_receipt
from flows.intake_steps import Scan
from xzzf.receipt import receipt_lines, receipt_mail, receipt_name
from xzzf.units import Registry


def write_receipts(scan: Scan, registry: Registry, receipts: Path) -> dict[str, list[Path]]:
    """A 回执 for every file read this run (rejected readable files also get an annotated
    copy); by the path of the file they answer."""
    written = {}
    for item in scan.new:
        entry = scan.files[item.file.path]
        unit = registry.get(entry.unit) if entry.unit else None
        lines = receipt_lines(entry, unit.name if unit else None, item.arrival_at)
        files = [write_receipt(receipts / receipt_name(entry, "回执"), lines)]
        if not item.accepted and item.readable:
            files.append(write_annotated_copy(receipts / receipt_name(entry, "标注"), item.data,
                                              entry.errors, entry.warnings))
        written[entry.path] = files
    return written


def receipt_emails(scan: Scan, registry: Registry, written: dict[str, list[Path]]) -> dict[str, Email]:
    """The 回执 mail to each unit that has addresses in the registry, by ledger key."""
    mails = {}
    for item in scan.new:
        entry = scan.files[item.file.path]
        unit = registry.get(entry.unit) if entry.unit else None
        if unit and unit.email:
            subject, html, text = receipt_mail(entry, unit.name)
            mails[f"receipt/{entry.unit}/{entry.sha256}"] = Email(unit.email, subject, html, text,
                                                                  tuple(written[entry.path]))
    return mails
