"""Reading submitted workbooks safely and fast.

The container is checked first (magic bytes, zip limits), then each file is read by
python-calamine in a worker process with a memory cap and a timeout: a hostile file can
make calamine abort its whole process, and only the worker dies.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePosixPath
from xml.etree import ElementTree

from xzzf.cells import CellProblem, is_blank

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
log = logging.getLogger("xzzf.intake")


@dataclass(frozen=True)
class ContainerLimits:
    max_unzipped_bytes: int = 50 * 1024 * 1024
    max_ratio: float = 100.0
    max_entries: int = 200


TOO_MUCH_INSIDE = ("文件里的内容远远超过一份月报应有的大小（可能夹带了大量图片、附件或异常数据），"
                   "为安全起见没有打开：请在下发的模板中重新填写（或只把数据复制过去），保存后重新报送")
_SUFFIX_REASONS = {
    ".xls": "这是旧版 Excel 97-2003 (.xls) 文件，请用 Excel 或 WPS 另存为 .xlsx 后重新报送",
    ".et": "这是 WPS 表格 (.et) 文件，请在 WPS 中另存为 Excel 工作簿 (.xlsx) 后重新报送",
    ".ods": "这是 OpenDocument 表格 (.ods) 文件，请用 WPS、Excel 或 LibreOffice 打开后"
            "“另存为”Excel 工作簿 (.xlsx) 再报送",
    ".csv": "CSV 文件不能作为报送文件，请使用下发的 .xlsx 模板填报",
    ".xlsm": "启用宏的工作簿 (.xlsm) 不予接收，请另存为不含宏的 .xlsx 后重新报送",
}


def check_container(name: str, data: bytes, limits: ContainerLimits) -> str | None:
    """Why this file cannot be a workbook we read, or None when it may be read."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix != ".xlsx":
        return _SUFFIX_REASONS.get(
            suffix, f"不是 Excel 工作簿（扩展名为 {suffix or '空'}），请使用下发的 .xlsx 模板填报"
        )
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            return "文件设置了打开密码（已加密），无法读取，请取消密码后重新报送"
        return "文件实际是旧版 .xls 或 WPS .et 格式，只是扩展名为 .xlsx，请另存为 .xlsx 后重新报送"
    if not data.startswith(ZIP_MAGIC):
        return "文件不是有效的 .xlsx 工作簿（可能是改了扩展名的其他文件），请用 Excel 或 WPS 另存为 .xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            content_types = (
                archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            )
    except (zipfile.BadZipFile, EOFError, ValueError):
        return "文件已损坏或不完整（可能未保存完或传输中断），请重新保存后报送"
    unzipped = sum(e.file_size for e in entries)
    if (len(entries) > limits.max_entries or unzipped > limits.max_unzipped_bytes
            or unzipped > limits.max_ratio * max(len(data), 1)):
        # The measurements are for the run's log; the clerk is told what happened in plain words.
        log.warning("%s：解压后 %.0f MB，压缩比 %.0f，条目 %d 个（上限 %d MB、%.0f、%d 个），不予读取", name,
                    unzipped / 1048576, unzipped / max(len(data), 1), len(entries),
                    limits.max_unzipped_bytes >> 20, limits.max_ratio, limits.max_entries)
        return TOO_MUCH_INSIDE
    if "xl/workbook.xml" not in names:
        return "文件不是 Excel 工作簿（缺少工作簿内容），请使用下发的 .xlsx 模板填报"
    if b"macroEnabled" in content_types or "xl/vbaProject.bin" in names:
        return _SUFFIX_REASONS[".xlsm"]
    return None


