"""Which broken rules reject a file and which only warn, pinned to submission.md.

The table below is transcribed from submission.md, not from the rule table (`xzzf.rules`
is not imported here): the "Warning (not an error)" / "Warnings:" lines of the workbook
contract, the unknown 基本信息 label, and the omitted owed task of indicators.md are
warnings; every other rule of the contract is an error, and "rejected (退回): the file …
has at least one error". Each case is a real workbook that breaks exactly one rule (or
sits exactly on a boundary the spec allows); all are validated in one batch, as a run does.
"""

import copy
import datetime as dt

import pytest

from connectors.xlsx_reader import read_workbook
from flows.intake_steps import validate_rows
from tests.builders import VALID_ROWS, basic_info, write_workbook
from xzzf.catalog import assign
from xzzf.plans import plan_in_force
from xzzf.settings import load_settings
from xzzf.units import SAMPLE_REGISTRY, load_registry
from xzzf.workbook import parse_workbook

REGISTRY = load_registry(SAMPLE_REGISTRY)
AS_OF = dt.date(2027, 1, 10)
D = dt.date
ERROR, WARNING, CLEAN = "error", "warning", "clean"
# The base period's tasks: no plan imported, so 2026 carries on the 2023–2025 plan's ongoing and
# yearly tasks (its dated-only tasks 11, 13 and 20 are owed by nobody).
ASSIGNMENT = assign(plan_in_force([], "2026-10").tasks, REGISTRY)
OWED = ASSIGNMENT.tasks_of("SFJ")
NOT_OWED = next(task.no for task in ASSIGNMENT.tasks if task.no not in OWED)  # a task of the plan, not SFJ's


def case(severity, sheet, column, values=None, *, row=0, append=None, period="2026-10", info=None,
         rows=None, drop_task=None, extra_column=False, drop_sheet=None):
    return {"severity": severity, "sheet": sheet, "column": column, "values": values or {}, "row": row,
            "append": append, "period": period, "info": info, "rows": rows, "drop_task": drop_task,
            "extra_column": extra_column, "drop_sheet": drop_sheet}


DECISION = VALID_ROWS["执法决定"][0]
TRAINING = VALID_ROWS["培训记录"][0]
COMPLAINT = VALID_ROWS["投诉举报"][0]
FLEXIBLE = VALID_ROWS["柔性执法案例"][0]
PSYCH = VALID_ROWS["心理健康活动"][0]
INSPECTION = {"执法类别": "行政检查", "罚没金额（元）": None}

