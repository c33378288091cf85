import datetime as dt
from decimal import Decimal

import pytest

from xzzf import cells


@pytest.mark.parametrize("text", ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", " 2026-3-5 ",
                                  "２０２６-０３-０５"])
def test_it_reads_the_four_text_date_forms(text):
    assert cells.as_date(text) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", ["2026-02-30", "3/5/2026", "2026年3月", "昨天", "20260305"])
def test_it_rejects_other_dates_saying_which_forms_work(text):
    with pytest.raises(cells.CellError, match="2026/3/5"):
        cells.as_date(text)


def test_real_excel_dates_and_datetimes_are_dates():
    assert cells.as_date(dt.datetime(2026, 3, 5, 0, 0)) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(("value", "expected"), [("６０", Decimal(60)), ("1,234.50", Decimal("1234.50")),
                                                 (12.5, Decimal("12.5")), (3, Decimal(3))])
def test_numbers_may_be_text_with_full_width_digits(value, expected):
    assert cells.as_decimal(value) == expected


def test_integers_reject_fractions():
    with pytest.raises(cells.CellError, match="整数"):
        cells.as_integer("2.5")
    assert cells.as_integer("４３") == 43


def test_identifiers_are_the_text_the_clerk_sees():
    assert cells.as_text(123.0) == "123"
    assert cells.as_text("000123") == "000123"


def test_headers_tolerate_whitespace_and_bracket_widths():
    assert cells.normalise_header(" 罚没金额(元) ") == cells.normalise_header("罚没金额（元）")
    assert cells.normalise_label("单位编码：") == cells.normalise_label(" 单位编码:") == "单位编码"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-10", "2026/10"])
def test_periods_are_year_and_month(text):
    with pytest.raises(cells.CellError):
        cells.as_period(text)
    assert cells.as_period(dt.date(2026, 10, 1)) == "2026-10"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "inf", "NaN"])
def test_infinity_and_nan_are_no_numbers(value):
    """A cell saved as inf or NaN (calamine reads it as a float) is a number error, never a crash."""
    with pytest.raises(cells.CellError):
        cells.as_decimal(value)
    with pytest.raises(cells.CellError):
        cells.as_integer(value)


@pytest.mark.parametrize(("value", "shown"), [
    (True, "是"), (False, "否"), (500.0, "500"), (Decimal("500.0"), "500"), (Decimal("12.50"), "12.5"),
    (2.5, "2.5"), (dt.date(2025, 3, 5), "2025-03-05"), ("8学时", "8学时")])
def test_a_read_value_is_shown_as_the_clerk_entered_it(value, shown):
    import numpy

    assert cells.shown(value) == shown
    if not isinstance(value, str | dt.date | Decimal):
        assert cells.shown(numpy.array([value])[0]) == shown  # as a frame of one type holds it


def test_date_examples_are_in_the_given_year():
    assert cells.date_expected(2025) == "应为日期，如 2025-03-05、2025/3/5、2025.3.5 或 2025年3月5日"
