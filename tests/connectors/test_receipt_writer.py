"""The 回执 workbook as write_receipt writes it (XlsxWriter): a unit's typed text stays text,
the sheet looks and prints as the problem table should, and a full disk is an OSError."""

import contextlib
import datetime as dt
import errno
from pathlib import Path

import openpyxl
import pytest

import connectors.xlsx_writer
from connectors.receipt_writer import write_receipt
from tests.printing import assert_prints_on_a4_landscape
from xzzf.intake import FileEntry
from xzzf.receipt import receipt_lines

TYPED = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "-1+2", "+86 953", "@SUM(A1)"]


def lines(errors: list[dict]) -> list[list]:
    entry = FileEntry("SFJ/十月月报.xlsx", "a" * 64, "SFJ", "2026-10", "rejected", errors, [])
    return receipt_lines(entry, "司法局", dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC))


def problem(value, message="“执法类别”只能从下拉列表中选择", row=2) -> dict:
    return {"sheet": "执法决定", "row": row, "column": "执法类别", "value": value, "message": message}


def test_a_typed_formula_stays_text(tmp_path):
    written = lines([problem(v, message=v, row=n) for n, v in enumerate(TYPED, start=2)])
    sheet = openpyxl.load_workbook(write_receipt(tmp_path / "r.xlsx", written))["回执"]
    rows = list(sheet.iter_rows())
    table = rows[next(i for i, r in enumerate(rows) if r[0].value == "类别") + 1:]
    assert [(r[4].value, r[4].data_type, r[5].value, r[5].data_type) for r in table] == [
        (v, "s", v, "s") for v in TYPED]


def test_the_receipt_reads_and_prints_as_the_problem_table(tmp_path):
    long = "请核对" * 30  # 180 units of width: three lines in 问题及修改要求 (80 wide)
    written = lines([problem("作废", long), {**problem(""), "sheet": None, "row": None, "column": None}])
    sheet = openpyxl.load_workbook(write_receipt(tmp_path / "r.xlsx", written))["回执"]
    header = written.index(["类别", "工作表", "行号", "列", "填写的值", "问题及修改要求"]) + 1
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[:3] == [["行政执法月报回执", *[None] * 5], ["单位", "司法局（SFJ）", *[None] * 4],
                          ["文件", "SFJ/十月月报.xlsx", *[None] * 4]]
    assert values[header:] == [["错误", "（整个文件）", None, None, None, "“执法类别”只能从下拉列表中选择"],
                               ["错误", "执法决定", "第 2 行", "执法类别", "作废", long]]  # "" and None: empty
    assert (sheet["A1"].font.b, sheet["A1"].font.sz, sheet.row_dimensions[1].height) == (True, 14, 24)
    assert all(c.font.b for c in sheet[header])
    assert [int(sheet.column_dimensions[c].width) for c in "ABCDEF"] == [10, 14, 10, 18, 24, 80]
    for row in sheet.iter_rows(min_row=header + 1):
        assert [c.alignment.wrap_text or False for c in row] == [False] * 4 + [True] * 2
        assert {c.alignment.vertical for c in row} == {"top"}
    wrapped = next(r[0].row for r in sheet.iter_rows(min_row=header + 1) if r[5].value == long)
    assert sheet.row_dimensions[wrapped].height == 45  # three lines of 15 pt, not clipped at one
    assert_prints_on_a4_landscape(sheet, f"{header}:{header}")
    assert sheet.print_options.gridLines and sheet.oddFooter.center.text == "&A　第 &P 页，共 &N 页"


def test_a_full_disk_is_an_oserror_and_leaves_nothing_under_the_name(tmp_path, monkeypatch):
    @contextlib.contextmanager
    def full(path: Path):
        yield Path("/dev/full")  # every write: ENOSPC

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    monkeypatch.setattr(connectors.xlsx_writer, "replacing", full)
    with pytest.raises(OSError) as raised:
        write_receipt(tmp_path / "r.xlsx", lines([problem("作废")]))
    assert raised.value.errno == errno.ENOSPC and not (tmp_path / "r.xlsx").exists()


def test_a_long_labelled_line_runs_across_the_table_and_wraps(tmp_path):
    """下一步 and 标注副本 run to a hundred characters: printed within the page, not past its edge."""
    entry = FileEntry("SFJ/十月月报.xlsx", "a" * 64, "SFJ", "2026-10", "rejected", [problem("作废")], [])
    note = "已生成《十月月报-aaaaaaaa-标注.xlsx》" + "说明" * 40  # 37 + 160 wide: two lines of 146
    written = receipt_lines(entry, "司法局", dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC), note)
    sheet = openpyxl.load_workbook(write_receipt(tmp_path / "r.xlsx", written))["回执"]
    row = next(r[0].row for r in sheet.iter_rows() if r[0].value == "标注副本")
    assert f"B{row}:F{row}" in {str(area) for area in sheet.merged_cells.ranges}
    assert sheet[f"B{row}"].value == note and sheet[f"B{row}"].alignment.wrap_text
    assert sheet.row_dimensions[row].height == 30  # two lines of 15 pt
