"""Writing the annual report: the workbook (with native charts and 未达标 cells marked), the
public data file, and the Word draft laid out like an official document."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from connectors.xlsx_writer import keep_as_text
from xzzf.annual_report import UNIT_KEYS, Sheet

_FAILING = PatternFill("solid", fgColor="FFC7CE")
_HEADER = Font(bold=True)


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        for row in sheet.rows:
            ws.append(row)
        keep_as_text(ws)
        for cell in ws[1]:
            cell.font = _HEADER
        for row, column in sheet.marked:
            ws.cell(row=row, column=column).fill = _FAILING
        ws.freeze_panes = "A2"
        for index in range(1, ws.max_column + 1):
            ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = 14
    units = book["分单位指标"]
    for index, key in enumerate(UNIT_KEYS, start=3):
        if key.endswith(("_rate", "_ratio")):
            for (cell,) in units.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    _charts(book)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _bar(title: str, categories: Reference, values: Reference, *, rows: bool = False) -> BarChart:
    chart = BarChart()
    chart.title, chart.legend, chart.width, chart.height = title, None, 24, 9
    chart.add_data(values, from_rows=rows, titles_from_data=False)
    chart.set_categories(categories)
    return chart


def _charts(book) -> None:
    """Native charts: 公开率 by unit, decisions by category, on-time reporting by unit."""
    units, public, overview = book["分单位指标"], book["公开数据"], book["总体情况"]
    last = units.max_row
    names = Reference(units, min_col=2, min_row=2, max_row=last)

    def column_of(key: str) -> int:
        return 3 + UNIT_KEYS.index(key)

    publication = Reference(units, min_col=column_of("publication_rate"), min_row=2, max_row=last)
    timeliness = Reference(units, min_col=column_of("submission_timeliness_rate"), min_row=2, max_row=last)
    categories = Reference(public, min_col=2, max_col=8, min_row=1)
    district = Reference(public, min_col=2, max_col=8, min_row=2)
    overview.add_chart(_bar("各单位行政执法决定公开率", names, publication), "G2")
    overview.add_chart(_bar("全区行政执法决定分类", categories, district, rows=True), "G22")
    overview.add_chart(_bar("各单位按时报送率", names, timeliness), "G42")


def write_public_data(path: Path, sheet: Sheet) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet.title
    for row in sheet.rows:
        ws.append(row)
    keep_as_text(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_draft(path: Path, title: str, sections: list[tuple[str, list[str]]]) -> Path:
    """Centred 小标宋/黑体-style title, 黑体 section headings 一、二、三、四、, 仿宋 body."""
    document = docx.Document()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title, "方正小标宋简体", 22, bold=True)
    for section, paragraphs in sections:
        _run(document.add_paragraph(), section, "黑体", 16)
        for text in paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            _run(paragraph, text, "仿宋_GB2312", 16)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def _run(paragraph, text: str, east_asian_font: str, size: int, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    run.font.name = "Times New Roman"  # Latin fallback; Word falls back for a missing CJK font too
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian_font)