# name → the one change and what submission.md says it is. The base workbook (period
# 2026-10, unit SFJ) is clean; its decision is dated Friday 9 October 2026.
SEVERITY = {
    # 执法人员: "Warning (not an error): 是否执法人员 = 是 with 证件状态 ≠ 有效; 证件有效期至
    # before the period's last day while 证件状态 = 有效."
    "enforcer without a valid certificate": case(WARNING, "执法人员", "证件状态", {"证件状态": "暂扣"}),
    "certificate expired before the period end": case(WARNING, "执法人员", "证件有效期至",
                                                       {"证件有效期至": D(2026, 10, 30)}),
    "certificate valid until the period's last day": case(CLEAN, "执法人员", "证件有效期至",
                                                          {"证件有效期至": D(2026, 10, 31)}),
    "non-enforcer without a valid certificate": case(CLEAN, "执法人员", "证件状态",
                                                     {"证件状态": "暂扣", "是否执法人员": "否"}),
    "name missing": case(ERROR, "执法人员", "姓名", {"姓名": None}),
    "certificate number missing": case(ERROR, "执法人员", "执法证号", {"执法证号": None}),
    "certificate number missing for 未取得": case(CLEAN, "执法人员", "执法证号", {
        "执法证号": None, "证件状态": "未取得", "证件有效期至": None, "是否执法人员": "否"}, row=1),
    "certificate number repeated": case(ERROR, "执法人员", "执法证号", {"执法证号": "640300123456"}, row=1),
    "certificate status outside the list": case(ERROR, "执法人员", "证件状态", {"证件状态": "过期"}),
    "validity date missing for 有效": case(ERROR, "执法人员", "证件有效期至", {"证件有效期至": None}),
    "duty status outside the list": case(ERROR, "执法人员", "在岗状态", {"在岗状态": "借调"}),
    "yes/no other than 是 or 否": case(ERROR, "执法人员", "是否公职律师", {"是否公职律师": "Y"}),
    # 培训记录
    "trainee not on this workbook's roster": case(ERROR, "培训记录", "执法证号", {"执法证号": "640300999999"}),
    "training before the period": case(ERROR, "培训记录", "培训日期", {"培训日期": D(2026, 9, 30)}),
    "training after the period": case(ERROR, "培训记录", "培训日期", {"培训日期": D(2026, 11, 1)}),
    "training on the period's first and last day": case(CLEAN, "培训记录", "培训日期", rows={
        "培训记录": [{**TRAINING, "培训日期": D(2026, 10, 1)}, {**TRAINING, "培训日期": D(2026, 10, 31)}]}),
    "training of 0 hours": case(ERROR, "培训记录", "学时", {"学时": 0}),
    "training of 80.5 hours": case(ERROR, "培训记录", "学时", {"学时": 80.5}),
    "training of 80 hours": case(CLEAN, "培训记录", "学时", {"学时": 80}),
    "training organiser outside the list": case(ERROR, "培训记录", "组织方式", {"组织方式": "自学"}),
    "training repeated (event key)": case(ERROR, "培训记录", "执法证号", append=TRAINING),
    # 执法决定: "Warnings: 公开日期 later than the publication time limit …; a decision with
    # 决定状态 ≠ 有效 that is still 已公开 (应下撤未下撤)."
    "published after 7 working days": case(WARNING, "执法决定", "公开日期", {"公开日期": D(2026, 10, 20)}),
    "published on the 7th working day": case(CLEAN, "执法决定", "公开日期", {"公开日期": D(2026, 10, 19)}),
    # 行政检查: 20 working days. From Friday 9 October 2026: Saturday the 10th (调休) is the
    # 1st, then weekdays; the 20th is Thursday 5 November.
    "inspection published on the 20th working day": case(CLEAN, "执法决定", "公开日期",
                                                          {**INSPECTION, "公开日期": D(2026, 11, 5)}),
    "inspection published on the 21st working day": case(WARNING, "执法决定", "公开日期",
                                                          {**INSPECTION, "公开日期": D(2026, 11, 6)}),
    "published after 20 working days, calendar not yet known": case(
        WARNING, "执法决定", "公开日期",
        {**INSPECTION, "决定日期": D(2026, 12, 21), "公开日期": D(2027, 1, 20)}, period="2026-12",
        rows={"培训记录": [], "心理健康活动": []}),  # their October dates lie outside December
    "revoked decision still published (应下撤未下撤)": case(WARNING, "执法决定", "公开状态", {"决定状态": "被撤销"}),
    "revoked decision withdrawn": case(CLEAN, "执法决定", "公开状态", {"决定状态": "被撤销", "公开状态": "已下撤"}),
    "decision number repeated": case(ERROR, "执法决定", "决定文书号", append=DECISION),
    "decision after the period": case(ERROR, "执法决定", "决定日期", {"决定日期": D(2026, 11, 1)}),
    "enterprise without credit code": case(ERROR, "执法决定", "统一社会信用代码", {"统一社会信用代码": None}),
    "credit code with a wrong check digit": case(ERROR, "执法决定", "统一社会信用代码",
                                                 {"统一社会信用代码": "91640300MA76XQ7K5K"}),
    "on-the-spot licence": case(ERROR, "执法决定", "是否当场处罚",
                                {"执法类别": "行政许可", "罚没金额（元）": None, "是否当场处罚": "是",
                                 "是否备案": "是"}),
    "on-the-spot penalty without 是否备案": case(ERROR, "执法决定", "是否备案", {"是否当场处罚": "是"}),
    "published without a date": case(ERROR, "执法决定", "公开日期", {"公开日期": None}),
    "published before the decision": case(ERROR, "执法决定", "公开日期", {"公开日期": D(2026, 10, 8)}),
    "published on the decision day": case(CLEAN, "执法决定", "公开日期", {"公开日期": D(2026, 10, 9)}),
    "negative fine": case(ERROR, "执法决定", "罚没金额（元）", {"罚没金额（元）": -1}),
    "zero fine": case(CLEAN, "执法决定", "罚没金额（元）", {"罚没金额（元）": 0}),
    "fine on an inspection": case(ERROR, "执法决定", "罚没金额（元）", {"执法类别": "行政检查"}),
    # 投诉举报
    "complaint received after the period": case(ERROR, "投诉举报", "受理日期", {"受理日期": D(2026, 11, 1)}),
    "complaint due before it was received": case(ERROR, "投诉举报", "规定办结日期",
                                                 {"规定办结日期": D(2026, 10, 7)}),
    "complaint closed before it was received": case(ERROR, "投诉举报", "办结日期", {"办结日期": D(2026, 10, 7)}),
    "complaint due and closed the day it was received": case(CLEAN, "投诉举报", "办结日期", {
        "规定办结日期": D(2026, 10, 8), "办结日期": D(2026, 10, 8)}),
    "complaint closed after the period": case(ERROR, "投诉举报", "办结日期", {"办结日期": D(2026, 11, 1)}),
    "complaint closed without a result": case(ERROR, "投诉举报", "办理结果", {"办理结果": None}),
    "complaint pending without a result": case(CLEAN, "投诉举报", "办理结果", {"办结日期": None, "办理结果": None}),
    # 柔性执法案例
    "case from the year before": case(ERROR, "柔性执法案例", "发生日期", {"发生日期": D(2025, 12, 31)}),
    "case on 1 January of the period's year": case(CLEAN, "柔性执法案例", "发生日期", {"发生日期": D(2026, 1, 1)}),
    "case after the period": case(ERROR, "柔性执法案例", "发生日期", {"发生日期": D(2026, 11, 1)}),
    "case summary of 501 characters": case(ERROR, "柔性执法案例", "简要情况", {"简要情况": "字" * 501}),
    "case summary of 500 characters": case(CLEAN, "柔性执法案例", "简要情况", {"简要情况": "字" * 500}),
    # 心理健康活动
    "activity with 0 participants": case(ERROR, "心理健康活动", "参加人数", {"参加人数": 0}),
    "activity with 1 participant": case(CLEAN, "心理健康活动", "参加人数", {"参加人数": 1}),
    "activity before the period": case(ERROR, "心理健康活动", "活动日期", {"活动日期": D(2026, 9, 30)}),
    "activity type outside the list": case(ERROR, "心理健康活动", "活动类型", {"活动类型": "团建"}),
    # 任务进展 (and indicators.md: "a snapshot that omits an owed task … the omission is a warning")
    "owed task omitted": case(WARNING, "任务进展", "任务序号", drop_task=OWED[0]),
    "task number 44": case(ERROR, "任务进展", "任务序号", {"任务序号": 44}),
    "task the unit does not owe": case(ERROR, "任务进展", "任务序号",
                                       append={"任务序号": NOT_OWED, "进展状态": "推进中"}),
    "task state outside the list": case(ERROR, "任务进展", "进展状态", {"进展状态": "已结束"}),
    "task done without a date": case(ERROR, "任务进展", "完成日期", {"进展状态": "已完成", "佐证材料": "文件"}),
    "task done without evidence": case(ERROR, "任务进展", "佐证材料",
                                       {"进展状态": "已完成", "完成日期": D(2024, 3, 1)}),
    "task done after the period": case(ERROR, "任务进展", "完成日期", {
        "进展状态": "已完成", "完成日期": D(2026, 11, 1), "佐证材料": "文件"}),
    "task done on the period's last day": case(CLEAN, "任务进展", "完成日期", {
        "进展状态": "已完成", "完成日期": D(2026, 10, 31), "佐证材料": "文件"}),
    # 基本信息 and the workbook: "an unknown label is a warning"; the rest are errors.
    "unknown 基本信息 label": case(WARNING, "基本信息", "备注", info={**basic_info(), "备注": "无"}),
    "unit code of another unit": case(ERROR, "基本信息", "单位编码", info=basic_info(unit="SCJG")),
    "period after the as-of month": case(ERROR, "基本信息", "报送期间", info=basic_info(period="2027-02")),
    "unknown template version": case(ERROR, "基本信息", "模板版本", info=basic_info(模板版本="2025.1")),
    "filled-in by missing": case(ERROR, "基本信息", "填报人", info=basic_info(填报人=...)),
    "filling date as free text": case(ERROR, "基本信息", "填报日期", info=basic_info(填报日期="11月3日")),
    "date in an unknown format": case(ERROR, "执法决定", "决定日期", {"决定日期": "10月9日"}),
    "extra column": case(ERROR, "心理健康活动", None, extra_column=True),
    "missing sheet": case(ERROR, "柔性执法案例", None, drop_sheet="柔性执法案例"),
}


