import openpyxl

from connectors.xlsx_reader import read_workbook
from connectors.xlsx_writer import write_sheets


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    typed = ['=HYPERLINK("http://evil.example","点我")', "-1+2", "+86 953", "@SUM(A1)", "正常文字"]
    path = write_sheets(tmp_path / "w.xlsx", [("S", [typed, [1, 2.5]])])
    sheet = openpyxl.load_workbook(path)["S"]
    assert [c.data_type for c in sheet[1]] == ["s"] * 5
    assert read_workbook(path.read_bytes()).grids["S"] == [typed, [1.0, 2.5, "", "", ""]]
