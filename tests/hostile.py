"""Hostile and broken files, built for real, for the reader and intake tests."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import xlwt


def rewrite_part(source: Path, target: Path, part: str, change) -> Path:
    """Copy a workbook, changing one zip part's bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
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


def styles_with_entity(source: Path, target: Path) -> Path:
    """A styles part with an HTML entity (`&nbsp;`) that XML does not define: calamine reads
    the file, a strict XML parser does not."""
    return rewrite_part(source, target, "xl/styles.xml", lambda d: d.replace(
        b'<name val="Calibri"/>', b'<name val="Calibri&nbsp;"/>', 1))


def workbook_part_with_entity(source: Path, target: Path) -> Path:
    """The same entity in the workbook part, where our sheet-to-part lookup parses it."""
    return rewrite_part(source, target, "xl/workbook.xml", lambda d: d.replace(
        b"<workbookPr", b'<fileVersion appName="xl&nbsp;"/><workbookPr', 1))


def lower_case_references(source: Path, target: Path) -> Path:
    """Every cell reference of the first sheet in lower case (`r="a90"`)."""
    return rewrite_part(source, target, "xl/worksheets/sheet1.xml", lambda d: re.sub(
        rb'(<c r=")([A-Z]+\d+)"', lambda m: m.group(1) + m.group(2).lower() + b'"', d))


def prefixed_sheet_xml(source: Path, target: Path) -> Path:
    """The first sheet's XML with every element namespace-prefixed (`<x:c>`, `<x:f>`), as some
    non-Excel writers save it."""
    def prefix(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet xmlns=", b"<worksheet xmlns:x=", 1)
        return re.sub(rb"<(/?)(\w+)\b", rb"<\1x:\2", xml)
    return rewrite_part(source, target, "xl/worksheets/sheet1.xml", prefix)


def hidden_sheets(source: Path, target: Path, titles, *, very_hidden=()) -> Path:
    """The workbook with the given sheets hidden (`very_hidden`: not even listed by Excel's
    "unhide")."""
    book = openpyxl.load_workbook(source)
    for title in titles:
        book[title].sheet_state = "hidden"
    for title in very_hidden:
        book[title].sheet_state = "veryHidden"
    book.save(target)
    return target


def hidden_look_alike(source: Path, target: Path, title: str, changes: dict[str, object]) -> Path:
    """A hidden copy of sheet `title` named `title + " "`, last in the workbook, with `changes`
    (cell → value) applied to the copy only: Excel shows the clerk only the original."""
    book = openpyxl.load_workbook(source)
    copy = book.copy_worksheet(book[title])
    copy.title = f"{title} "
    copy.sheet_state = "hidden"
    target.parent.mkdir(parents=True, exist_ok=True)
    for cell, value in changes.items():
        copy[cell] = value
    book.save(target)
    return target


EXCEL_ROWS = 1_048_576  # the last row of a sheet


def rows_below(source: Path, target: Path, cells, *, last_row: int = EXCEL_ROWS,
               part: str = "xl/worksheets/sheet2.xml") -> Path:
    """The workbook with rows added to one sheet (sheet2 is 执法人员 in write_workbook's files)
    from below its data down to `last_row`, row n holding `cells(n)`, as Excel saves them: a
    clerk's fill-down of column A to the bottom is `lambda n: b'<c r="A%d"><v>1</v></c>' % n`."""
    def add(xml: bytes) -> bytes:
        first = int(re.findall(rb'<row r="(\d+)"', xml)[-1]) + 1
        rows = b"".join(b'<row r="%d">%s</row>' % (n, cells(n)) for n in range(first, last_row + 1))
        xml = re.sub(rb'(<dimension ref="[A-Z]+\d+:[A-Z]+)\d+', rb"\g<1>%d" % last_row, xml, count=1)
        return xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return rewrite_part(source, target, part, add)