def base_rows():
    rows = copy.deepcopy(VALID_ROWS)
    rows["任务进展"] = [{"任务序号": no, "进展状态": "长期坚持"} for no in OWED]
    return rows


def build(tmp_path, name, spec):
    rows = base_rows()
    sheet = spec["sheet"]
    rows.update(copy.deepcopy(spec["rows"] or {}))
    if spec["append"]:
        rows[sheet].append(spec["append"])
    elif spec["drop_task"]:
        rows[sheet] = [r for r in rows[sheet] if r["任务序号"] != spec["drop_task"]]
    elif spec["values"]:
        rows[sheet][spec["row"]] = {**rows[sheet][spec["row"]], **spec["values"]}
    headers = None
    if spec["extra_column"]:
        headers = {sheet: [*rows[sheet][0], "备注"]}
        rows[sheet] = [{**r, "备注": "多填的一列"} for r in rows[sheet]]
    info = spec["info"] or basic_info(period=spec["period"])
    return write_workbook(tmp_path / f"{name}.xlsx", info=info, rows=rows, headers=headers,
                          drop_sheets=[spec["drop_sheet"]] if spec["drop_sheet"] else ())


# Two units' files in one batch: each training must be on its own workbook's roster
# ("must appear in this workbook's 执法人员 sheet"), not on any pooled file's roster.
OTHER_UNIT_ROSTER = [{**VALID_ROWS["执法人员"][0], "姓名": "王六", "执法证号": "640300777777"}]


