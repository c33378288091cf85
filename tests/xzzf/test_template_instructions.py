"""填报说明 for a period gives its date examples in that period's year (issue 22): a 2025
template does not ask for 2026-03-05."""

import datetime as dt

from xzzf.template import instructions
from xzzf.units import SAMPLE_REGISTRY, load_registry


def test_date_examples_are_in_the_periods_own_year():
    unit = load_registry(SAMPLE_REGISTRY).get("SFJ")
    lines = instructions(unit, "2025-01", dt.date(2025, 2, 5), [("单位编码", "SFJ")] * 7)
    text = "\n".join(cell for line in lines for cell in line if cell)
    assert "日期，如 2025-03-05" in text and "如 2025-03-05、2025/3/5、2025.3.5 或 2025年3月5日" in text
    assert "2026-" not in text and "2026年" not in text and "2026/" not in text  # (模板版本 2026.1 is a version)
