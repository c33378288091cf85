"""Writing a unit's template workbook: drop-downs on every enumerated column, date and
number formats, a frozen and protected header row, readable widths, and a page setup that
prints every sheet on A4 landscape. Plain list validations and no macros, so it works in WPS
Office too."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from connectors.files import replacing
from connectors.xlsx_writer import TOP, WRAP, fit_rows, keep_as_text, print_setup, text_width, title_row
from xzzf.schema import BASIC_INFO_SHEET, SHEETS, Kind
from xzzf.template import INSTRUCTIONS_SHEET, Template, choices

DATA_ROWS = 500  # rows with drop-downs and formats below the header
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_OURS_FILL = PatternFill("solid", fgColor="E7E6E6")  # grey: filled by the 司法局, locked (填报说明 says so)
# General, not "0.##": Excel shows 8 as "8." in that format.
_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.MONEY: "#,##0.00", Kind.NUMBER: "General", Kind.INTEGER: "0",
            Kind.IDENT: "@", Kind.TEXT: "@"}
# Free-text columns that run long: wide enough to read, and wrapped (every text column is)
# so that a printed page shows all of a cell, not what fits before the next column.
_WIDTHS = {"简要情况": 60, "佐证材料": 30, "备注": 30, "培训名称": 24, "案例名称": 24, "活动名称": 24}
# An 编号 prints whole (it never wraps): room for one like 红司市监罚〔2025〕123号 or SCJG-TS-2025-04-17.
_IDENT_WIDTH = 26
_UNLOCKED, _LOCKED = Protection(locked=False), Protection(locked=True)


def write_template(path: Path, template: Template) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET), template.instructions)
    _basic_info(book.create_sheet(BASIC_INFO_SHEET), template)
    for sheet in SHEETS:
        _table(book.create_sheet(sheet.title), sheet, template)
    for ws in book.worksheets:
        print_setup(ws)
    book.active = 1
    with replacing(path) as temporary:
        book.save(temporary)
    return path


def _instructions(ws, lines: list[list[str]]) -> None:
    for line in lines:
        ws.append(line)
    title_row(ws)
    for row in ws.iter_rows(min_row=2, max_col=1):
        if isinstance(row[0].value, str) and row[0].value.startswith(("【", "列名", "项目")):
            for cell in ws[row[0].row]:
                cell.font = Font(bold=True)
    for letter, width in zip("ABC", (22, 90, 60), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(max_col=3):  # rule texts and choice lists wrap; column A's lines run on
        for cell in row:
            cell.alignment = TOP if cell.column == 1 else WRAP
    fit_rows(ws)


def _basic_info(ws, template: Template) -> None:
    for label, value in template.info:
        ws.append([label, value])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 36
    for row in ws.iter_rows(min_col=2, max_col=2):
        for cell in row:
            ours = cell.value is not None  # 单位编码、名称、期间、版本: prefilled, not the clerk's
            cell.protection = _LOCKED if ours else _UNLOCKED
            cell.number_format = "@"
            if ours:
                cell.fill = _OURS_FILL
    fill_date = ws.cell(row=len(template.info), column=2)
    fill_date.number_format = "yyyy-mm-dd"
    ws.protection.sheet = True


def _table(ws, sheet, template: Template) -> None:
    columns = sheet.template_columns
    ws.append([c.header for c in columns])
    for record in template.rows.get(sheet.name, []):
        ws.append([record.get(c.name) for c in columns])
    keep_as_text(ws)
    last = DATA_ROWS + 1
    for index, column in enumerate(columns, start=1):
        ours = column in sheet.display  # a reading aid: filled by us, locked, shaded
        header = ws.cell(row=1, column=index)
        letter = header.column_letter
        header.font, header.fill = Font(bold=True), _HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        dimension = ws.column_dimensions[letter]
        by_header = _IDENT_WIDTH if column.kind is Kind.IDENT else max(10, min(40, 2.2 * len(column.header) + 4))
        dimension.width = _width(ws, index) if ours else _WIDTHS.get(column.header, by_header)
        dimension.protection = _LOCKED if ours else _UNLOCKED  # empty cells below the header take the column's style
        dimension.number_format = _FORMATS.get(column.kind, "General")
        alignment = WRAP if column.kind is Kind.TEXT else TOP
        dimension.alignment = alignment
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=index)
            cell.protection = _LOCKED if ours else _UNLOCKED
            cell.number_format = dimension.number_format
            cell.alignment = alignment
            if ours:
                cell.fill = _OURS_FILL
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


def _width(ws, index: int) -> float:
    """A display column is as wide as its longest text: a row of ours never needs a second line
    (a stored row height would stop the row growing as the clerk types in it)."""
    return max(text_width(cell.value or "") for cell in next(ws.iter_cols(min_col=index, max_col=index))) + 2
