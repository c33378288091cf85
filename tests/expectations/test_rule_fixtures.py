"""Every rule of the rule table has a failing and a passing fixture workbook: real files,
validated together in one batch (as a run does), each failure found at its cell."""

import copy
import datetime as dt

import openpyxl
import pytest

from connectors.xlsx_reader import read_workbook
from flows.intake_steps import validate_rows
from tests import hostile
from tests.builders import VALID_ROWS, basic_info, write_workbook
from xzzf.catalog import assign
from xzzf.plans import plan_in_force
from xzzf.rules import CELL_RULES, RULES, RULES_BY_ID
from xzzf.schema import BASIC_INFO_SHEET, SHEETS, SHEETS_BY_NAME, Kind
from xzzf.settings import load_settings
from xzzf.units import SAMPLE_REGISTRY, load_registry
from xzzf.workbook import parse_workbook

REGISTRY = load_registry(SAMPLE_REGISTRY)
AS_OF = dt.date(2027, 1, 10)
D = dt.date


def base_rows():
    rows = copy.deepcopy(VALID_ROWS)
    # the tasks of 2026 (the base period's year): no plan imported, the 2023–2025 plan carried on
    owed = assign(plan_in_force([], "2026-10").tasks, REGISTRY).tasks_of("SFJ")
    rows["任务进展"] = [{"任务序号": no, "进展状态": "长期坚持"} for no in owed]
    return rows


def change(sheet, values=None, row=0, *, append=None, drop_task=None, period="2026-10", cell=None):
    """A fixture: set `values` in a row of a sheet (or append a row), optionally other period."""
    return {"sheet": sheet, "values": values or {}, "row": row, "append": append, "drop_task": drop_task,
            "period": period, "cell": cell}


BASE = change("执法人员")


def generic(rule):
    """Required and choice rules of the schema: blank or a value outside the list."""
    sheet = SHEETS_BY_NAME[rule.sheet]
    header = sheet.column(rule.column).header
    return change(sheet.title, {header: None if rule.check == "not_null" else "无效值"}), BASE


