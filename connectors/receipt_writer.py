"""Writing 回执: the receipt workbook, and for a rejected file a copy of the clerk's own
workbook with each wrong cell highlighted and commented.

The copy is made from the clerk's untrusted bytes with openpyxl: `annotate` runs in the
memory- and time-capped reader workers, and whatever goes wrong there costs that file its
copy (its 回执 says why), nothing else.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from connectors.files import replacing
from connectors.xlsx_writer import TOP, WRAP, fit_rows, keep_as_text, print_setup, title_row
from xzzf.cells import normalise_header
from xzzf.receipt import PROBLEM_HEADER, problem_lines

_WRONG = PatternFill("solid", fgColor="FFC7CE")
_NOTICE = PatternFill("solid", fgColor="FFEB9C")
FILE_PROBLEMS_SHEET = "文件问题"
# PROBLEM_HEADER's columns: 类别, 工作表, 行号 (“第 123 行”), 列, 填写的值, 问题及修改要求.
_PROBLEM_WIDTHS = (10, 14, 10, 18, 24, 80)
_WRAPPED = "EF"  # 填写的值 and 问题及修改要求: the long ones


def write_receipt(path: Path, lines: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "回执"
    for line in lines:
        sheet.append(line)
    keep_as_text(sheet)
    title_row(sheet)
    header_row = lines.index(PROBLEM_HEADER) + 1
    _problem_table(sheet, header_row)
    print_setup(sheet, f"{header_row}:{header_row}")
    with replacing(path) as temporary:
        book.save(temporary)
    return path


def annotate(job: tuple[bytes, list[dict], list[dict]]) -> bytes:
    """The clerk's workbook (bytes) with each cell that has a problem filled — red when one
    of its problems is an error, yellow when all are warnings — and commented with all of
    them, errors first; problems that have no cell are listed on a first sheet."""
    original, errors, warnings = job
    book = openpyxl.load_workbook(io.BytesIO(original))
    by_title = {normalise_header(name): book[name] for name in book.sheetnames}
    marks: dict[tuple[str, str], tuple[object, list[str]]] = {}
    loose_errors, loose_warnings = [], []
    for kind, problems, loose in (("错误", errors, loose_errors), ("提醒", warnings, loose_warnings)):
        for problem in problems:
            cell = _cell_of(by_title.get(normalise_header(problem["sheet"] or "")), problem)
            if cell is None:
                loose.append(problem)
            else:
                marks.setdefault((cell.parent.title, cell.coordinate), (cell, []))[1].append(
                    f"{kind}：{problem['message']}")
    for cell, notes in marks.values():
        cell.fill = _WRONG if notes[0].startswith("错误") else _NOTICE
        cell.comment = Comment("\n".join(notes), "xzzf", width=320, height=40 + 40 * len(notes))
    first = book.create_sheet(FILE_PROBLEMS_SHEET, 0)
    loose = problem_lines(loose_errors, loose_warnings)
    lines = [PROBLEM_HEADER, *loose] if loose else [["本文件的问题都已在对应单元格标注（红色为错误，黄色为提醒）。"]]
    for line in lines:
        first.append(line)
    keep_as_text(first)
    if loose:
        _problem_table(first, 1)
    for sheet in book.worksheets:  # the clerk's sheets keep their content: only how they print changes
        print_setup(sheet)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problem_table(sheet, header_row: int) -> None:
    """The problem table from `header_row` down: bold headers, the value and the message
    wrapped in columns wide enough to read, each row read from its top line."""
    for letter, width in zip("ABCDEF", _PROBLEM_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=header_row + 1, max_col=len(_PROBLEM_WIDTHS)):
        for cell in row:
            cell.alignment = WRAP if cell.column_letter in _WRAPPED else TOP
    fit_rows(sheet, header_row + 1)


def _cell_of(sheet, problem: dict):
    """The cell a problem points at: its Excel row, and the column whose header it names
    (基本信息 is key/value: the value cell of the labelled row). In a merged area that is
    the area's top-left cell, the only one that can hold a fill and a comment."""
    if sheet is None or not problem["row"] or not problem["column"]:
        return None
    if sheet.title == "基本信息":
        return _writable(sheet, sheet.cell(row=problem["row"], column=2))
    wanted = normalise_header(problem["column"])
    for cell in sheet[1]:
        if cell.value is not None and normalise_header(cell.value) == wanted:
            return _writable(sheet, sheet.cell(row=problem["row"], column=cell.column))
    return None


def _writable(sheet, cell):
    if not isinstance(cell, MergedCell):
        return cell
    area = next(r for r in sheet.merged_cells.ranges if cell.coordinate in r)
    return sheet.cell(row=area.min_row, column=area.min_col)
