"""The 司法局's view of the data-quality signals (xzzf.signals): those still open as of a run,
as the summary's 数据质量 sheet, the run page's artifact and the annual workbook list them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from xzzf.adjustments import unit_text
from xzzf.periods import BEIJING
from xzzf.units import Registry
from xzzf.vocabulary import SignalKind, SignalState

QUALITY_SHEET = "数据质量"
HEADER = ["编号", "单位", "报送期间", "类别", "工作表", "行号", "列", "值", "提醒内容", "提出时间"]
HOW_TO_CLOSE = ("提醒不影响受理。单位报送更正后的文件、数值改变时提醒自动关闭；数据经核实无误的，由司法局记录"
                "“已核实”决定（xzzf verify --number 编号，或 Prefect 界面的 verify-signal），列入调整记录。")


def open_as_of(signal, as_of: dt.datetime) -> bool:
    """Raised by `as_of` and not closed by then (by a correction, or a 已核实 in force)."""
    if signal.raised_at > as_of:
        return False
    return signal.state == SignalState.OPEN or signal.closed_at is None or signal.closed_at > as_of


def open_signals(signals: Iterable, as_of: dt.datetime, counted: Collection[int], year: int | None = None) -> list:
    """The signals open as of `as_of` (of the files of `year`, when given), by unit and period,
    on the files `counted` then (the ids of the files in force as of it): a signal of a file
    withdrawn, superseded or turned 退回 by a 复核 rests on no figure, and shows again if
    that decision is revoked."""
    found = [s for s in signals if s.submission_id in counted and open_as_of(s, as_of)
             and (year is None or s.period.startswith(f"{year}-"))]
    return sorted(found, key=lambda s: (s.unit_code, s.period, s.id))


def quality_rows(signals: Iterable, registry: Registry) -> list[list]:
    """The table of signals (header first), one row each, as a person reads it."""
    return [HEADER, *([s.id, unit_text(registry, s.unit_code), s.period, SignalKind.label_of(s.kind), s.sheet or "",
                       s.row or "", s.column or "", s.value or "", s.message,
                       s.raised_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")] for s in signals)]