DUP_DECISION = {**VALID_ROWS["执法决定"][0]}
FIXTURES = {
    "roster.key.unique": (change("执法人员", {"执法证号": "640300123456"}, 1), BASE),
    "roster.cert_no.required_when": (change("执法人员", {"执法证号": None}),
                                     change("执法人员", {"执法证号": None, "证件状态": "未取得", "证件有效期至": None,
                                                     "是否执法人员": "否"})),
    "roster.cert_valid_until.required_when": (change("执法人员", {"证件有效期至": None}),
                                              change("执法人员", {"证件状态": "注销", "证件有效期至": None,
                                                              "是否执法人员": "否"})),
    "roster.certified_duty": (change("执法人员", {"证件状态": "暂扣"}),
                              change("执法人员", {"证件状态": "暂扣", "是否执法人员": "否"})),
    "roster.cert_expired": (change("执法人员", {"证件有效期至": D(2026, 10, 30)}),
                            change("执法人员", {"证件有效期至": D(2026, 10, 31)})),
    "trainings.key.unique": (change("培训记录", append=VALID_ROWS["培训记录"][0]),
                             change("培训记录", append={**VALID_ROWS["培训记录"][0], "培训名称": "另一次"})),
    "trainings.cert_no.on_roster": (change("培训记录", {"执法证号": "999"}),
                                    change("培训记录", {"执法证号": "000123", "姓名": "李四"})),
    "trainings.training_date.after_start": (change("培训记录", {"培训日期": D(2026, 9, 30)}),
                                            change("培训记录", {"培训日期": D(2026, 10, 1)})),
    "trainings.training_date.not_after_period": (change("培训记录", {"培训日期": D(2026, 11, 1)}),
                                                 change("培训记录", {"培训日期": D(2026, 10, 31)})),
    "trainings.hours.range": (change("培训记录", {"学时": 0}), change("培训记录", {"学时": 80})),
    "decisions.key.unique": (change("执法决定", append=DUP_DECISION),
                             change("执法决定", append={**DUP_DECISION, "决定文书号": "红市监罚〔2026〕13号"})),
    "decisions.decision_date.not_after_period": (change("执法决定", {"决定日期": D(2026, 11, 1)}),
                                                 change("执法决定", {"决定日期": D(2026, 10, 31)})),
    "decisions.credit_code.required_when": (change("执法决定", {"统一社会信用代码": None}),
                                            change("执法决定", {"当事人类型": "自然人", "统一社会信用代码": None})),
    "decisions.credit_code.checksum": (change("执法决定", {"统一社会信用代码": "91640300MA76XQ7K5K"}), BASE),
    "decisions.on_spot.only_penalty": (
        change("执法决定", {"执法类别": "行政许可", "是否当场处罚": "是", "是否备案": "是", "罚没金额（元）": None}),
        change("执法决定", {"是否当场处罚": "是", "是否备案": "是"})),
    "decisions.filed.required_when": (change("执法决定", {"是否当场处罚": "是"}),
                                      change("执法决定", {"是否当场处罚": "是", "是否备案": "否"})),
    "decisions.published_on.required_when": (change("执法决定", {"公开日期": None}),
                                             change("执法决定", {"公开状态": "未公开", "公开日期": None})),
    "decisions.published_on.after_decision": (change("执法决定", {"公开日期": D(2026, 10, 8)}),
                                              change("执法决定", {"公开日期": D(2026, 10, 9)})),
    "decisions.fine.range": (change("执法决定", {"罚没金额（元）": -1}), change("执法决定", {"罚没金额（元）": 0})),
    "decisions.fine.only_penalty": (change("执法决定", {"执法类别": "行政检查"}),
                                    change("执法决定", {"执法类别": "行政检查", "罚没金额（元）": None})),
    # Decided Friday 9 October 2026; Saturday the 10th is a 调休 working day, so the
    # 7 working days end on Monday the 19th.
    "decisions.published_on.in_time": (change("执法决定", {"公开日期": D(2026, 10, 20)}),
                                       change("执法决定", {"公开日期": D(2026, 10, 19)})),
    # 20 working days after 21 December 2026 fall in 2027, a year the calendar data lacks.
    "decisions.published_on.in_time_estimated": (
        change("执法决定", {"执法类别": "行政检查", "罚没金额（元）": None, "决定日期": D(2026, 12, 21),
                        "公开日期": D(2027, 1, 20)}, period="2026-12"),
        change("执法决定", {"执法类别": "行政检查", "罚没金额（元）": None, "决定日期": D(2026, 12, 21),
                        "公开日期": D(2027, 1, 18)}, period="2026-12")),
    "decisions.withdrawal_pending": (change("执法决定", {"决定状态": "被撤销"}),
                                     change("执法决定", {"决定状态": "被撤销", "公开状态": "已下撤"})),
    "complaints.key.unique": (change("投诉举报", append=VALID_ROWS["投诉举报"][0]),
                              change("投诉举报", append={**VALID_ROWS["投诉举报"][0], "登记编号": "TS-2"})),
    "complaints.received_on.not_after_period": (change("投诉举报", {"受理日期": D(2026, 11, 1)}),
                                                change("投诉举报", {"受理日期": D(2026, 10, 20)})),
    "complaints.due_on.after_received": (change("投诉举报", {"规定办结日期": D(2026, 10, 7)}),
                                         change("投诉举报", {"规定办结日期": D(2026, 10, 8)})),
    "complaints.closed_on.after_received": (change("投诉举报", {"办结日期": D(2026, 10, 7)}),
                                            change("投诉举报", {"办结日期": D(2026, 10, 8)})),
    "complaints.closed_on.not_after_period": (change("投诉举报", {"办结日期": D(2026, 11, 1)}),
                                              change("投诉举报", {"办结日期": D(2026, 10, 31)})),
    "complaints.result.required_when": (change("投诉举报", {"办理结果": None}),
                                        change("投诉举报", {"办结日期": None, "办理结果": None})),
    "flexible_cases.key.unique": (
        change("柔性执法案例", append=VALID_ROWS["柔性执法案例"][0]),
        change("柔性执法案例", append={**VALID_ROWS["柔性执法案例"][0], "发生日期": D(2026, 10, 16)})),
    "flexible_cases.occurred_on.after_start": (change("柔性执法案例", {"发生日期": D(2025, 12, 31)}),
                                               change("柔性执法案例", {"发生日期": D(2026, 1, 1)})),
    "flexible_cases.occurred_on.not_after_period": (change("柔性执法案例", {"发生日期": D(2026, 11, 1)}),
                                                    change("柔性执法案例", {"发生日期": D(2026, 10, 31)})),
    "flexible_cases.summary.length": (change("柔性执法案例", {"简要情况": "字" * 501}),
                                      change("柔性执法案例", {"简要情况": "字" * 500})),
    "psych_activities.key.unique": (
        change("心理健康活动", append=VALID_ROWS["心理健康活动"][0]),
        change("心理健康活动", append={**VALID_ROWS["心理健康活动"][0], "活动名称": "团体辅导"})),
    "psych_activities.held_on.after_start": (change("心理健康活动", {"活动日期": D(2026, 9, 30)}),
                                             change("心理健康活动", {"活动日期": D(2026, 10, 1)})),
    "psych_activities.held_on.not_after_period": (change("心理健康活动", {"活动日期": D(2026, 11, 1)}),
                                                  change("心理健康活动", {"活动日期": D(2026, 10, 31)})),
    "psych_activities.participants.range": (change("心理健康活动", {"参加人数": 0}),
                                            change("心理健康活动", {"参加人数": 1})),
    "task_progress.key.unique": (change("任务进展", append={"任务序号": 1, "进展状态": "推进中"}), BASE),
    "task_progress.task_no.range": (change("任务进展", {"任务序号": 44}), change("任务进展", {"任务序号": 1})),
    "task_progress.task_no.owed": (change("任务进展", append={"任务序号": 21, "进展状态": "推进中"}), BASE),
    "task_progress.completed_on.required_when": (
        change("任务进展", {"进展状态": "已完成", "佐证材料": "文件"}),
        change("任务进展", {"进展状态": "推进中"})),
    "task_progress.evidence.required_when": (
        change("任务进展", {"进展状态": "已完成", "完成日期": D(2024, 3, 1)}),
        change("任务进展", {"进展状态": "已完成", "完成日期": D(2024, 3, 1), "佐证材料": "文件"})),
    "task_progress.completed_on.not_after_period": (
        change("任务进展", {"进展状态": "已完成", "完成日期": D(2026, 11, 1), "佐证材料": "文件"}),
        change("任务进展", {"进展状态": "已完成", "完成日期": D(2026, 10, 31), "佐证材料": "文件"})),
    "owed_tasks.reported": (change("任务进展", drop_task=3), BASE),
    "cell.date": (change("执法决定", {"决定日期": "10月9日"}), change("执法决定", {"决定日期": "2026年10月9日"})),
    "cell.number": (change("培训记录", {"学时": "八"}), change("培训记录", {"学时": "６"})),
    "cell.integer": (change("心理健康活动", {"参加人数": "3.5"}), change("心理健康活动", {"参加人数": "３5"})),
    "cell.yes_no": (change("执法决定", {"是否当场处罚": "Y"}), change("执法决定", {"是否当场处罚": "否"})),
    "cell.formula_without_value": (change("心理健康活动", cell=("D2", "formula")), BASE),
    "cell.error_value": (change("心理健康活动", cell=("D2", "error")), BASE),
}
for _rule in RULES:
    if _rule.id.endswith((".required", ".choice")):
        FIXTURES[_rule.id] = generic(_rule)

