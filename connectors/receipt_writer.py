"""Writing 回执: the receipt workbook, and for a rejected file a copy of the clerk's own
workbook with each wrong cell highlighted and commented."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from connectors.xlsx_writer import keep_as_text, write_sheets
from xzzf.cells import normalise_header
from xzzf.receipt import PROBLEM_HEADER

_WRONG = PatternFill("solid", fgColor="FFC7CE")
_NOTICE = PatternFill("solid", fgColor="FFEB9C")
FILE_PROBLEMS_SHEET = "文件问题"


def write_receipt(path: Path, lines: list[list]) -> Path:
    written = write_sheets(path, [("回执", lines)])
    book = openpyxl.load_workbook(written)
    sheet = book["回执"]
    sheet["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCDEF", (10, 14, 8, 16, 24, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    book.save(written)
    return written


def write_annotated_copy(path: Path, original: bytes, errors: list[dict], warnings: list[dict]) -> Path:
    """The clerk's workbook with wrong cells filled red (warnings yellow) and a comment each;
    problems that have no cell are listed on a first sheet."""
    book = openpyxl.load_workbook(io.BytesIO(original))
    by_title = {normalise_header(name): book[name] for name in book.sheetnames}
    loose = []
    for kind, fill, problems in (("错误", _WRONG, errors), ("提醒", _NOTICE, warnings)):
        for problem in problems:
            cell = _cell_of(by_title.get(normalise_header(problem["sheet"] or "")), problem)
            if cell is None:
                loose.append([kind, problem["sheet"] or "（整个文件）", problem["row"], problem["column"],
                              problem["value"], problem["message"]])
                continue
            cell.fill = fill
            cell.comment = Comment(f"{kind}：{problem['message']}", "xzzf")
    first = book.create_sheet(FILE_PROBLEMS_SHEET, 0)
    lines = [PROBLEM_HEADER, *loose] if loose else [["本文件的问题都已在对应单元格标注（红色为错误，黄色为提醒）。"]]
    for line in lines:
        first.append(line)
    keep_as_text(first)
    book.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _cell_of(sheet, problem: dict):
    """The cell a problem points at: its Excel row, and the column whose header it names
    (基本信息 is key/value: the value cell of the labelled row)."""
    if sheet is None or not problem["row"] or not problem["column"]:
        return None
    if sheet.title == "基本信息":
        return sheet.cell(row=problem["row"], column=2)
    wanted = normalise_header(problem["column"])
    for cell in sheet[1]:
        if cell.value is not None and normalise_header(cell.value) == wanted:
            return sheet.cell(row=problem["row"], column=cell.column)
    return None