@dataclass
class RawWorkbook:
    """Every sheet as a grid anchored at A1; unusable cells are CellProblem objects. `hidden`
    names the sheets the clerk cannot see in Excel (hidden or very hidden)."""

    grids: dict[str, list[list]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()


class ReadFailure(Exception):
    """The file could not be read; the message is for the clerk."""


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(rb'\b(r|t|s)="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_REF = re.compile(r"^([A-Za-z]+)(\d+)$")
_ZERO_FORMAT = re.compile(r"^0+$")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


MAX_ROWS = 10_000  # XZZF_MAX_ROWS's default: a month's workbook has hundreds of rows a sheet


def read_workbook(data: bytes, max_rows: int = MAX_ROWS) -> RawWorkbook:
    """Read every sheet's values (runs inside a worker process). Whatever goes wrong with the
    file is a ReadFailure for the clerk: one odd file must not stop the intake of all the
    others. Only MemoryError passes, for the worker to report the memory limit. A sheet with
    content below row `max_rows` is refused (too_many_rows)."""
    try:
        return _read(data, max_rows)
    except (ReadFailure, MemoryError):
        raise
    except Exception as error:  # our own XML reading met what calamine tolerates
        raise ReadFailure(f"文件结构异常，无法读取（{type(error).__name__}）："
                          "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送") from None


def _read(data: bytes, max_rows: int) -> RawWorkbook:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = {name: _grid(book.get_sheet_by_name(name), max_rows) for name in book.sheet_names}
        hidden = frozenset(sheet.name for sheet in book.sheets_metadata
                           if sheet.visible != python_calamine.SheetVisibleEnum.Visible)
    except (MemoryError, ReadFailure):
        raise
    except python_calamine.PasswordError:
        raise ReadFailure("文件设置了打开密码（已加密），无法读取，请取消密码后重新报送") from None
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise ReadFailure(f"文件已损坏，无法读取（{type(error).__name__}），请重新保存后报送") from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(archive)
        padded_styles = _zero_padded_styles(archive)
        for name, grid in grids.items():
            part = parts.get(name)
            if part and part in archive.namelist():
                _mark_cells(archive.read(part), grid, padded_styles, name, max_rows)
    return RawWorkbook(grids, hidden)


def _grid(sheet, max_rows: int) -> list[list]:
    """The sheet's values from A1, at most `max_rows` rows. A sheet with content further down
    is refused before any grid is built: a column filled down to row 1,048,576 would be a
    million rows, each one a problem, for the main process to hold. Rows that are only blank
    below (cells emptied, formatting to the bottom) are no content: the grid stops above them.
    Calamine's rows start at row 1, whichever cell the sheet's data starts at."""
    end = sheet.end
    if end is None or end[0] < max_rows:
        return sheet.to_python(skip_empty_area=False)
    below = islice(sheet.iter_rows(), max_rows, None)
    if not all(is_blank(value) for line in below for value in line):  # stops at the first one
        raise ReadFailure(too_many_rows(sheet.name, end[0] + 1, max_rows))
    return sheet.to_python(skip_empty_area=False, nrows=max_rows)


def too_many_rows(sheet: str, last_row: int, max_rows: int) -> str:
    return (f"工作表“{sheet}”一直填到第 {last_row} 行，超过每张工作表 {max_rows} 行的上限，不予读取："
            "月报每张表一般只有几百行，这多半是整列向下填充或粘贴到了表格底部。"
            "请选中数据下方多余的行，右键“删除”，保存后重新报送")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet XML part, from the workbook and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _zero_padded_styles(archive: zipfile.ZipFile) -> dict[bytes, int]:
    """Cell style index → width, for styles showing numbers zero-padded (`000000`)."""
    if "xl/styles.xml" not in archive.namelist():
        return {}
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except ElementTree.ParseError:
        # Styles only tell us which numbers to show zero-padded; calamine has read the values,
        # and a styles part it tolerates (e.g. with `&nbsp;`) must not cost the file its reading.
        return {}
    formats = {
        f.get("numFmtId"): len(f.get("formatCode", ""))
        for f in styles.iterfind("m:numFmts/m:numFmt", _NS)
        if _ZERO_FORMAT.match(f.get("formatCode", ""))
    }
    return {
        str(index).encode(): formats[xf.get("numFmtId")]
        for index, xf in enumerate(styles.iterfind("m:cellXfs/m:xf", _NS))
        if xf.get("numFmtId") in formats
    }


def _mark_cells(xml: bytes, grid: list[list], padded_styles: dict[bytes, int], sheet: str,
                max_rows: int) -> None:
    """Put into the grid what calamine loses: error cells, uncalculated formulas, and
    numbers the clerk sees zero-padded. Such a cell below `max_rows` is content there, as a
    value is (_grid): the grid does not grow past the limit."""
    if b't="e"' not in xml and not _FORMULA.search(xml) and not padded_styles:
        return
    for match in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        if b"r" not in attrs:
            continue
        body = match.group(2) or b""
        value = _VALUE.search(body)
        cached = value.group(1).decode() if value else ""
        if attrs.get(b"t") == b"e":
            shown = CellProblem(cached or "#VALUE!")
        elif _FORMULA.search(body) and not cached:
            shown = CellProblem("")
        elif attrs.get(b"s") in padded_styles and cached and attrs.get(b"t") in (None, b"n"):
            shown = cached.split(".")[0].zfill(padded_styles[attrs[b"s"]])
        else:
            continue
        row, col = _position(attrs[b"r"].decode())
        if row >= max_rows:
            raise ReadFailure(too_many_rows(sheet, row + 1, max_rows))
        _put(grid, row, col, shown)


def _position(ref: str) -> tuple[int, int]:
    letters, digits = _REF.match(ref).groups()
    col = 0
    for letter in letters.upper():  # calamine reads `a90` as A90: so must we
        col = col * 26 + ord(letter) - 64
    return int(digits) - 1, col - 1


def _put(grid: list[list], row: int, col: int, value) -> None:
    while len(grid) <= row:
        grid.append([])
    line = grid[row]
    while len(line) <= col:
        line.append("")
    line[col] = value


_END_OF_ZIP = b"PK\x05\x06"


def ends_early(data: bytes) -> bool:
    """A zip without its closing directory: the bytes stop where a copy in progress stops."""
    return data.startswith(ZIP_MAGIC) and _END_OF_ZIP not in data[-(1 << 16) - 22:]