# The cell each failing fixture must be reported at: (sheet, Excel row, column header).
def expected_row(rule_id, fixture):
    if rule_id == "owed_tasks.reported":
        return None  # a missing row has no row number
    if fixture["append"]:
        return len(base_rows()[fixture["sheet"]]) + 2
    return fixture["row"] + 2


def build(tmp_path, name, fixture):
    rows = base_rows()
    sheet = fixture["sheet"]
    if fixture["append"]:
        rows[sheet].append(fixture["append"])
    elif fixture["drop_task"]:
        rows[sheet] = [r for r in rows[sheet] if r["任务序号"] != fixture["drop_task"]]
    else:
        rows[sheet][fixture["row"]] = {**rows[sheet][fixture["row"]], **fixture["values"]}
    path = write_workbook(tmp_path / f"{name}.xlsx", info=basic_info(period=fixture["period"]), rows=rows)
    if fixture["cell"]:
        ref, kind = fixture["cell"]
        if kind == "formula":
            book = openpyxl.load_workbook(path)
            book[sheet][ref] = "=SUM(X1:X9)"
            book.save(path)
        else:
            part = f"xl/worksheets/sheet{SHEET_ORDER.index(sheet) + 1}.xml"  # as write_workbook orders them
            hostile.rewrite_part(path, path.with_suffix(".e.xlsx"), part, lambda d: d.replace(
                f'<c r="{ref}" t="n"><v>35</v></c>'.encode(), f'<c r="{ref}" t="e"><v>#N/A</v></c>'.encode()))
            path = path.with_suffix(".e.xlsx")
    return path


