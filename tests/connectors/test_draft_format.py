"""The Word draft laid out as GB/T 9704-2012 lays out a 公文 (issue 13), read back from the
real .docx: page and 版心, the 22 × 28 grid, fonts and sizes, page numbers on the outer edge,
署名 and 成文日期, and properties that say who wrote it and when; and (issue 22) printed by
LibreOffice at 28 characters a line and 22 lines a page, as Word and WPS lay it out."""

import datetime as dt
import re
import subprocess
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from connectors.draft_writer import write_draft
from tests.libreoffice import PDFTOPPM, SOFFICE, convert
from xzzf.draft import Draft, Part
from xzzf.periods import BEIJING

AS_OF = dt.datetime(2027, 1, 10, 9, 30, tzinfo=BEIJING)
# Chinese characters and marks only, each one 字 wide in any face, so that a printed line's
# characters can be counted; 138 characters: a first line of 26 (indented two), then four of 28.
BODY = "各单位按照提升行政执法质量三年行动方案的要求，全面推进严格规范公正文明执法，取得了明显成效。" * 3
DRAFT = Draft(
    title="吴忠市红寺堡区2026年度行政执法工作报告", addressee="区委全面依法治区委员会办公室",
    opening="根据各单位报送的行政执法月度数据（数据截至2027年1月10日），现将我区2026年度行政执法工作情况报告如下：",
    parts=(Part("一、基本情况", (BODY,) * 6),
           Part("二、主要做法及成效", (), (Part("（一）全面提升行政执法人员能力素质", (BODY,) * 6),)),
           Part("三、存在问题", (BODY,) * 4), Part("四、下一步工作", ("【待完善】请补充。",))),
    issuer="吴忠市红寺堡区司法局", date="2027年1月10日")
MM_PER_TWIP = 25.4 / 1440


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return write_draft(tmp_path_factory.mktemp("draft") / "draft.docx", DRAFT, AS_OF)


@pytest.fixture(scope="module")
def document(path):
    return docx.Document(path)


def paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_standards_margins(document):
    """A4; 天头 37 mm and 订口 28 mm around a 版心 of 156 × 225 mm."""
    section = document.sections[0]
    size = [round(v.mm, 1) for v in (section.page_width, section.page_height)]
    margins = [round(v.mm, 1) for v in (section.top_margin, section.left_margin, section.right_margin,
                                        section.bottom_margin)]
    assert size == [210.0, 297.0]
    assert margins == [37.0, 28.0, 210 - 28 - 156, 297 - 37 - 225]


def spacing(rpr) -> int:
    return int(rpr.find(qn("w:spacing")).get(qn("w:val")))


def test_the_grid_holds_22_lines_of_28_characters(document):
    """docGrid: 22 lines fit the 版心's height (not 23). 28 characters of 3号 fit its width (not
    29) by the text's character spacing, not by a character pitch on the grid (LibreOffice spreads
    each character over two cells of that): in the Normal style, so a paragraph the writer adds
    keeps it, and in the document's defaults."""
    section = document.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:charSpace")) is None
    height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    line = int(grid.get(qn("w:linePitch")))
    assert 22 * line <= height < 23 * line
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    normal = document.styles["Normal"].element.rPr
    assert spacing(defaults) == spacing(normal)
    pitch = 16 * 20 + spacing(normal)  # twips a character, 3号 being 16 pt
    assert 28 * pitch <= width < 29 * pitch
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 22 * normal.line_spacing.pt * 20 <= height  # exact spacing: 22 lines of text fit too


def test_the_title_is_2hao_xiaobiaosong_centred_with_a_blank_line_after(document):
    title = document.paragraphs[0]
    assert title.text == DRAFT.title and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [(east_asian(r), r.font.size, r.font.bold) for r in title.runs] == [("方正小标宋简体", Pt(22), None)]
    assert spacing(title.runs[0]._element.rPr) == 0  # the 3号 text's spacing is not the title's
    assert document.paragraphs[1].text == ""
    addressee = document.paragraphs[2]
    assert addressee.text == "区委全面依法治区委员会办公室：" and not addressee.paragraph_format.first_line_indent
    assert addressee.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)


@pytest.mark.parametrize(("text", "font"), [(DRAFT.parts[0].heading, "黑体"),  # 一、
                                            (DRAFT.parts[1].parts[0].heading, "楷体_GB2312"),  # （一）
                                            (BODY, "仿宋_GB2312")])
