"""The annual report's Word draft laid out as GB/T 9704-2012 (党政机关公文格式) lays out a 公文,
so that the 司法局 edits its words rather than its format: A4, 天头 37 mm, 订口 28 mm, a 版心 of
156 × 225 mm holding 22 lines of 28 characters; 2号小标宋 title, 3号仿宋 text with 3号黑体 and
3号楷体 headings; page numbers "— 1 —" in 4号宋体 on the outer edge; 署名 and 成文日期 at the
end. A preview says so in red under the title and at the top of every page."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor, Twips

from connectors.files import replacing
from xzzf.draft import Draft, Part

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)  # A4
TOP, LEFT = Mm(37), Mm(28)  # 天头, 订口
TEXT_WIDTH, TEXT_HEIGHT = Mm(156), Mm(225)  # 版心
RIGHT, BOTTOM = Emu(PAGE_WIDTH - LEFT - TEXT_WIDTH), Emu(PAGE_HEIGHT - TOP - TEXT_HEIGHT)
LINES, CHARACTERS = 22, 28
TITLE_SIZE, TEXT_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(14)  # 2号, 3号, 4号
TITLE_FONT, TEXT_FONT, PAGE_NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "宋体"
HEADING_FONTS = ("黑体", "楷体_GB2312")  # 一、 and （一）
NOTICE_FONT, NOTICE_COLOUR = "黑体", RGBColor(0xC0, 0x00, 0x00)
NOTICE_SIZE, NOTICE_HEADER_SIZE = Pt(14), Pt(10)  # under the title, atop each page
# Exact line height: the 版心's height over 22 lines, rounded down to a twip (579 twips, 28.95
# pt), as Word's own 22-line grid does, so that 22 lines always fit.
LINE_PITCH = Twips(TEXT_HEIGHT.twips // LINES)
# 28 characters of 3号 (16 pt) are 448 pt, wider than the 版心's 442 pt: each character of the
# text is drawn that much closer to the next (w:spacing on the run, in twips, rounded away from
# zero so that the 28th never wraps: -5, a quarter point). A character pitch on the document grid
# (linesAndChars) would do it in Word and WPS, but LibreOffice sets each character wider than
# that pitch over two grid cells (14 characters a line); spacing on the runs, with a grid of
# lines only, reads alike in all three.
TEXT_SPACING = Twips(math.floor((PAGE_WIDTH.twips - LEFT.twips - RIGHT.twips) / CHARACTERS - TEXT_SIZE.twips))
# "一字线上距版心下边缘7mm": the page number's line (exactly its size high) starts 7 mm below the 版心.
FOOTER_DISTANCE = Emu(BOTTOM - Mm(7) - PAGE_NUMBER_SIZE)
SEAL_LINES = 2  # blank lines above the 署名: the seal sits within a line of the text and covers 署名 and 日期
# pPr children we write that must follow w:snapToGrid (the schema fixes their order).
_AFTER_SNAP = ("w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")


def write_draft(path: Path, draft: Draft, as_of: dt.datetime, notice: str | None = None) -> Path:
    """`draft` as a .docx at `path`, dated `as_of` (its properties say so, not python-docx's
    defaults). `notice`: a preview's words, in red under the title and at the top of every page:
    a printed page must not pass for the report."""
    document = docx.Document()
    section = _page(document)
    _defaults(document)
    _text(document.add_paragraph(), draft.title, TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, grid=False)
    if notice:
        _text(document.add_paragraph(), notice, NOTICE_FONT, NOTICE_SIZE, WD_ALIGN_PARAGRAPH.CENTER,
              grid=False).runs[0].font.color.rgb = NOTICE_COLOUR
        for header in (section.header, section.even_page_header):  # odd and even pages have their own
            _text(header.paragraphs[0], notice, NOTICE_FONT, NOTICE_HEADER_SIZE, WD_ALIGN_PARAGRAPH.CENTER,
                  grid=False).runs[0].font.color.rgb = NOTICE_COLOUR
    document.add_paragraph()  # 标题下空一行
    _text(document.add_paragraph(), f"{draft.addressee}：", TEXT_FONT)  # 主送机关, 顶格
    _body(document, draft.opening)
    for part in draft.parts:
        _part(document, part, 0)
    for _ in range(SEAL_LINES):
        document.add_paragraph()
    # 成文日期右空四字; the 署名 centred on the date above it (GB/T 9704 7.3.5.1, a sealed document),
    # or at the right edge when it is too long for that.
    issuer = _text(document.add_paragraph(), draft.issuer, TEXT_FONT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _indent(issuer, "right", max(0.0, 4 + (_width(draft.date) - _width(draft.issuer)) / 2))
    _indent(_text(document.add_paragraph(), draft.date, TEXT_FONT, align=WD_ALIGN_PARAGRAPH.RIGHT), "right", 4)
    _properties(document, draft, as_of)
    with replacing(path) as temporary:
        document.save(temporary)
    return path


def _page(document):
    """A4, the 版心 placed by 天头 and 订口, the grid of 22 lines, page numbers on every page."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.left_margin = TOP, LEFT
    section.right_margin, section.bottom_margin = RIGHT, BOTTOM
    section.footer_distance = FOOTER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
    grid.attrib.pop(qn("w:charSpace"), None)
    # 单页码居右空一字，双页码居左空一字: odd and even pages need footers of their own.
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        number = _text(footer.paragraphs[0], "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, align, grid=False)
        number.paragraph_format.line_spacing = PAGE_NUMBER_SIZE
        _indent(number, side, 1)
        _page_field(number)
        _run(number, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    return section


def _defaults(document) -> None:
    """The document's defaults and its Normal style in the text's font and size with exact
    line spacing and the text's character spacing, so that empty lines (the blank line under the
    title, the seal's room) keep the grid and a paragraph the writer adds holds 28 characters a
    line too; the template's theme fonts (a Japanese East-Asian face) are replaced."""
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    for rpr in (defaults, normal.element.get_or_add_rPr()):
        _fonts(rpr, TEXT_FONT)
        rpr.get_or_add_sz().val = TEXT_SIZE
        _spacing(rpr, TEXT_SPACING)
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after = Pt(0), Pt(0)
    spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH


def _fonts(rpr, font: str) -> None:
    """One face for every script. East Asian (w:eastAsia) is what Word and WPS use for Chinese;
    ascii and hAnsi take the same face rather than Times New Roman because GB/T 9704 sets every
    element, numbers included, in its Chinese face (its page numbers are 宋体 digits) and the
    grid's 28 characters are measured in it. The hint makes Word and WPS draw the marks both
    scripts share (“” — ……) full-width, as Chinese text has them."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _spacing(rpr, spacing: Length) -> None:
    """Character spacing (w:spacing, in twips): how much closer each character is to the next."""
    element = rpr.find(qn("w:spacing"))
    if element is None:
        element = OxmlElement("w:spacing")
        rpr.insert_element_before(element, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
                                  "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
                                  "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    element.set(qn("w:val"), str(spacing.twips))


def _run(paragraph, text: str, font: str, size: Length):
    """A run of `text`; one not in the text's size (the title, the page numbers, the notice) at
    its font's own spacing, not the text's."""
    run = paragraph.add_run(text)
    run.font.size = size
    rpr = run._element.get_or_add_rPr()
    _fonts(rpr, font)
    if size != TEXT_SIZE:
        _spacing(rpr, Twips(0))
    return run


def _text(paragraph, text: str, font: str, size: Length = TEXT_SIZE, align=None, grid: bool = True):
    """`text` in `font` at `size`. `grid`: False for what is not 3号 text (the title, the page
    numbers), which is not set on the grid's line pitch."""
    if not grid:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        paragraph._p.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP)
    paragraph.alignment = align
    _run(paragraph, text, font, size)
    return paragraph


def _indent(paragraph, side: str, characters: float) -> None:
    """An indent in characters (字), as GB/T 9704 gives them: Word and WPS read w:*Chars and
    keep it on the grid; LibreOffice reads the length."""
    setattr(paragraph.paragraph_format, {"firstLine": "first_line_indent", "left": "left_indent",
                                         "right": "right_indent"}[side], Pt(TEXT_SIZE.pt * characters))
    paragraph._p.pPr.ind.set(qn(f"w:{side}Chars"), str(round(characters * 100)))


def _body(document, text: str) -> None:
    _indent(_text(document.add_paragraph(), text, TEXT_FONT, align=WD_ALIGN_PARAGRAPH.JUSTIFY), "firstLine", 2)


def _part(document, part: Part, level: int) -> None:
    """A heading (一、 in 黑体, （一） in 楷体), indented two characters like the text, kept
    with what follows and marked as an outline level (Word's and WPS's navigation pane)."""
    heading = _text(document.add_paragraph(), part.heading, HEADING_FONTS[level], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _indent(heading, "firstLine", 2)
    heading.paragraph_format.keep_with_next = True
    heading._p.pPr.get_or_add_outlineLvl().val = level
    for text in part.paragraphs:
        _body(document, text)
    for sub in part.parts:
        _part(document, sub, level + 1)


def _page_field(paragraph) -> None:
    """A PAGE field, showing 1 until Word, WPS or LibreOffice lays the pages out."""
    def field_char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    for element in (field_char("begin"), code, field_char("separate")):
        _run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)._r.append(element)
    _run(paragraph, "1", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)._r.append(field_char("end"))


def _width(text: str) -> float:
    """`text`'s width in characters (字): a half-width digit or letter is half of one."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _properties(document, draft: Draft, as_of: dt.datetime) -> None:
    """Who wrote it and when, instead of python-docx's own author and its 2013 date."""
    properties = document.core_properties
    properties.title, properties.subject = draft.title, "年度行政执法工作报告（草稿）"
    properties.author = properties.last_modified_by = draft.issuer
    properties.comments = properties.keywords = properties.category = ""
    properties.created = properties.modified = as_of.astimezone(dt.UTC).replace(microsecond=0)
    properties.revision = 1