SHEET_ORDER = [BASIC_INFO_SHEET, *(s.title for s in SHEETS)]


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """All fixtures of all rules, parsed and validated in one batch; the GX calls made."""
    tmp_path = tmp_path_factory.mktemp("fixtures")
    workbooks = {}
    names = [("base", BASE)] + [(f"{rid}|{side}", fixture) for rid, pair in FIXTURES.items()
                                for side, fixture in zip(("fail", "pass"), pair, strict=True)]
    for file_id, (name, fixture) in enumerate(names):
        grids = read_workbook(build(tmp_path, name.replace("|", "-"), fixture).read_bytes()).grids
        workbooks[file_id] = ("SFJ", parse_workbook(grids, "SFJ", REGISTRY, AS_OF))
    calls = validate_rows(workbooks, REGISTRY, load_settings())
    return {name: workbooks[file_id][1] for file_id, (name, _) in enumerate(names)}, calls


def test_every_rule_has_a_failing_and_a_passing_fixture():
    assert {r.id for r in (*RULES, *CELL_RULES)} == set(FIXTURES)


def test_the_base_workbook_is_clean(validated):
    base = validated[0]["base"]
    assert (base.errors, base.warnings) == ([], [])


def test_a_batch_of_all_fixtures_takes_one_gx_call_per_sheet(validated):
    assert validated[1] == 8  # seven sheets and the derived owed-tasks table


@pytest.mark.parametrize("rule_id", sorted(FIXTURES))
def test_the_failing_fixture_breaks_the_rule_at_its_cell(validated, rule_id):
    rule = RULES_BY_ID[rule_id]
    parsed = validated[0][f"{rule_id}|fail"]
    found = parsed.errors if rule.severity == "error" else parsed.warnings
    hits = [p for p in found if p.rule == rule_id]
    assert hits, (parsed.errors, parsed.warnings)
    fixture = FIXTURES[rule_id][0]
    row = expected_row(rule_id, fixture)
    if rule.sheet != "*":
        sheet = SHEETS_BY_NAME["task_progress" if rule.sheet == "owed_tasks" else rule.sheet]
        assert any((p.sheet, p.row, p.column) == (sheet.title, row, sheet.column(rule.column).header)
                   for p in hits), hits
    else:
        assert all(p.sheet == fixture["sheet"] and p.row == 2 for p in hits), hits
    assert all(p.message for p in hits)


@pytest.mark.parametrize("rule_id", sorted(FIXTURES))
def test_the_passing_fixture_keeps_the_rule(validated, rule_id):
    parsed = validated[0][f"{rule_id}|pass"]
    assert not [p for p in parsed.errors + parsed.warnings if p.rule == rule_id]


def test_values_are_shown_as_the_clerk_typed_them(validated):
    parsed = validated[0]["decisions.on_spot.only_penalty|fail"]
    assert [p.value for p in parsed.errors if p.rule == "decisions.on_spot.only_penalty"] == ["是"]
    owed = validated[0]["owed_tasks.reported|fail"].warnings
    assert [(p.sheet, p.row, p.column, p.value) for p in owed] == [("任务进展", None, "任务序号", "3")]


def test_enumerated_and_required_columns_all_have_rules():
    for sheet in SHEETS_BY_NAME.values():
        for column in sheet.columns:
            if column.kind is Kind.ENUM:
                assert f"{sheet.name}.{column.name}.choice" in RULES_BY_ID
            if column.required:
                assert f"{sheet.name}.{column.name}.required" in RULES_BY_ID
