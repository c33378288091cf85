"""Turning what a clerk typed into typed values, with the tolerances of submission.md."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "〔": "[", "〕": "]"})
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def date_expected(year: int) -> str:
    """What a date cell takes, its examples in `year`: the period's own, for the clerk."""
    return f"应为日期，如 {year}-03-05、{year}/3/5、{year}.3.5 或 {year}年3月5日"


DATE_EXPECTED = date_expected(2026)  # a period's messages give that period's year (date_expected)
NUMBER_EXPECTED = "应为数字"
INTEGER_EXPECTED = "应为整数"
YES_NO_EXPECTED = "只能填写“是”或“否”"


class CellError(ValueError):
    """A value that cannot be read; the message tells the clerk what is expected."""


def normalise_header(text: object) -> str:
    """Headers match after trimming and folding full-/half-width brackets."""
    return str(text).strip().translate(_BRACKETS)


def normalise_label(text: object) -> str:
    """基本信息 labels also lose a trailing colon."""
    return str(text).strip().rstrip("：:").strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def as_text(value: object) -> str:
    """Text as the clerk sees it: a whole number typed as a number loses its '.0', a
    TRUE/FALSE cell reads as Excel shows it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return str(value).strip()


def shown(value: object) -> str:
    """A value read from a cell (its column's type, as a row rule sees it), shown as the clerk
    entered it: 是/否, not True; 500, not 500.0; a date as 2025-03-05."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # a numpy scalar, as a pandas frame of one type holds it
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
    return as_text(value)


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(DATE_EXPECTED)


def as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise CellError(NUMBER_EXPECTED)
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().translate(FULLWIDTH_DIGITS).replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(NUMBER_EXPECTED) from None
    if not number.is_finite():  # a cell saved as inf or NaN (calamine reads them) is no number
        raise CellError(NUMBER_EXPECTED)
    return number


# The largest values the store's columns hold (a 32-bit INTEGER, NUMERIC(18, 2)): a larger
# one is a typo to correct, not a number to load — it would fail the whole scan's load, and
# a text like 1e1000000 would take minutes to turn into an integer.
MAX_INTEGER = 2**31 - 1
INTEGER_TOO_LARGE = f"数值过大，请核对（整数不能超过 {MAX_INTEGER}）"
MONEY_TOO_LARGE = "数值过大，请核对（金额不能超过 16 位整数）"


def as_integer(value: object) -> int:
    if type(value) is float and value.is_integer() and abs(value) <= MAX_INTEGER:
        # What the Decimal below gives, at a fraction of the cost.
        return int(value)
    number = as_decimal(value)
    # adjusted() first: abs() of 1e1000000 already overflows the decimal context
    if number.adjusted() > 9 or abs(number) > MAX_INTEGER:
        raise CellError(INTEGER_TOO_LARGE)
    if number != number.to_integral_value():
        raise CellError(INTEGER_EXPECTED)
    return int(number)


def as_money(value: object) -> Decimal:
    number = as_decimal(value)
    if number.adjusted() >= 16:  # 10**16 and up; adjusted(), not a comparison, never overflows
        raise CellError(MONEY_TOO_LARGE)
    return number


def as_period(value: object) -> str:
    """报送期间: `YYYY-MM` as text, or a date in that month."""
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    text = unicodedata.normalize("NFKC", as_text(value))
    match = _PERIOD.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError("应为 YYYY-MM 格式的月份，如 2026-10")
    return text


ERROR_VALUE = "单元格显示错误值 {shown}，请改正公式或直接填写数值"
FORMULA_WITHOUT_VALUE = "公式没有计算结果，请在 Excel 或 WPS 中打开、重新计算并保存后再报送"


class CellProblem:
    """A cell that has no usable value: an Excel error, or a formula never calculated."""

    __slots__ = ("shown",)

    def __init__(self, shown: str):
        self.shown = shown  # "#DIV/0!" etc., or "" for a formula without a cached value

    def __reduce__(self):
        return (CellProblem, (self.shown,))

    def __eq__(self, other):
        return isinstance(other, CellProblem) and other.shown == self.shown

    @property
    def message(self) -> str:
        return ERROR_VALUE.format(shown=self.shown) if self.shown else FORMULA_WITHOUT_VALUE
