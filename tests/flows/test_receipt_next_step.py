"""What a 回执 tells the clerk of a rejected file (issue 22): the values as she entered them,
what to do next — by which day a corrected file still counts as on time, or that the day is
past and what that means, the extension included — and where her 标注 copy is."""

import copy
import datetime as dt

import openpyxl

from tests.builders import VALID_ROWS, write_workbook
from tests.flows.conftest import at, set_mtime


def drop(env, name: str, arrived: str, **decision) -> None:
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"][0] |= decision
    rows["培训记录"][0]["培训日期"] = dt.date(2026, 9, 5)  # a real date, outside the period
    rows["执法人员"][1]["证件有效期至"] = "2026/9/30"  # typed as text: expired, while 有效 (a warning)
    set_mtime(write_workbook(env.inbox / "SFJ" / f"{name}.xlsx", rows=rows), at(arrived))


def receipt(env, name: str) -> tuple[dict, list[list], list[str]]:
    """The 回执 of the file `name`: its labelled lines, its problem table, every text in it."""
    folder = env.out / "feedback" / "SFJ" / "2026-10"
    rows = list(openpyxl.load_workbook(next(folder.glob(f"{name}-*-回执.xlsx")))["回执"].iter_rows(values_only=True))
    header = next(n for n, row in enumerate(rows) if row[0] == "类别")
    return ({row[0]: row[1] for row in rows[:header] if row[0]}, [list(row) for row in rows[header + 1:]],
            [str(v) for row in rows for v in row if v is not None])


def test_a_rejected_file_before_its_due_day_shows_what_was_typed_and_the_day_to_correct_by(env):
    # 行政许可 with 当场处罚 是 and a 罚没金额 typed as the number 500: two errors on what she typed.
    drop(env, "a", "2026-11-03", 执法类别="行政许可", 是否当场处罚="是", **{"罚没金额（元）": 500})
    env.intake(dt.date(2026, 11, 4))
    lines, table, texts = receipt(env, "a")
    shown = {(row[1], row[3]): row[4] for row in table}
    assert shown[("执法决定", "是否当场处罚")] == "是"  # not True
    assert shown[("执法决定", "罚没金额（元）")] == "500"  # not 500.0
    assert shown[("培训记录", "培训日期")] == "2026-09-05"
    assert shown[("执法人员", "证件有效期至")] == "2026/9/30"  # as typed, not 2026-09-30
    assert lines["说明"] == "已退回，未入库。"
    # Due Thursday 5 November (XZZF_DUE_DAY 5): a corrected file that day still counts as on time.
    assert lines["下一步"] == ("请按下列问题逐条修改，于 2026年11月5日（星期四）当天结束前"
                            "将改好的文件放入本单位文件夹，仍算按时报送。")
    [copy_file] = (env.out / "feedback" / "SFJ" / "2026-10").glob("a-*-标注.xlsx")
    assert lines["标注副本"].startswith(f"已生成《{copy_file.name}》，与本回执放在同一文件夹")
    assert not any("SHA-256" in text or "True" in text or "500.0" in text for text in texts)


def test_after_the_due_day_it_says_the_month_is_late_and_an_extension_moves_the_day(env):
    from flows.adjustments import adjust

    drop(env, "late", "2026-11-10", 执法类别="处罚")
    env.intake(dt.date(2026, 11, 10))
    lines, _, _ = receipt(env, "late")
    assert lines["下一步"] == ("本月报送期限 2026年11月5日（星期四）已过：请尽快按下列问题修改后重新报送。"
                            "改好的文件受理后，本月计为“逾期”报送；受理之前，本月统计为“退回”。")

    adjust(unit="SFJ", period="2026-10", kind="延期", until=dt.date(2026, 11, 20), as_of=dt.date(2026, 11, 11),
           reason="系统故障，单位书面申请", operator="张三")
    drop(env, "extended", "2026-11-11", 执法类别="许可")
    env.intake(dt.date(2026, 11, 12))
    lines, _, _ = receipt(env, "extended")
    assert lines["下一步"] == ("请按下列问题逐条修改，于 2026年11月20日（星期五）（司法局已批准本月延期至该日）"
                            "当天结束前将改好的文件放入本单位文件夹，仍算按时报送。")
