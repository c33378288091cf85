"""The template's display-only columns (任务进展's 任务内容 and 完成时限) are read past, not as data
and not as extra columns; a workbook without them reads the same."""

from xzzf.schema import SHEETS_BY_NAME
from xzzf.workbook import read_table

PROGRESS = SHEETS_BY_NAME["task_progress"]


def test_display_columns_are_skipped_wherever_they_stand_and_whatever_they_hold():
    plain = [list(PROGRESS.headers), [3, "推进中", None, None, None]]
    with_display = [["任务序号", "任务内容", "完成时限", "进展状态", "完成日期", "佐证材料", "备注"],
                    [3, "分类分级分层培训", "长期坚持", "推进中", None, None, None]]
    moved = [[*PROGRESS.headers, " 完成时限 "], [3, "推进中", None, None, None, "改过的文字"]]
    records = [read_table(PROGRESS, grid) for grid in (plain, with_display, moved)]
    assert records[0] == records[1] == records[2] == ([{"_excel_row": 2, "task_no": 3, "state": "推进中",
                                                        "completed_on": None, "evidence": None, "remark": None}], [])
