"""The 司法局's list of data-quality signals: those open as of a run (xzzf.quality)."""

import datetime as dt
from dataclasses import dataclass

from xzzf.quality import open_signals, quality_rows
from xzzf.units import SAMPLE_REGISTRY, load_registry

T = dt.datetime(2026, 8, 4, 2, tzinfo=dt.UTC)


@dataclass
class Stored:
    id: int
    period: str
    state: str
    closed_at: dt.datetime | None = None
    raised_at: dt.datetime = T
    unit_code: str = "SFJ"
    kind: str = "total"
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = "6 人"
    message: str = "本月在岗执法人员 6 人"
    submission_id: int = 7


def test_a_signal_is_open_from_its_run_until_it_is_closed():
    signals = [Stored(1, "2026-07", "open"), Stored(2, "2026-07", "verified", T + dt.timedelta(days=2)),
               Stored(3, "2026-06", "corrected", T + dt.timedelta(days=1)), Stored(4, "2025-12", "open"),
               Stored(5, "2026-07", "open", raised_at=T + dt.timedelta(days=5))]
    counted = {7}
    assert [s.id for s in open_signals(signals, T - dt.timedelta(hours=1), counted)] == []  # none raised yet
    assert [s.id for s in open_signals(signals, T + dt.timedelta(days=1, hours=1), counted)] == [4, 1, 2]
    assert [s.id for s in open_signals(signals, T + dt.timedelta(days=3), counted)] == [4, 1]
    assert [s.id for s in open_signals(signals, T + dt.timedelta(days=3), counted, year=2026)] == [1]


def test_a_signal_of_a_file_not_counted_then_is_not_open():
    """Withdrawn, superseded or turned 退回 by a 复核 as of the run: its numbers are in no figure."""
    signals = [Stored(1, "2026-07", "open", submission_id=7), Stored(2, "2026-07", "open", submission_id=8)]
    assert [s.id for s in open_signals(signals, T + dt.timedelta(days=1), {8})] == [2]
    assert open_signals(signals, T + dt.timedelta(days=1), set()) == []


def test_the_list_names_the_unit_and_the_kind_in_chinese():
    [header, row] = quality_rows([Stored(1, "2026-07", "open")], load_registry(SAMPLE_REGISTRY))
    assert header[:4] == ["编号", "单位", "报送期间", "类别"]
    assert row[:4] == [1, "司法局（SFJ）", "2026-07", "本月合计与历史差异大"] and row[8] == "本月在岗执法人员 6 人"
