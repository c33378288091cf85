"""What a 回执 says of a file whose 报送期间 could not be read (xzzf.receipt.counted_period_text):
the month is 已报送但被退回 only when nothing else holds it; and of a rejected file, what to do
next (next_step): by which day a correction still counts as on time (submission.md: the first
accepted file by the end of the due day, Beijing)."""

import datetime as dt

import pytest

from xzzf.intake import FileEntry
from xzzf.periods import BEIJING, BY_ARRIVAL, BY_NAME
from xzzf.receipt import (
    NO_COPY_UNREADABLE,
    REDO,
    CountedFor,
    Deadline,
    counted_period_text,
    next_step,
    receipt_lines,
)
from xzzf.vocabulary import UnitStatus


@pytest.mark.parametrize(("counted", "says"), [
    (CountedFor(BY_ARRIVAL, UnitStatus.REJECTED), "按收到时间计入该月：本月视为已报送但被退回"),
    (CountedFor(BY_NAME, UnitStatus.LATE, "SFJ/10月.xlsx"),
     "按文件名计入该月：本文件不计入统计，本单位本月以已受理的文件《SFJ/10月.xlsx》为准，本月报送状态：逾期"),
    # 免报 with nothing accepted: the month owes nothing, so this file does not make it 退回.
    (CountedFor(BY_ARRIVAL, UnitStatus.EXEMPT), "按收到时间计入该月：本文件不计入统计，本月报送状态：免报"),
])
def test_the_month_is_rejected_only_when_nothing_else_holds_it(counted, says):
    assert counted_period_text("2026-10", counted) == f"2026-10（文件中的报送期间无法读取，{says}）"


# Due Thursday 5 November 2026: a corrected file counts as on time up to the end of that day (Beijing).
DUE = Deadline(dt.date(2026, 11, 5))
LAST_MOMENT = dt.datetime(2026, 11, 5, 23, 59, 59, tzinfo=BEIJING)


@pytest.mark.parametrize(("deadline", "as_of", "says"), [
    (DUE, LAST_MOMENT, "于 2026年11月5日（星期四）当天结束前将改好的文件放入本单位文件夹，仍算按时报送"),
    (DUE, LAST_MOMENT + dt.timedelta(seconds=1), "本月报送期限 2026年11月5日（星期四）已过"),
    (Deadline(dt.date(2026, 11, 20), extended=True), LAST_MOMENT + dt.timedelta(days=1),
     "于 2026年11月20日（星期五）（司法局已批准本月延期至该日）当天结束前"),
    (Deadline(dt.date(2026, 11, 5), accepted=True), LAST_MOMENT + dt.timedelta(days=3),
     "本单位本月已有受理的文件，统计仍以该文件为准（是否按时不变）"),
    (None, LAST_MOMENT, REDO),
])
def test_the_next_step_names_the_day_a_correction_still_counts_as_on_time(deadline, as_of, says):
    assert says in next_step(deadline, as_of)


def test_the_late_next_step_says_what_late_means():
    said = next_step(DUE, LAST_MOMENT + dt.timedelta(days=1))
    assert "受理后，本月计为“逾期”报送" in said and "本月统计为“退回”" in said and "仍算按时" not in said


def test_a_receipt_has_no_fingerprint_for_the_clerk():
    entry = FileEntry("SFJ/a.xlsx", "f" * 64, "SFJ", "2026-10", "rejected", [{"sheet": None, "row": None,
                      "column": None, "value": None, "message": "x"}], [])
    lines = receipt_lines(entry, "司法局", LAST_MOMENT, NO_COPY_UNREADABLE, deadline=DUE, as_of=LAST_MOMENT)
    texts = [str(v) for line in lines for v in line]
    assert not any("SHA" in t or "f" * 8 in t for t in texts)
    assert ["标注副本", NO_COPY_UNREADABLE] in lines and ["说明", "已退回，未入库。"] in lines
