"""What a 回执 says of a file whose 报送期间 could not be read (xzzf.receipt.counted_period_text):
the month is 已报送但被退回 only when nothing else holds it."""

import pytest

from xzzf.periods import BY_ARRIVAL, BY_NAME
from xzzf.receipt import CountedFor, counted_period_text
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
