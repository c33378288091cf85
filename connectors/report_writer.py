"""Writing the annual report: the workbook (with native charts and 未达标 cells marked), the
public data file, and the Word draft laid out like an official document; a preview's each
marked as one. Copying them to the share staff PCs open."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from connectors.files import write_bytes
from connectors.xlsx_writer import keep_as_text
from xzzf.annual_report import UNIT_KEYS, Sheet

_FAILING = PatternFill("solid", fgColor="FFC7CE")
_HEADER = Font(bold=True)
_NOTICE = RGBColor(0xC0, 0x00, 0x00)
PREVIEW_TAB = "（预览）"


def _tab(ws, title: str, notice: str | None) -> None:
    """A preview's tab says 预览 (what one sees on screen), and so does each printed page."""
    ws.title = f"{title}{PREVIEW_TAB}" if notice else title
    if notice:
        ws.oddHeader.center.text = notice


def write_workbook(path: Path, sheets: list[Sheet], notice: str | None = None) -> Path:
    """`notice`: a preview's words; its sheets are then marked 预览."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    tabs = {}
    for sheet in sheets:
        ws = tabs[sheet.title] = book.create_sheet()
        _tab(ws, sheet.title, notice)
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
    units = tabs["分单位指标"]
    for index, key in enumerate(UNIT_KEYS, start=3):
        if key.endswith(("_rate", "_ratio")):
            for (cell,) in units.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    _charts(tabs)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _bar(title: str, categories: Reference, values: Reference, *, rows: bool = False) -> BarChart:
    chart = BarChart()
    chart.title, chart.legend, chart.width, chart.height = title, None, 24, 9
    chart.add_data(values, from_rows=rows, titles_from_data=False)
    chart.set_categories(categories)
    return chart


def _charts(tabs: dict) -> None:
    """Native charts: 公开率 by unit, decisions by category, on-time reporting by unit. `tabs`:
    each sheet by its own title (a preview's tab names differ)."""
    units, public, overview = tabs["分单位指标"], tabs["公开数据"], tabs["总体情况"]
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


def write_public_data(path: Path, sheet: Sheet, notice: str | None = None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    _tab(ws, sheet.title, notice)
    for row in sheet.rows:
        ws.append(row)
    keep_as_text(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_draft(path: Path, title: str, sections: list[tuple[str, list[str]]], notice: str | None = None) -> Path:
    """Centred 小标宋/黑体-style title, 黑体 section headings 一、二、三、四、, 仿宋 body. A
    preview (`notice`) says so in red under the title and at the top of every page: a
    printed page must not pass for the report."""
    document = docx.Document()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title, "方正小标宋简体", 22, bold=True)
    if notice:
        marked = document.add_paragraph()
        marked.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(marked, notice, "黑体", 14, bold=True).font.color.rgb = _NOTICE
        page_top = document.sections[0].header.paragraphs[0]
        page_top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(page_top, notice, "黑体", 10).font.color.rgb = _NOTICE
    for section, paragraphs in sections:
        _run(document.add_paragraph(), section, "黑体", 16)
        for text in paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            _run(paragraph, text, "仿宋_GB2312", 16)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def _run(paragraph, text: str, east_asian_font: str, size: int, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    run.font.name = "Times New Roman"  # Latin fallback; Word falls back for a missing CJK font too
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian_font)
    return run


def copy_to(files: dict[str, Path], folder: Path) -> dict[str, Path]:
    """Each file copied into `folder` under its own name, written under a temporary name and
    renamed (connectors.files): a staff PC that opens the share mid-copy finds the old file
    or the new one, never a cut one. The files are a report's few hundred KB."""
    return {key: write_bytes(folder / path.name, path.read_bytes()) for key, path in files.items()}
