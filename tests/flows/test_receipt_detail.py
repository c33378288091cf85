"""What a clerk reads in the 回执, the mail and the 标注 copy: one problem per cell, the right
one; red wins; the workbook's reading order with rows as “第 N 行”; an accepted file says so."""

import copy

import openpyxl

from tests.builders import VALID_ROWS, write_workbook
from tests.flows.conftest import at, by_path, set_mtime

AS_OF = at("2026-11-06")


def feedback(env, unit: str, kind: str):
    [path] = (env.out / "feedback" / unit).rglob(f"*-{kind}.xlsx")
    return openpyxl.load_workbook(path)


def receipt_problems(env, unit: str) -> list[list]:
    sheet = feedback(env, unit, "回执")["回执"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "类别") + 1
    return [r[:6] for r in rows[start:]]


def test_an_unreadable_cell_has_its_one_problem_and_red_wins_in_reading_order(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"][0]["决定日期"] = "某月某日"
    rows["培训记录"][0]["学时"] = "8学时"
    rows["执法人员"][0]["证件状态"] = "作废"  # not a 证件状态 (error) and not 有效 for an enforcer (warning)
    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx", rows=rows), at("2026-11-03"))
    entry = by_path(env.intake(AS_OF))["SFJ/a.xlsx"]
    assert [(e["sheet"], e["row"], e["column"]) for e in entry["errors"]] == [
        ("执法人员", 2, "证件状态"), ("培训记录", 2, "学时"), ("执法决定", 2, "决定日期")]
    assert not any("必须填写" in e["message"] for e in entry["errors"])
    problems = receipt_problems(env, "SFJ")
    assert [p[:4] for p in problems[:4]] == [
        ["错误", "执法人员", "第 2 行", "证件状态"], ["提醒", "执法人员", "第 2 行", "证件状态"],
        ["错误", "培训记录", "第 2 行", "学时"], ["错误", "执法决定", "第 2 行", "决定日期"]]
    cell = feedback(env, "SFJ", "标注")["执法人员"]["C2"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")  # red: one of its problems is an error
    notes = cell.comment.text.splitlines()
    assert len(notes) == 2 and notes[0].startswith("错误：") and notes[1].startswith("提醒：")


def test_an_accepted_file_says_it_has_no_problem(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["任务进展"] = [{"任务序号": n, "进展状态": "长期坚持"} for n in (1, 2, 3)]
    set_mtime(write_workbook(env.inbox / "ZRZY" / "a.xlsx", "ZRZY", rows=rows), at("2026-11-03"))
    entry = by_path(env.intake(AS_OF))["ZRZY/a.xlsx"]
    assert entry["status"] == "accepted"
    problems = receipt_problems(env, "ZRZY")
    if entry["warnings"]:
        assert all(p[0] == "提醒" for p in problems) and len(problems) == len(entry["warnings"])
    else:
        assert problems == [["无问题", None, None, None, None, "本文件未发现错误或提醒。"]]
