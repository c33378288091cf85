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
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink

from connectors.xlsx_writer import (
    TOP,
    WRAP,
    fast_print_setup,
    fit_rows,
    keep_as_text,
    new_workbook,
    print_setup,
    save_workbook,
    title_row,
    wrapped_lines,
    write_value,
)
from xzzf.cells import normalise_header
from xzzf.problems import count
from xzzf.receipt import PROBLEM_HEADER, listed_problems, problem_line

_WRONG = PatternFill("solid", fgColor="FFC7CE")
_NOTICE = PatternFill("solid", fgColor="FFEB9C")
# A grey printer (and a photocopy) turns both fills into near-white: the frame is what prints.
# A frame, not a pattern fill: LibreOffice shows a pattern as its blended solid colour.
_WRONG_FRAME = Border(**{side: Side("thick", color="C00000") for side in ("left", "right", "top", "bottom")})
_NOTICE_FRAME = Border(**{side: Side("mediumDashed", color="9C5700") for side in ("left", "right", "top", "bottom")})
_TABS = {"错误": "C00000", "提醒": "FFC000"}
_LINK = Font(color="0563C1", underline="single")
_TABLE_ROW = 3  # 文件问题's table header, under its title and its how-to line
FILE_PROBLEMS_SHEET = "文件问题"
# PROBLEM_HEADER's columns: 类别, 工作表, 行号 (“第 123 行”), 列, 填写的值, 问题及修改要求.
_PROBLEM_WIDTHS = (10, 14, 10, 18, 24, 80)
_WRAPPED = "EF"  # 填写的值 and 问题及修改要求: the long ones
_LINE_POINTS = 15  # one line of 11-pt text (fit_rows)


def write_receipt(path: Path, lines: list[list]) -> Path:
    """The 回执 workbook: `lines` (receipt_lines) on one sheet, the title large and bold, each
    labelled line's text across the table's width and wrapped (the next step and the 标注
    copy's line run long), the problem table under its bold header (the same look as
    `_problem_table`), A4 landscape one page wide with that header on every page. Written with
    XlsxWriter, several times faster than openpyxl for a workbook this small (issue 14); every
    text is written as a string, so a unit's typed "=cmd|..." is never a formula."""
    header_row = lines.index(PROBLEM_HEADER)  # 0-based, as XlsxWriter counts
    book = new_workbook()
    sheet = book.add_worksheet("回执")
    title, bold = book.add_format({"bold": True, "font_size": 14}), book.add_format({"bold": True})
    top, wrap = book.add_format({"valign": "top"}), book.add_format({"valign": "top", "text_wrap": True})
    aligned = [wrap if letter in _WRAPPED else top for letter in "ABCDEF"]
    for column, width in enumerate(_PROBLEM_WIDTHS):
        sheet.set_column(column, column, width)
    across = sum(_PROBLEM_WIDTHS[1:])
    for number, line in enumerate(lines):
        if 0 < number < header_row and len(line) == 2 and line[1]:
            sheet.write_string(number, 0, str(line[0]), top)
            sheet.merge_range(number, 1, number, len(_PROBLEM_WIDTHS) - 1, "", wrap)
            write_value(sheet, number, 1, line[1], wrap)
            if (height := wrapped_lines(line[1], across)) > 1:
                sheet.set_row(number, _LINE_POINTS * height)
            continue
        if number == 0:
            formats = [title]
        elif number == header_row:
            formats = [bold] * len(_PROBLEM_WIDTHS)
        elif number > header_row:
            formats = aligned
            line = [*line, *[None] * (len(_PROBLEM_WIDTHS) - len(line))]  # every cell of the table aligned
        else:
            formats = []
        for column, value in enumerate(line):
            write_value(sheet, number, column, value, formats[column] if column < len(formats) else None)
        if number > header_row:
            height = max((wrapped_lines(value, _PROBLEM_WIDTHS[column]) for column, value in enumerate(line)
                          if value is not None and "ABCDEF"[column] in _WRAPPED), default=1)
            if height > 1:
                sheet.set_row(number, _LINE_POINTS * height)
    sheet.set_row(0, 24)  # the 14-pt title is not clipped (title_row)
    fast_print_setup(sheet, header_row, gridlines=True)  # not ruled: gridlines on screen and in print
    return save_workbook(book, path)


