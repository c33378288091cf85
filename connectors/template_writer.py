"""Writing a unit's template workbook: drop-downs on every enumerated column, date and
number formats, a frozen and protected header row, readable widths. Plain list validations
and no macros, so it works in WPS Office too."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from connectors.xlsx_writer import keep_as_text
from xzzf.schema import BASIC_INFO_SHEET, SHEETS, Kind
from xzzf.template import INSTRUCTIONS_SHEET, Template, choices

DATA_ROWS = 500  # rows with drop-downs and formats below the header
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.MONEY: "#,##0.00", Kind.NUMBER: "0.##", Kind.INTEGER: "0",
            Kind.IDENT: "@", Kind.TEXT: "@"}
_UNLOCKED = Protection(locked=False)


def write_template(path: Path, template: Template) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET), template.instructions)
    _basic_info(book.create_sheet(BASIC_INFO_SHEET), template)
    for sheet in SHEETS:
        _table(book.create_sheet(sheet.title), sheet, template)
    book.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _instructions(ws, lines: list[list[str]]) -> None:
    for line in lines:
        ws.append(line)
    ws["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABC", (22, 90, 50), strict=True):
        ws.column_dimensions[letter].width = width


def _basic_info(ws, template: Template) -> None:
    for label, value in template.info:
        ws.append([label, value])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 36
    for row in ws.iter_rows(min_col=2, max_col=2):
        for cell in row:
            cell.protection = _UNLOCKED
            cell.number_format = "@"
    fill_date = ws.cell(row=len(template.info), column=2)
    fill_date.number_format = "yyyy-mm-dd"
    for row in range(1, 5):  # 单位编码、名称、期间、版本 are ours, not the clerk's
        ws.cell(row=row, column=2).protection = Protection(locked=True)
    ws.protection.sheet = True


def _table(ws, sheet, template: Template) -> None:
    ws.append(list(sheet.headers))
    for record in template.rows.get(sheet.name, []):
        ws.append([record.get(c.name) for c in sheet.columns])
    keep_as_text(ws)
    last = DATA_ROWS + 1
    for index, column in enumerate(sheet.columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        header = ws.cell(row=1, column=index)
        header.font, header.fill = Font(bold=True), _HEADER_FILL
        header.alignment = Alignment(horizontal="center", wrap_text=True)
        dimension = ws.column_dimensions[letter]
        dimension.width = max(10, min(40, 2.2 * len(column.header) + 4))
        dimension.protection = _UNLOCKED  # empty cells below the header take the column's style
        dimension.number_format = _FORMATS.get(column.kind, "General")
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=index)
            cell.protection = _UNLOCKED
            cell.number_format = dimension.number_format
        options = choices(column)
        if options:
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                                        showErrorMessage=True, errorTitle="请从下拉列表选择",
                                        error=f"“{column.header}”只能填写：{'、'.join(options)}")
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
    if sheet.name == "task_progress":
        for row in range(2, ws.max_row + 1):
            number = ws.cell(row=row, column=1).value
            if number in template.task_titles:
                ws.cell(row=row, column=1).comment = Comment(template.task_titles[number], "xzzf")
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.insertRows = ws.protection.deleteRows = False  # False = allowed, in OOXML's terms
    ws.protection.formatColumns = False
