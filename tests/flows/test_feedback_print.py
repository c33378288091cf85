"""The 回执 and the 标注 copy print on A4 landscape, one page wide, their header on every page;
the 标注 copy's own sheets keep their content."""

import copy
import datetime as dt

import openpyxl

from tests.builders import VALID_ROWS, write_workbook
from tests.flows.conftest import at, set_mtime
from tests.printing import assert_prints_on_a4_landscape


def test_the_receipt_and_the_annotated_copy_print_on_a4_landscape_one_page_wide(env):
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
    for sheet in annotated.worksheets:
        assert_prints_on_a4_landscape(sheet)
    assert annotated.sheetnames[0] == "文件问题"
    original = openpyxl.load_workbook(path)
    for name in original.sheetnames:
        assert ([[c.value for c in row] for row in annotated[name].iter_rows()]
                == [[c.value for c in row] for row in original[name].iter_rows()]), name