def test_headings_and_text_are_3hao_in_their_faces_indented_two_characters(document, text, font):
    found = paragraph(document, text)
    assert {(east_asian(r), r.font.size) for r in found.runs} == {(font, Pt(16))}
    assert found.paragraph_format.first_line_indent == Pt(32)
    assert found.paragraph_format.element.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_every_run_and_the_normal_style_name_their_east_asian_face(document):
    """Word and WPS take the Chinese face from w:eastAsia; the Normal style and the document's
    defaults carry it too, so an empty line or a new paragraph is 3号仿宋 as well."""
    runs = [r for p in document.paragraphs for r in p.runs]
    assert runs and all(east_asian(r) for r in runs)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and fonts.get(qn("w:eastAsiaTheme")) is None


def test_page_numbers_are_4hao_songti_between_dashes_on_the_outer_edge(document):
    """— 1 — from a PAGE field, on odd pages right and on even pages left, each a character in."""
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        [number] = footer.paragraphs
        assert number.text == "— 1 —" and number.alignment == alignment
        assert number.runs[0].text == "— " and number.runs[-1].text == " —"
        assert [t.text.strip() for t in number._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert {(east_asian(r), r.font.size) for r in number.runs} == {("宋体", Pt(14))}
        assert number._p.pPr.ind.get(qn(f"w:{side}Chars")) == "100"
    assert not section.different_first_page_header_footer  # the first page is numbered too


def width(text: str) -> float:
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def test_the_issuer_is_centred_over_the_date_four_characters_from_the_right(document):
    """GB/T 9704 7.3.5.1: 成文日期右空四字, the 署名 centred on it, above it."""
    signed = [p for p in document.paragraphs if p.text][-2:]
    assert [p.text for p in signed] == [DRAFT.issuer, DRAFT.date]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in signed)
    issuer, date = (p.paragraph_format.right_indent.pt / 16 for p in signed)
    assert date == 4
    assert issuer + width(DRAFT.issuer) / 2 == pytest.approx(date + width(DRAFT.date) / 2)


def test_the_properties_name_the_issuer_and_the_as_of_date(document):
    properties = document.core_properties
    assert (properties.title, properties.author, properties.last_modified_by) == (
        DRAFT.title, DRAFT.issuer, DRAFT.issuer)
    assert properties.created == properties.modified == AS_OF
    assert (properties.revision, properties.comments, properties.keywords) == (1, "", "")
    assert "python-docx" not in str([getattr(properties, k) for k in dir(properties) if not k.startswith("_")])


def test_a_preview_says_so_under_the_title_and_atop_odd_and_even_pages(tmp_path):
    notice = "预览：数据截至 2026-11-20，仅供查看，不是正式报告"
    preview = docx.Document(write_draft(tmp_path / "preview.docx", DRAFT, AS_OF, notice))
    assert preview.paragraphs[1].text == notice
    section = preview.sections[0]
    for header in (section.header, section.even_page_header):
        [line] = header.paragraphs
        assert line.text == notice and line.runs[0].font.color.rgb == docx.shared.RGBColor(0xC0, 0, 0)


LIBREOFFICE = pytest.mark.skipif(not (SOFFICE and PDFTOPPM), reason="需要 LibreOffice（soffice）和 poppler（pdfinfo）")


@pytest.fixture(scope="module")
def printed(path, tmp_path_factory) -> tuple[Path, list[list[str]]]:
    """The draft printed by LibreOffice: the PDF, and each page's lines of text as pdftotext
    lays them out (without the spaces it puts between characters set apart)."""
    pdf = convert(path, "pdf", tmp_path_factory.mktemp("printed"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[line for raw in page.splitlines() if (line := "".join(raw.split()))] for page in text.split("\f")]
    return pdf, [page for page in pages if page]


@LIBREOFFICE
def test_libreoffice_sets_28_characters_a_line(printed):
    """Issue 22: the text's lines as LibreOffice prints them: a paragraph's first line 26
    characters after its two-character indent, every full line after it 28 (27 would mean the
    characters are too wide for the 版心, 14 that each takes two cells of a character grid)."""
    paragraphs = 6 + 6 + 4  # BODY in DRAFT
    lines = [line for page in printed[1] for line in page if line in BODY]
    assert [len(line) for line in lines] == [26, 28, 28, 28, 28] * paragraphs


@LIBREOFFICE
def test_libreoffice_sets_22_lines_a_page(printed):
    """A page the text fills holds 22 lines in the 版心, and its page number under them."""
    _, pages = printed
    middle = pages[1:-1]
    assert middle and all(len(page) == 22 + 1 and re.fullmatch(r"—\d+—", page[-1]) for page in middle)


@LIBREOFFICE
def test_libreoffice_prints_it_on_a4_with_a_number_on_every_page(path, printed):
    pdf, printed_pages = printed
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    lines = 3 + sum(-(-int(width(p.text)) // 28) or 1 for p in docx.Document(path).paragraphs)
    assert -(-lines // 22) <= pages <= -(-lines // 22) + 1
    assert [int(n) for page in printed_pages for n in re.findall(r"^—(\d+)—$", page[-1])] == list(range(1, pages + 1))
