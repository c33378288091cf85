import datetime as dt

import openpyxl
import pytest

from connectors.worker_pool import Raised, WorkerLost, run_isolated
from connectors.xlsx_reader import ContainerLimits, ReadFailure, check_container, read_workbook
from tests import hostile
from tests.builders import write_workbook
from xzzf.cells import CellProblem

LIMITS = ContainerLimits()


def check(path, name=None):
    return check_container(name or path.name, path.read_bytes(), LIMITS)


def test_a_template_workbook_passes_the_container_check(tmp_path):
    assert check(write_workbook(tmp_path / "ok.xlsx")) is None


@pytest.mark.parametrize(("name", "expected"), [
    ("月报.xls", "另存为 .xlsx"), ("月报.csv", "CSV"), ("月报.et", "WPS"), ("月报.xlsm", "宏"),
    ("月报.txt", "扩展名为 .txt"), ("月报", "扩展名为 空"),
])
def test_other_kinds_of_file_are_refused_by_name(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(b"whatever")
    assert expected in check(path)


def test_a_text_file_renamed_to_xlsx_is_not_a_workbook(tmp_path):
    path = tmp_path / "renamed.xlsx"
    path.write_text("单位编码,SFJ\n", encoding="utf-8")
    assert "改了扩展名" in check(path)


def test_a_truncated_workbook_is_corrupt(tmp_path):
    whole = write_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "损坏或不完整" in check(path)


def test_an_encrypted_workbook_asks_to_remove_the_password(tmp_path):
    assert "密码" in check(hostile.encrypted(tmp_path / "secret.xlsx"))


def test_a_real_xls_renamed_to_xlsx_is_recognised(tmp_path):
    path = hostile.legacy_xls(tmp_path / "old.xls")
    assert ".xls" in check(path, "old.xlsx") and "另存为 .xlsx" in check(path, "old.xlsx")


def test_a_macro_enabled_workbook_renamed_to_xlsx_is_refused(tmp_path):
    source = write_workbook(tmp_path / "ok.xlsx")
    assert "宏" in check(hostile.macro_enabled(source, tmp_path / "macro.xlsx"))


def test_a_memory_bomb_is_refused_before_reading_in_plain_words(tmp_path, caplog):
    path = hostile.memory_bomb(tmp_path / "bomb.xlsx", unzipped_mb=200)
    assert path.stat().st_size < 1_000_000
    said = check(path)
    assert "远远超过一份月报应有的大小" in said
    assert not any(word in said for word in ("MB", "压缩比", "解压"))  # the measurements are the log's
    assert "解压后 200 MB" in caplog.text


def test_it_reads_values_and_marks_what_calamine_loses(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["A1"], sheet["B1"], sheet["C1"] = "证号", 123, "=1/0"
    sheet["B1"].number_format = "000000"
    sheet["A3"], sheet["B3"] = dt.date(2026, 3, 5), "#N/A as text"
    path = tmp_path / "cells.xlsx"
    book.save(path)
    grid = read_workbook(path.read_bytes()).grids["S"]
    assert grid[0][:2] == ["证号", "000123"]
    assert grid[0][2] == CellProblem("")  # a formula openpyxl saved without a cached value
    assert grid[2][:2] == [dt.date(2026, 3, 5), "#N/A as text"]


ERROR_CELL = b'<c r="B3" t="e"><v>#DIV/0!</v></c><c r="Z3"'


def test_an_error_cell_keeps_what_excel_shows(tmp_path):
    source = write_workbook(tmp_path / "ok.xlsx")
    path = hostile.rewrite_part(source, tmp_path / "err.xlsx", "xl/worksheets/sheet1.xml",
                                lambda d: d.replace(b'<c r="B3"', ERROR_CELL, 1))
    grid = read_workbook(path.read_bytes()).grids["基本信息"]
    assert grid[2][1] == CellProblem("#DIV/0!")


def test_a_huge_dimension_kills_only_its_worker(tmp_path):
    good = write_workbook(tmp_path / "ok.xlsx")
    huge = hostile.huge_dimension(good, tmp_path / "huge.xlsx")
    assert huge.stat().st_size < 20_000
    results = run_isolated(read_workbook, [("a", good.read_bytes()), ("huge", huge.read_bytes()),
                                           ("b", good.read_bytes())],
                           workers=2, memory_bytes=1 << 30, timeout=60)
    assert results["huge"] == WorkerLost("crashed")
    assert "基本信息" in results["a"].grids and "基本信息" in results["b"].grids


def test_a_broken_file_is_a_read_failure_not_a_crash(tmp_path):
    path = hostile.rewrite_part(write_workbook(tmp_path / "ok.xlsx"), tmp_path / "bad.xlsx",
                                "xl/workbook.xml", lambda d: d[:40])
    result = run_isolated(read_workbook, [("bad", path.read_bytes())], workers=1,
                          memory_bytes=1 << 30, timeout=60)["bad"]
    assert isinstance(result, Raised) and isinstance(result.error, ReadFailure)


def test_a_styles_part_calamine_reads_does_not_fail_the_file_in_the_worker(tmp_path):
    """An `&nbsp;` in styles.xml only means no zero-padded styles are known: the file is read,
    through the real worker, with the same values as without it."""
    good = write_workbook(tmp_path / "ok.xlsx")
    odd = hostile.styles_with_entity(good, tmp_path / "nbsp.xlsx")
    result = run_isolated(read_workbook, [("nbsp", odd.read_bytes())], workers=1,
                          memory_bytes=1 << 30, timeout=60)["nbsp"]
    assert not isinstance(result, Raised | WorkerLost)
    assert result.grids == read_workbook(good.read_bytes()).grids


def marked_cells(path):
    """A sheet with every kind of cell the reader marks, the formula far down at A90."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["A1"], sheet["B1"], sheet["C1"] = "证号", 123, "#DIV/0!"
    sheet["B1"].number_format = "000000"
    sheet["A90"] = "=1/0"
    book.save(path)
    return path


def test_a_lower_case_cell_reference_is_read_like_its_upper_case_twin(tmp_path):
    """`r="a90"` means A90: the lower-case file reads exactly as the upper-case one."""
    upper = marked_cells(tmp_path / "upper.xlsx")
    lower = hostile.lower_case_references(upper, tmp_path / "lower.xlsx")
    grid = read_workbook(lower.read_bytes()).grids["S"]
    assert grid == read_workbook(upper.read_bytes()).grids["S"]
    assert grid[0][1:3] == ["000123", CellProblem("#DIV/0!")]
    assert grid[89][0] == CellProblem("")


def test_a_formula_without_value_is_marked_in_prefixed_sheet_xml(tmp_path):
    """`<x:f>` is a formula as `<f>` is: uncalculated, it is a problem, not a blank cell."""
    plain = marked_cells(tmp_path / "plain.xlsx")
    prefixed = hostile.prefixed_sheet_xml(plain, tmp_path / "prefixed.xlsx")
    assert read_workbook(prefixed.read_bytes()).grids["S"][89][0] == CellProblem("")


def test_an_unexpected_structure_is_a_read_failure_telling_what_to_do(tmp_path):
    """A file calamine reads but our own XML reading cannot is refused with 文件结构异常 and
    how to fix it, never an exception that would stop the intake of every other file."""
    odd = hostile.workbook_part_with_entity(write_workbook(tmp_path / "ok.xlsx"), tmp_path / "odd.xlsx")
    with pytest.raises(ReadFailure) as failure:
        read_workbook(odd.read_bytes())
    assert str(failure.value) == ("文件结构异常，无法读取（ParseError）："
                                  "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")


class _OutOfMemory:
    @staticmethod
    def from_filelike(_):
        raise MemoryError


def _out_of_memory(*_):
    raise MemoryError


@pytest.mark.parametrize("where", ["calamine", "marking"])
def test_running_out_of_memory_is_not_a_read_failure(tmp_path, monkeypatch, where):
    """MemoryError passes through, wherever it happens, for the worker to report the memory
    limit rather than a broken file."""
    import python_calamine

    if where == "calamine":
        monkeypatch.setattr(python_calamine, "CalamineWorkbook", _OutOfMemory)
    else:
        monkeypatch.setattr("connectors.xlsx_reader._mark_cells", _out_of_memory)
    with pytest.raises(MemoryError):
        read_workbook(write_workbook(tmp_path / "ok.xlsx").read_bytes())


def test_hidden_sheets_are_named(tmp_path):
    """Hidden and very hidden sheets both count as hidden; visible ones do not."""
    path = hostile.hidden_sheets(write_workbook(tmp_path / "ok.xlsx", extra_sheets=["填报说明"]),
                                 tmp_path / "hidden.xlsx", ["培训记录"], very_hidden=["填报说明"])
    assert read_workbook(path.read_bytes()).hidden == {"培训记录", "填报说明"}


def filled_to(tmp_path, last_row, cells=lambda n: b'<c r="A%d"><v>1</v></c>' % n):
    """write_workbook's file with 执法人员 filled below its data down to `last_row`."""
    source = write_workbook(tmp_path / "ok.xlsx")
    return hostile.rows_below(source, tmp_path / f"to-{last_row}.xlsx", cells, last_row=last_row).read_bytes()


def test_a_sheet_with_content_below_the_row_limit_is_refused_naming_it(tmp_path):
    with pytest.raises(ReadFailure) as failure:
        read_workbook(filled_to(tmp_path, 300), max_rows=100)
    assert str(failure.value) == (
        "工作表“执法人员”一直填到第 300 行，超过每张工作表 100 行的上限，不予读取："
        "月报每张表一般只有几百行，这多半是整列向下填充或粘贴到了表格底部。"
        "请选中数据下方多余的行，右键“删除”，保存后重新报送")


def test_a_sheet_filled_down_to_exactly_the_limit_is_read(tmp_path):
    grid = read_workbook(filled_to(tmp_path, 100), max_rows=100).grids["执法人员"]
    assert len(grid) == 100 and grid[99][0] == 1.0


def test_blank_rows_down_to_the_bottom_are_not_content(tmp_path):
    """Emptied cells (an empty text value) and formatting alone, down to the last row of the
    sheet: the file reads as it did without them, the grid no longer than the limit."""
    def blank(n):
        return b'<c r="A%d" t="inlineStr"><is><t> </t></is></c><c r="B%d" s="1"/>' % (n, n)
    source = write_workbook(tmp_path / "ok.xlsx")
    expected = read_workbook(source.read_bytes()).grids
    grids = read_workbook(filled_to(tmp_path, 20_000, blank), max_rows=100).grids
    assert len(grids["执法人员"]) == 100
    assert grids["执法人员"][:3] == expected["执法人员"][:3]
    assert all(value in ("", " ") for line in grids["执法人员"][3:] for value in line)
    assert {k: v for k, v in grids.items() if k != "执法人员"} == \
        {k: v for k, v in expected.items() if k != "执法人员"}


def test_an_uncalculated_formula_below_the_limit_is_content_there(tmp_path):
    """Calamine gives no value for it; our marking would put it there, growing the grid."""
    data = filled_to(tmp_path, 150, lambda n: b'<c r="A%d"><f>B%d</f></c>' % (n, n) if n == 150 else b"")
    with pytest.raises(ReadFailure, match="一直填到第 150 行，超过每张工作表 100 行的上限"):
        read_workbook(data, max_rows=100)