def other_unit_rows(trainee: str):
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法人员"] = copy.deepcopy(OTHER_UNIT_ROSTER)
    rows["培训记录"] = [{**TRAINING, "姓名": "某人", "执法证号": trainee}]
    rows["任务进展"] = [{"任务序号": no, "进展状态": "长期坚持"}
                    for no in ASSIGNMENT.tasks_of("SCJG")]
    return rows


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("severity")
    paths = {"base": ("SFJ", build(tmp_path, "base", case(CLEAN, "执法人员", None)))}
    for number, (name, spec) in enumerate(SEVERITY.items()):
        paths[name] = ("SFJ", build(tmp_path, f"case-{number}", spec))
    for name, trainee in (("other unit, trainee on the SFJ roster only", "640300123456"),
                          ("other unit, trainee on its own roster", "640300777777")):
        paths[name] = ("SCJG", write_workbook(tmp_path / f"{trainee}.xlsx", info=basic_info("SCJG"),
                                              rows=other_unit_rows(trainee)))
    workbooks = {}
    for file_id, (unit, path) in enumerate(paths.values()):
        grids = read_workbook(path.read_bytes()).grids
        workbooks[file_id] = (unit, parse_workbook(grids, unit, REGISTRY, AS_OF))
    validate_rows(workbooks, REGISTRY, load_settings())
    return {name: workbooks[file_id][1] for file_id, name in enumerate(paths)}


def test_the_base_workbook_is_accepted_without_warnings(validated):
    assert (validated["base"].errors, validated["base"].warnings) == ([], [])


@pytest.mark.parametrize("name", [n for n, s in SEVERITY.items() if s["severity"] == ERROR])
def test_it_rejects_a_workbook_that_breaks_an_error_rule(validated, name):
    """It rejects the file (at least one error), at the sheet and column submission.md names."""
    spec, parsed = SEVERITY[name], validated[name]
    assert parsed.errors, f"accepted: {name}"
    assert any(p.sheet == spec["sheet"] and (spec["column"] is None or p.column == spec["column"])
               for p in parsed.errors), parsed.errors


