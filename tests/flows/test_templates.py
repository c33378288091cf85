"""Templates: drop-downs, pre-filled data from last month, and the round trip."""

import copy
import datetime as dt

import openpyxl
import pytest

from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.flows.conftest import at, by_path, set_mtime
from xzzf.catalog import assign, load_catalog
from xzzf.schema import SHEETS, Kind
from xzzf.units import SAMPLE_REGISTRY, load_registry

REGISTRY = load_registry(SAMPLE_REGISTRY)
UNITS = ("SFJ", "XMJD", "HSBZ")  # 部门, 街道, 乡镇


@pytest.fixture
def made(env, tmp_path):
    """October accepted for each unit (with one complaint still open), then November's templates."""
    from flows.templates import templates

    for code in UNITS:
        rows = copy.deepcopy(VALID_ROWS)
        rows["投诉举报"].append({**rows["投诉举报"][0], "登记编号": "TS-OPEN", "办结日期": None, "办理结果": None})
        if code != "SFJ":
            rows["任务进展"] = [{"任务序号": 3, "进展状态": "推进中"}]
        path = write_workbook(env.inbox / code / "10.xlsx", code,
                              info=basic_info(code, 单位名称=REGISTRY.get(code).name), rows=rows)
        set_mtime(path, at("2026-11-03"))
    report = env.intake(dt.date(2026, 11, 6))
    assert {e["status"] for e in report["files"]} == {"accepted"}
    out = tmp_path / "templates"
    templates(period="2026-11", out=str(out), only_units=list(UNITS), db=env.db)
    return {code: next((out / code).glob("*.xlsx")) for code in UNITS}


def test_every_enumerated_column_has_a_drop_down(made):
    book = openpyxl.load_workbook(made["SFJ"])
    for sheet in SHEETS:
        ws = book[sheet.title]
        covered = {str(rng).split(":")[0][:-1] for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
        for index, column in enumerate(sheet.columns, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            assert (letter in covered) == (column.kind in (Kind.ENUM, Kind.YESNO)), (sheet.title, column.header)
        assert ws.freeze_panes == "A2" and ws.protection.sheet
    assert book["基本信息"]["B1"].value == "SFJ" and book["基本信息"]["B3"].value == "2026-11"
    assert "填报说明" in book.sheetnames


def test_last_months_roster_open_complaints_and_task_statuses_are_prefilled(made):
    book = openpyxl.load_workbook(made["SFJ"])
    roster = [[c.value for c in row] for row in book["执法人员"].iter_rows(min_row=2)]
    assert [r[:2] for r in roster] == [["张三", "640300123456"], ["李四", "000123"]]
    assert roster[0][4] == "是"
    complaints = [row[0].value for row in book["投诉举报"].iter_rows(min_row=2)]
    assert complaints == ["TS-OPEN"]
    progress = {row[0].value: row[1].value for row in book["任务进展"].iter_rows(min_row=2)}
    assert set(progress) == set(assign(load_catalog(), REGISTRY).tasks_of("SFJ"))
    assert progress[11] == "已完成" and progress[3] == "长期坚持" and progress[1] is None
    assert "任务 1" in book["任务进展"]["A2"].comment.text


def test_a_filled_template_is_accepted_with_no_error_and_no_warning(made, env):
    for code, path in made.items():
        book = openpyxl.load_workbook(path)
        book["基本信息"]["B5"], book["基本信息"]["B7"] = "赵六", dt.date(2026, 11, 28)
        for row in book["任务进展"].iter_rows(min_row=2):
            if row[1].value is None:
                row[1].value = "推进中"
        book["投诉举报"]["F2"], book["投诉举报"]["G2"] = dt.date(2026, 11, 10), "不属实"
        book.save(env.inbox / code / "11.xlsx")
        set_mtime(env.inbox / code / "11.xlsx", at("2026-11-28"))
    files = by_path(env.intake(dt.date(2026, 11, 29)))  # November reported in November: never a future run
    for code in UNITS:
        entry = files[f"{code}/11.xlsx"]
        assert (entry["status"], entry["errors"], entry["warnings"]) == ("accepted", [], []), code


def test_the_command_writes_templates_for_every_reporting_unit(env, tmp_path):
    from typer.testing import CliRunner

    from xzzf.cli import app

    out = tmp_path / "t"
    result = CliRunner().invoke(app, ["templates", "--period", "2026-11", "--out", str(out), "--db", env.db])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(u.code for u in REGISTRY.reporting)
    bad = CliRunner().invoke(app, ["templates", "--period", "2026-13", "--out", str(out), "--db", env.db])
    assert bad.exit_code == 2 and "period" in bad.output
