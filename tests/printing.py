"""What every sheet we hand a clerk must carry to print well (issue 11): A4 landscape, one page
wide however many long (a wide sheet of the template or the 标注 copy: as many as keep its text
readable, issue 22), its header row on every page."""

from __future__ import annotations


def assert_prints_on_a4_landscape(sheet, title_rows: str = "1:1", pages_wide: int = 1) -> None:
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), sheet.title  # 9: A4
    # An absent fitToWidth is 1 (ECMA-376's default; XlsxWriter leaves it out, Excel and WPS read it so).
    assert (int(setup.fitToWidth or 1), int(setup.fitToHeight)) == (pages_wide, 0), sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title  # without it Excel ignores the two above
    assert (sheet.print_title_rows or "").replace("$", "") == title_rows, sheet.title  # read back as $1:$1