@pytest.mark.parametrize("name", [n for n, s in SEVERITY.items() if s["severity"] == WARNING])
def test_it_accepts_with_a_warning_a_workbook_that_breaks_a_warning_rule(validated, name):
    """It accepts the file (no error) and reports a warning at the sheet and column."""
    spec, parsed = SEVERITY[name], validated[name]
    assert parsed.errors == [], f"rejected for a warning: {name}"
    assert any(p.sheet == spec["sheet"] and p.column == spec["column"] for p in parsed.warnings), parsed.warnings


@pytest.mark.parametrize("name", [n for n, s in SEVERITY.items() if s["severity"] == CLEAN])
def test_it_accepts_without_a_warning_a_workbook_on_the_allowed_side_of_a_boundary(validated, name):
    parsed = validated[name]
    assert (parsed.errors, parsed.warnings) == ([], [])


def test_the_row_of_a_row_rule_is_the_excel_row(validated):
    """It cites the Excel row as the clerk sees it (header = row 1)."""
    repeated = validated["certificate number repeated"].errors
    assert ("执法人员", 3, "执法证号") in {(p.sheet, p.row, p.column) for p in repeated}
    withdrawal = validated["revoked decision still published (应下撤未下撤)"].warnings
    assert [(p.sheet, p.row) for p in withdrawal] == [("执法决定", 2)]


def test_the_value_is_shown_as_the_clerk_sees_the_cell(validated):
    """A blank cell is shown blank (not "None"), a whole number without ".0"."""
    blank = [p for p in validated["complaint closed without a result"].errors if p.column == "办理结果"]
    assert [p.value for p in blank] == [""]
    zero = [p for p in validated["training of 0 hours"].errors if p.column == "学时"]
    assert [p.value for p in zero] == ["0"]


def test_it_rejects_a_training_whose_trainee_is_only_on_another_pooled_files_roster(validated):
    """It checks 培训记录.执法证号 against this workbook's own 执法人员 sheet, even when
    another file of the same run lists that person."""
    borrowed = validated["other unit, trainee on the SFJ roster only"]
    assert [(p.sheet, p.row, p.column, p.value) for p in borrowed.errors] == [
        ("培训记录", 2, "执法证号", "640300123456")]
    own = validated["other unit, trainee on its own roster"]
    assert (own.errors, own.warnings) == ([], [])


def test_it_rejects_a_training_when_no_file_of_the_run_has_a_roster_row(tmp_path):
    """A workbook whose 执法人员 sheet is empty (a valid "nothing to report" sheet) cannot
    list trainees: each training row is an error, also when the run has no roster row at all."""
    rows = base_rows()
    rows["执法人员"] = []
    path = write_workbook(tmp_path / "no-roster.xlsx", info=basic_info(), rows=rows)
    parsed = parse_workbook(read_workbook(path.read_bytes()).grids, "SFJ", REGISTRY, AS_OF)
    validate_rows({0: ("SFJ", parsed)}, REGISTRY, load_settings())
    assert [(p.sheet, p.row, p.column) for p in parsed.errors] == [("培训记录", 2, "执法证号")]
    assert parsed.warnings == []


def test_it_warns_of_every_owed_task_when_no_file_of_the_run_reports_progress(tmp_path):
    """An empty 任务进展 sheet is accepted; each owed task it omits is a warning (indicators.md),
    also when no file of the run has a progress row at all."""
    rows = base_rows()
    rows["任务进展"] = []
    path = write_workbook(tmp_path / "no-progress.xlsx", info=basic_info(), rows=rows)
    parsed = parse_workbook(read_workbook(path.read_bytes()).grids, "SFJ", REGISTRY, AS_OF)
    validate_rows({0: ("SFJ", parsed)}, REGISTRY, load_settings())
    assert parsed.errors == []
    omitted = [p for p in parsed.warnings if (p.sheet, p.column) == ("任务进展", "任务序号")]
    assert sorted(int(p.value) for p in omitted) == list(OWED)
