"""Which sheet is read as which template sheet, from real files: hidden sheets and look-alike
names, and 基本信息 rows the reader cannot make sense of."""

import datetime as dt

from connectors.xlsx_reader import read_workbook
from tests import hostile
from tests.builders import basic_info, write_workbook
from xzzf.problems import Problem
from xzzf.units import SAMPLE_REGISTRY, load_registry
from xzzf.workbook import parse_workbook

REGISTRY = load_registry(SAMPLE_REGISTRY)
AS_OF = dt.date(2027, 1, 10)


def parse(path):
    raw = read_workbook(path.read_bytes())
    return parse_workbook(raw.grids, "SFJ", REGISTRY, AS_OF, hidden=raw.hidden)


def test_a_hidden_look_alike_sheet_rejects_the_file_naming_both(tmp_path):
    """A hidden `执法人员 ` next to the visible 执法人员 is an error naming both sheets exactly:
    neither is read, so no roster row can come from the sheet the clerk never saw."""
    path = hostile.hidden_look_alike(write_workbook(tmp_path / "ok.xlsx"), tmp_path / "twin.xlsx",
                                     "执法人员", {"A2": "赵六"})
    parsed = parse(path)
    assert parsed.errors == [Problem(
        "工作表“执法人员”与“执法人员 ”（隐藏）名称相同（只差空格或括号写法），无法确定应读取哪一个："
        "请删除多余的工作表，只保留一个“执法人员”；隐藏的工作表要先在工作表标签上右键“取消隐藏”才能看到",
        sheet="执法人员")]
    assert "roster" not in parsed.tables


def test_look_alike_names_are_an_error_even_when_all_are_visible(tmp_path):
    """Three sheets that differ only in spaces are all named; none of them is hidden."""
    source = write_workbook(tmp_path / "ok.xlsx")
    once = hostile.hidden_look_alike(source, tmp_path / "once.xlsx", "培训记录", {})
    twice = hostile.hidden_look_alike(once, tmp_path / "twice.xlsx", "培训记录 ", {})
    raw = read_workbook(twice.read_bytes())
    parsed = parse_workbook(raw.grids, "SFJ", REGISTRY, AS_OF)
    assert [p.message for p in parsed.errors] == [
        "工作表“培训记录”、“培训记录 ”与“培训记录  ”名称相同（只差空格或括号写法），无法确定应读取哪一个："
        "请删除多余的工作表，只保留一个“培训记录”"]


def test_a_hidden_template_sheet_is_read_with_a_warning(tmp_path):
    """A hidden 培训记录 is loaded, and the clerk is asked to unhide and check it."""
    path = hostile.hidden_sheets(write_workbook(tmp_path / "ok.xlsx"), tmp_path / "hidden.xlsx",
                                 ["培训记录"])
    parsed = parse(path)
    assert parsed.errors == []
    assert parsed.warnings == [Problem("工作表“培训记录”是隐藏的工作表，其数据已读取；请取消隐藏并核对",
                                       sheet="培训记录")]
    assert [r["title"] for r in parsed.tables["trainings"]] == ["行政处罚法专题"]


def test_a_hidden_extra_sheet_is_ignored_without_a_warning(tmp_path):
    """Sheets outside the template are ignored, hidden or not."""
    source = write_workbook(tmp_path / "ok.xlsx", extra_sheets=["填报说明"])
    parsed = parse(hostile.hidden_sheets(source, tmp_path / "hidden.xlsx", ["填报说明"]))
    assert (parsed.errors, parsed.warnings) == ([], [])


def test_a_basic_info_label_showing_an_error_is_a_warning_on_its_row(tmp_path):
    """A label cell showing #REF! is ignored with the cell's own message, at its row: never
    the text of an internal object."""
    path = write_workbook(tmp_path / "ref.xlsx", info={**basic_info(), "#REF!": "x"})
    parsed = parse(path)
    assert parsed.errors == []
    assert parsed.warnings == [Problem(
        "单元格显示错误值 #REF!，请改正公式或直接填写数值（A 列的项目名称无法读取，该行已忽略）",
        sheet="基本信息", row=8, column="A", value="#REF!")]
