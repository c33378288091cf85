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


def test_a_memory_bomb_is_refused_before_reading(tmp_path):
    path = hostile.memory_bomb(tmp_path / "bomb.xlsx", unzipped_mb=200)
    assert path.stat().st_size < 1_000_000
    assert "解压后过大" in check(path)


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
