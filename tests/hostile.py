"""Hostile and broken files, built for real, for the reader and intake tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import xlwt


def rewrite_part(source: Path, target: Path, part: str, change) -> Path:
    """Copy a workbook, changing one zip part's bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, change(data) if info.filename == part else data)
    return target


def huge_dimension(source: Path, target: Path) -> Path:
    """A small workbook declaring a cell at XFD1048576 (it makes calamine abort)."""
    return rewrite_part(source, target, "xl/worksheets/sheet1.xml", lambda d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))


def memory_bomb(target: Path, unzipped_mb: int = 1024) -> Path:
    """About 1 MB on disk that unzips to `unzipped_mb` MB of sheet XML."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(unzipped_mb):
                part.write(block)
    return target


def encrypted(target: Path) -> Path:
    book = openpyxl.Workbook()
    plain = io.BytesIO()
    book.save(plain)
    plain.seek(0)
    with target.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("密码123", out)
    return target


def legacy_xls(target: Path) -> Path:
    book = xlwt.Workbook()
    book.add_sheet("基本信息").write(0, 0, "单位编码")
    book.save(str(target))
    return target


def macro_enabled(source: Path, target: Path) -> Path:
    return rewrite_part(source, target, "[Content_Types].xml", lambda d: d.replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml"))
