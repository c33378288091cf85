"""回执: every file read gets one; a rejected file also gets its own workbook annotated."""

import copy
import datetime as dt

import openpyxl

from tests import hostile
from tests.builders import VALID_ROWS, write_workbook
from tests.flows.conftest import at, set_mtime

EVIL = '=HYPERLINK("http://evil.example","点我")'


def test_receipts_for_accepted_rejected_and_unreadable_files(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"] = [rows["执法决定"][0], None, {**rows["执法决定"][0], "决定文书号": "B-2", "执法类别": EVIL}]
    rows["执法人员"][0]["证件状态"] = "暂扣"  # a warning
    write_workbook(env.inbox / "SFJ" / "bad.xlsx", rows=rows, drop_sheets=["柔性执法案例"])
    write_workbook(env.inbox / "ZRZY" / "ok.xlsx", "ZRZY")
    (env.inbox / "NYNC").mkdir()
    hostile.memory_bomb(env.inbox / "NYNC" / "bomb.xlsx", unzipped_mb=100)
    for path in env.inbox.rglob("*.xlsx"):
        set_mtime(path, at("2026-11-03"))
    env.intake(dt.date(2026, 11, 6))
    feedback = env.out / "feedback"

    accepted = openpyxl.load_workbook(next((feedback / "ZRZY" / "2026-10").glob("ok-*-回执.xlsx")))["回执"]
    assert [accepted["A6"].value, accepted["B6"].value] == ["处理结果", "已受理"]  # operations.md's label

    receipt = openpyxl.load_workbook(next((feedback / "SFJ" / "2026-10").glob("bad-*-回执.xlsx")))["回执"]
    lines = [[c.value for c in row] for row in receipt.iter_rows(min_row=11)]
    assert ["错误", "执法决定", "第 4 行", "执法类别", EVIL] in [line[:5] for line in lines]
    assert ["错误", "柔性执法案例", None, None, None] in [line[:5] for line in lines]
    assert ["提醒", "执法人员", "第 2 行", "证件状态", "暂扣"] in [line[:5] for line in lines]
    evil = next(c for row in receipt.iter_rows() for c in row if c.value == EVIL)
    assert evil.data_type == "s"  # what a unit typed never becomes a formula

    copy_book = openpyxl.load_workbook(next((feedback / "SFJ" / "2026-10").glob("bad-*-标注.xlsx")))
    assert copy_book.sheetnames[0] == "文件问题"
    assert "柔性执法案例" in [c.value for row in copy_book["文件问题"].iter_rows() for c in row]
    wrong = copy_book["执法决定"]["B4"]
    assert wrong.fill.fgColor.rgb.endswith("FFC7CE") and "执法类别" in wrong.comment.text
    assert copy_book["执法人员"]["C2"].fill.fgColor.rgb.endswith("FFEB9C")

    bomb = list((feedback / "NYNC" / "2026-10").glob("*.xlsx"))  # unreadable: counts for the month collected
    assert [p.name.endswith("-回执.xlsx") for p in bomb] == [True]  # no copy of an unreadable file
    said = {row[0]: row[1] for row in openpyxl.load_workbook(bomb[0])["回执"].iter_rows(values_only=True)}
    assert said["标注副本"].startswith("没有标注副本：本文件无法打开")  # and why, in plain words
    read = " ".join(str(v) for row in openpyxl.load_workbook(bomb[0])["回执"].iter_rows(values_only=True)
                    for v in row if v)
    assert not any(word in read for word in ("SHA-256", "压缩比", "MB")), read
    assert not (env.out / "runs" / "dry-run").exists()


def test_a_dry_run_writes_no_receipts(env):
    write_workbook(env.inbox / "SFJ" / "a.xlsx")
    env.intake(dt.date(2026, 11, 6), dry_run=True)
    assert not (env.out / "feedback").exists()