def annotate(job: tuple[bytes, list[dict], list[dict]]) -> bytes:
    """The clerk's workbook (bytes) with each cell that has a problem marked — red with a bold
    frame when one of its problems is an error, yellow with a dashed frame when all are
    warnings — and commented with all of them, errors first; the tabs of the sheets with
    problems coloured the same way. A first sheet lists every problem, each location a link
    to its cell. Every sheet prints its comments at its end."""
    original, errors, warnings = job
    book = openpyxl.load_workbook(io.BytesIO(original))
    by_title = {normalise_header(name): book[name] for name in book.sheetnames}
    marks: dict[tuple[str, str], tuple[object, list[str]]] = {}
    listed = []
    for problem in listed_problems(errors, warnings):
        sheet = by_title.get(normalise_header(problem["sheet"] or ""))
        cell = _cell_of(sheet, problem)
        if cell is not None:
            marks.setdefault((cell.parent.title, cell.coordinate), (cell, []))[1].append(
                f"{problem['kind']}：{problem['message']}")
        listed.append((problem, cell or _nearest(sheet, problem)))
    for cell, notes in marks.values():
        wrong = notes[0].startswith("错误")
        cell.fill, cell.border = (_WRONG, _WRONG_FRAME) if wrong else (_NOTICE, _NOTICE_FRAME)
        cell.comment = Comment("\n".join(notes), "xzzf", width=320, height=40 + 40 * len(notes))
    kinds: dict[object, set[str]] = {}
    for problem, target in listed:
        if target is not None:
            kinds.setdefault(target.parent, set()).add(problem["kind"])
    for sheet, found in kinds.items():
        sheet.sheet_properties.tabColor = _TABS["错误" if "错误" in found else "提醒"]
    _problem_sheet(book.create_sheet(FILE_PROBLEMS_SHEET, 0), listed, count(errors), count(warnings))
    for sheet in book.worksheets:  # the clerk's sheets keep their content: only how they print changes
        if sheet.title != FILE_PROBLEMS_SHEET:
            print_setup(sheet)
        sheet.page_setup.cellComments = "atEnd"  # a comment's reason on paper too, after the sheet
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problem_sheet(sheet, listed: list[tuple[dict, object]], errors: int, warnings: int) -> None:
    """文件问题: what the copy shows and how to use it, then every problem (PROBLEM_HEADER)
    with its 工作表, 行号 and 列 a link to its cell (or, without a cell, to its row or sheet)."""
    counts = "、".join(f"{kind} {n} 处" for kind, n in (("错误", errors), ("提醒", warnings)) if n)
    sheet.append([f"本文件的问题：{counts}"])
    sheet.append(["点击“工作表”“行号”“列”可跳到该单元格。错误的单元格为红底粗框，提醒为黄底虚线框，"
                  "鼠标移到单元格上可看说明；用 Excel 或 WPS 打印时，说明列在各工作表的末尾。"])
    sheet.append(PROBLEM_HEADER)
    for problem, target in listed:
        sheet.append(problem_line(problem))
        if target is not None:
            location = f"'{target.parent.title.replace(chr(39), chr(39) * 2)}'!{target.coordinate}"
            for cell in sheet[sheet.max_row][1:4]:
                if cell.value:
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, display=str(cell.value))
                    cell.font = _LINK
    keep_as_text(sheet)
    title_row(sheet)
    sheet.sheet_properties.tabColor = _TABS["错误" if errors else "提醒"]
    _problem_table(sheet, _TABLE_ROW)
    print_setup(sheet, f"{_TABLE_ROW}:{_TABLE_ROW}")


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


def _nearest(sheet, problem: dict):
    """Where to jump for a problem with no cell of its own: its row's first cell, or the
    sheet's first (a missing column, a hidden sheet); None when the sheet is not there."""
    if sheet is None:
        return None
    return _writable(sheet, sheet.cell(row=problem["row"] or 1, column=1))


def _writable(sheet, cell):
    if not isinstance(cell, MergedCell):
        return cell
    area = next(r for r in sheet.merged_cells.ranges if cell.coordinate in r)
    return sheet.cell(row=area.min_row, column=area.min_col)
