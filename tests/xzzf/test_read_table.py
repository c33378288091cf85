"""A table sheet is read column by column, yet reads as a clerk reads it: problems row by row,
then column by column; a row is blank only when every cell is; a short row reads as blank."""

import datetime as dt
from decimal import Decimal

import pytest

from xzzf.cells import CellError, CellProblem, as_integer, as_money
from xzzf.schema import SHEETS_BY_NAME
from xzzf.workbook import read_table

PSYCH = SHEETS_BY_NAME["psych_activities"]  # 活动日期, 活动名称, 活动类型, 参加人数


def test_problems_are_listed_row_by_row_then_column_by_column():
    grid = [list(PSYCH.headers),
            ["2026-03-05", "讲座", "心理健康教育", "许多"],
            ["昨天", "讲座", CellProblem("#N/A"), 2.5],
            [dt.date(2026, 3, 6), "训练", "心理训练", 12.0]]
    records, problems = read_table(PSYCH, grid)
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "参加人数", "许多"), (3, "活动日期", "昨天"), (3, "活动类型", "#N/A"), (3, "参加人数", "2.5")]
    assert [r["participants"] for r in records] == [None, None, 12]


def test_a_row_holding_only_an_unreadable_cell_is_a_row_and_blank_rows_are_skipped():
    grid = [list(PSYCH.headers),
            ["", " ", None, "\u3000"],
            [None, None, None, CellProblem("")],
            [],
            ["2026-03-05", " 讲座 ", "心理咨询"]]  # a short row: the missing cell is blank
    records, problems = read_table(PSYCH, grid)
    assert records == [
        {"_excel_row": 3, "held_on": None, "title": None, "activity_type": None, "participants": None},
        {"_excel_row": 5, "held_on": dt.date(2026, 3, 5), "title": "讲座", "activity_type": "心理咨询",
         "participants": None}]
    assert [(p.row, p.column, p.rule) for p in problems] == [(3, "参加人数", "cell.formula_without_value")]


def test_a_whole_number_reads_as_the_integer_its_digits_show():
    assert as_integer(43.0) == 43 and type(as_integer(43.0)) is int
    assert as_integer(2147483647.0) == 2**31 - 1 and as_integer("2147483647") == 2**31 - 1


@pytest.mark.parametrize("value", [2147483648.0, 1e300, "2147483648", "1e1000000", "-3e9"])
def test_an_integer_beyond_what_the_store_holds_is_refused_at_once(value):
    """A 32-bit INTEGER column: a larger value is a typo, refused here — not a failed load of
    the whole scan, nor minutes spent turning 1e1000000 into an integer."""
    with pytest.raises(CellError, match="数值过大，请核对（整数不能超过 2147483647）"):
        as_integer(value)


def test_money_beyond_numeric_18_2_is_refused():
    assert as_money("9999999999999999.99") == Decimal("9999999999999999.99")
    with pytest.raises(CellError, match="金额不能超过 16 位整数"):
        as_money(1e16)


def test_a_date_that_cannot_be_read_is_told_with_examples_in_the_periods_year():
    grid = [list(PSYCH.headers), ["昨天", "讲座", "心理健康教育", 3]]
    [problem] = read_table(PSYCH, grid, 2025)[1]
    assert problem.message == "“活动日期”应为日期，如 2025-03-05、2025/3/5、2025.3.5 或 2025年3月5日"


def test_a_number_or_date_typed_as_text_is_kept_as_typed_where_it_shows_otherwise():
    grid = [list(PSYCH.headers), ["2026/3/5", "讲座", "心理健康教育", "１２"], ["2026-03-06", "训练", "心理训练", 12.0]]
    typed_as: dict = {}
    read_table(PSYCH, grid, 2026, typed_as)
    assert typed_as == {("心理健康活动", 2, "活动日期"): "2026/3/5", ("心理健康活动", 2, "参加人数"): "１２"}
