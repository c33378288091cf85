"""The 回执 and the 标注 copy print on A4 landscape, their header on every page; the 标注 copy's
own sheets keep their content, and it leads the clerk to each problem (issue 22): a first sheet
listing them all with links to their cells, coloured tabs, frames that a grey printer keeps,
comments printed at each sheet's end, and no sheet shrunk until a date prints as ###."""

import copy
import datetime as dt
import re
import subprocess

import openpyxl
import pytest

from tests.builders import VALID_ROWS, write_workbook
from tests.filling import every_task, fill_template, make_template
from tests.flows.conftest import at, set_mtime
from tests.libreoffice import SOFFICE, convert
from tests.printing import assert_prints_on_a4_landscape
from xzzf.catalog import assign
from xzzf.plans import plan_in_force
from xzzf.units import SAMPLE_REGISTRY, load_registry


def test_the_receipt_and_the_annotated_copy_print_on_a4_landscape(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"][0]["执法类别"] = "处罚"
    path = write_workbook(env.inbox / "SFJ" / "a.xlsx", rows=rows, drop_sheets=["柔性执法案例"])
    set_mtime(path, at("2026-11-03"))
    env.intake(dt.date(2026, 11, 6))
    folder = env.out / "feedback" / "SFJ" / "2026-10"

    receipt = openpyxl.load_workbook(next(folder.glob("*-回执.xlsx")))["回执"]
    header = next(row[0].row for row in receipt.iter_rows() if row[0].value == "类别")
    assert_prints_on_a4_landscape(receipt, f"{header}:{header}")  # the problem table's header
    assert receipt.row_dimensions[1].height >= 20  # the 14-pt title is not clipped
    assert all(receipt.cell(row=row, column=6).alignment.wrap_text for row in range(header + 1, receipt.max_row + 1))

    annotated = openpyxl.load_workbook(next(folder.glob("*-标注.xlsx")))
    assert annotated.sheetnames[0] == "文件问题"
    assert_prints_on_a4_landscape(annotated["文件问题"], "3:3")  # under its title and how-to line
    for sheet in annotated.worksheets[1:]:
        assert_prints_on_a4_landscape(sheet)
    for sheet in annotated.worksheets:
        assert sheet.page_setup.cellComments == "atEnd", sheet.title  # the reasons on paper too
    original = openpyxl.load_workbook(path)
    for name in original.sheetnames:
        assert ([[c.value for c in row] for row in annotated[name].iter_rows()]
                == [[c.value for c in row] for row in original[name].iter_rows()]), name


def test_the_annotated_copy_lists_every_problem_with_a_link_to_its_cell(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"][0]["执法类别"] = "处罚"  # 执法决定!B2, an error
    rows["执法人员"][0]["证件状态"] = "暂扣"  # 执法人员!C2, a warning only (持证上岗)
    path = write_workbook(env.inbox / "SFJ" / "a.xlsx", rows=rows, drop_sheets=["柔性执法案例"])
    set_mtime(path, at("2026-11-03"))
    env.intake(dt.date(2026, 11, 6))
    book = openpyxl.load_workbook(next((env.out / "feedback" / "SFJ" / "2026-10").glob("*-标注.xlsx")))
    first = book["文件问题"]
    owed = assign(plan_in_force([], "2026-10").tasks, load_registry(SAMPLE_REGISTRY)).tasks_of("SFJ")
    unreported = len(set(owed) - {row["任务序号"] for row in VALID_ROWS["任务进展"]})
    # The tasks owed and not reported, and 持证上岗.
    assert first["A1"].value == f"本文件的问题：错误 3 处、提醒 {unreported + 1} 处"
    assert [c.value for c in first[3]] == ["类别", "工作表", "行号", "列", "填写的值", "问题及修改要求"]
    assert [[c.value for c in row][:4] for row in first.iter_rows(min_row=4, max_row=7)] == [
        ["提醒", "执法人员", "第 2 行", "证件状态"], ["错误", "执法决定", "第 2 行", "执法类别"],
        ["错误", "执法决定", "第 2 行", "罚没金额（元）"], ["错误", "柔性执法案例", None, None]]  # reading order
    assert first.max_row == 3 + 3 + unreported + 1  # the title, the how-to and the header, then each problem
    by_place = {(r[1].value, r[2].value, r[3].value): r for r in first.iter_rows(min_row=4)}
    missing = by_place[("柔性执法案例", None, None)]  # a missing sheet: nowhere to jump to
    assert [c.hyperlink for c in missing[1:4]] == [None] * 3
    wrong = by_place[("执法决定", "第 2 行", "执法类别")]
    assert wrong[0].value == "错误" and "执法类别" in wrong[5].value
    assert {c.hyperlink.location for c in wrong[1:4]} == {"'执法决定'!B2"}
    assert all(c.font.u == "single" for c in wrong[1:4])
    notice = by_place[("执法人员", "第 2 行", "证件状态")]
    assert notice[0].value == "提醒" and {c.hyperlink.location for c in notice[1:4]} == {"'执法人员'!C2"}
    # The cells the links name are the ones marked; a frame survives a grey printer, a pale fill does not.
    marked, noticed = book["执法决定"]["B2"], book["执法人员"]["C2"]
    assert book["执法决定"]["A1"].value == "决定文书号" and marked.comment and "执法类别" in marked.comment.text
    assert (marked.border.left.style, marked.border.bottom.style) == ("thick", "thick")
    assert noticed.border.top.style == "mediumDashed" and noticed.comment.text.startswith("提醒")
    assert book["执法决定"]["A2"].border.left.style is None  # only the cells with a problem
    task = by_place[("任务进展", None, "任务序号")]  # a task not reported: no row of its own
    assert task[1].hyperlink.location == "'任务进展'!A1"
    tabs = {s.title: s.sheet_properties.tabColor.rgb[-6:] if s.sheet_properties.tabColor else None
            for s in book.worksheets}
    assert tabs == {"文件问题": "C00000", "基本信息": None, "执法人员": "FFC000", "培训记录": None,
                    "执法决定": "C00000", "投诉举报": None, "心理健康活动": None, "任务进展": "FFC000"}


@pytest.mark.skipif(not SOFFICE, reason="needs LibreOffice (soffice)")
def test_a_wide_sheet_prints_two_pages_across_with_its_dates_readable(env, tmp_path):
    """The 16 columns of 执法决定 fitted to one page printed at about 6 pt, dates as ###."""
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"][0] |= {"决定日期": dt.date(2026, 10, 9), "公开日期": dt.date(2026, 10, 13), "执法类别": "处罚"}
    rows["任务进展"] = every_task("SFJ", "2026-10")
    filled = fill_template(make_template(env.db, "SFJ", "2026-10", tmp_path / "templates"),
                           {"填报人": "王五", "填报日期": dt.date(2026, 11, 3)}, rows,
                           to=env.inbox / "SFJ" / "十月月报.xlsx")
    set_mtime(filled, at("2026-11-03"))
    env.intake(dt.date(2026, 11, 6))
    annotated = openpyxl.load_workbook(next((env.out / "feedback" / "SFJ" / "2026-10").glob("*-标注.xlsx")))
    decisions = annotated["执法决定"]
    assert_prints_on_a4_landscape(decisions, pages_wide=2)
    assert decisions.page_setup.pageOrder == "overThenDown" and decisions.print_title_cols == "$A:$A"
    only = tmp_path / "decisions.xlsx"
    for name in [n for n in annotated.sheetnames if n != "执法决定"]:
        del annotated[name]
    annotated.save(only)
    pdf = convert(only, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "2026-10-09" in pages[0] and "2026-10-13" in pages[1] and "###" not in text
    assert all("红市监罚〔2026〕12号" in p for p in pages if p.strip())  # the first column on both
    assert re.search(r"执法决定\s+第 2 页，共 2 页", text)
