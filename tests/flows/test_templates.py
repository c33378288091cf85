"""Templates: drop-downs, pre-filled data from last month, 填报说明, task titles, print
setup, and the round trip."""

import copy
import datetime as dt
import shutil

import openpyxl
import pytest

from connectors.xlsx_writer import text_width
from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.filling import every_task, make_template
from tests.flows.conftest import at, by_path, set_mtime
from tests.printing import assert_prints_on_a4_landscape
from xzzf.catalog import assign
from xzzf.plans import plan_in_force
from xzzf.schema import SHEETS, SHEETS_BY_NAME, Kind
from xzzf.units import SAMPLE_REGISTRY, load_registry

REGISTRY = load_registry(SAMPLE_REGISTRY)
UNITS = ("SFJ", "XMJD", "HSBZ")  # 部门, 街道, 乡镇
OWED = assign(plan_in_force([], "2026-11").tasks, REGISTRY)  # no plan imported: 2023–2025 carried on
DISPLAY = [c.header for c in SHEETS_BY_NAME["task_progress"].display]  # 任务内容, 完成时限


def by_header(sheet) -> list[dict]:
    """A sheet's rows below its header, as dicts by header."""
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


@pytest.fixture
def made(env, tmp_path):
    """October accepted for each unit (with one complaint still open), then November's templates."""
    from flows.templates import templates

    for n, code in enumerate(UNITS):
        rows = copy.deepcopy(VALID_ROWS)
        # Each unit its own people and decisions: one 执法证号 on duty in two units, or one
        # 决定文书号 in two, is a data-quality signal (a warning) in the filled template's run.
        for row in (rows["执法人员"] + rows["培训记录"]) if n else ():
            row["执法证号"] += str(n)
        for row in rows["执法决定"] if n else ():
            row["决定文书号"] = row["决定文书号"].replace("号", f"{n}号")
        rows["投诉举报"].append({**rows["投诉举报"][0], "登记编号": "TS-OPEN", "办结日期": None, "办理结果": None})
        if code != "SFJ":
            rows["任务进展"] = [{"任务序号": 3, "进展状态": "推进中"}]
        else:  # 长期坚持 on a task due every year (32): never done (issue 21)
            rows["任务进展"] += [{"任务序号": 32, "进展状态": "长期坚持"}]
        path = write_workbook(env.inbox / code / "10.xlsx", code,
                              info=basic_info(code, 单位名称=REGISTRY.get(code).name), rows=rows)
        set_mtime(path, at("2026-11-03"))
    report = env.intake(dt.date(2026, 11, 6))
    assert {e["status"] for e in report["files"]} == {"accepted"}
    out = tmp_path / "templates"
    env.use(templates=out)
    templates(period="2026-11", only_units=list(UNITS))
    return {code: next((out / code).glob("*.xlsx")) for code in UNITS}


def test_every_enumerated_column_has_a_drop_down(made):
    book = openpyxl.load_workbook(made["SFJ"])
    for sheet in SHEETS:
        ws = book[sheet.title]
        covered = {str(rng).split(":")[0][:-1] for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
        for index, column in enumerate(sheet.template_columns, start=1):
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
    progress = {row["任务序号"].value: row["进展状态"].value for row in by_header(book["任务进展"])}
    assert set(progress) == set(OWED.tasks_of("SFJ"))
    assert progress[19] == "已完成" and progress[3] == "长期坚持" and progress[1] == "未启动"  # never reported
    assert "第 1 项" in book["任务进展"]["A2"].comment.text


def test_a_task_with_a_deadline_is_never_prefilled_as_长期坚持(made):
    """Issue 21: 长期坚持 never counts as done for a task due by a day or every year, so the
    template brings back what the unit reported as 推进中 (the clerk changes it to 已完成 once
    done); a task 「…前并长期坚持」 keeps it (after its day that is how it stays on track)."""
    tasks = {task.no: task for task in OWED.tasks}  # 2026: the dated-only tasks are not carried on
    book = openpyxl.load_workbook(made["SFJ"])
    progress = {row["任务序号"].value: row["进展状态"].value for row in by_header(book["任务进展"])}
    assert progress[32] == "推进中" and progress[3] == "长期坚持"
    for code in UNITS:
        rows = by_header(openpyxl.load_workbook(made[code])["任务进展"])
        held = [row["任务序号"].value for row in rows if row["进展状态"].value == "长期坚持"]
        assert all(tasks[no].deadline.kind == "ongoing" or tasks[no].deadline.ongoing_after for no in held), code
    notes = [row[0].value for row in openpyxl.load_workbook(made["SFJ"])["填报说明"].iter_rows()]
    dated = next(n for n in notes if n and n.startswith("完成时限为具体日期的任务"))
    assert "选“已完成”，并填写完成日期" in dated and "“长期坚持”“推进中”都不算完成" in dated
    yearly = next(n for n in notes if n and n.startswith("完成时限为“每年……前”的任务"))
    assert "完成日期填当年的日期" in yearly and "上一年的完成日期不算当年完成" in yearly


def test_a_filled_template_is_accepted_with_no_error_and_no_warning(made, env):
    for code, path in made.items():
        book = openpyxl.load_workbook(path)
        book["基本信息"]["B5"], book["基本信息"]["B7"] = "赵六", dt.date(2026, 11, 28)
        for row in by_header(book["任务进展"]):
            if row["进展状态"].value is None:
                row["进展状态"].value = "推进中"
        book["投诉举报"]["F2"], book["投诉举报"]["G2"] = dt.date(2026, 11, 10), "不属实"
        book.save(env.inbox / code / "11.xlsx")
        set_mtime(env.inbox / code / "11.xlsx", at("2026-11-28"))
    files = by_path(env.intake(dt.date(2026, 11, 29)))  # November reported in November: never a future run
    for code in UNITS:
        entry = files[f"{code}/11.xlsx"]
        assert (entry["status"], entry["errors"], entry["warnings"]) == ("accepted", [], []), code


def test_the_command_writes_templates_for_every_reporting_unit(env, tmp_path):
    from typer.testing import CliRunner

    from cli import app

    out = tmp_path / "t"
    result = CliRunner().invoke(app, ["templates", "--period", "2026-11", "--out", str(out), "--db", env.db])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(u.code for u in REGISTRY.reporting)
    bad = CliRunner().invoke(app, ["templates", "--period", "2026-13", "--out", str(out), "--db", env.db])
    assert bad.exit_code == 2 and "period" in bad.output


@pytest.fixture
def blank(env, tmp_path):
    """SFJ's November template from an empty store: nothing carried over from earlier months."""
    return openpyxl.load_workbook(make_template(env.db, "SFJ", "2026-11", tmp_path / "blank"))


def section(sheet, title: str) -> dict[str, str]:
    """The lines of one 【section】 of 填报说明 (after its column names), first cell → second."""
    lines = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    start = next(n for n in range(lines.index([title]), len(lines)) if lines[n][:1] in (["列名"], ["项目"])) + 1
    return {line[0]: line[1] for line in lines[start:lines.index([], start)]}


def test_the_instructions_say_when_where_and_how_to_save_and_what_基本信息_needs(blank):
    sheet = blank["填报说明"]
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert "请于 2026年12月7日（星期一）前报送" in text  # 5 December is a Saturday: the next working day
    assert "共享文件夹中本单位的文件夹“SFJ”（以单位编码命名）" in text
    assert "请保持 .xlsx 格式" in text and "不要另存为 .xls、.et、.ods 或 .csv" in text
    info = section(sheet, "【基本信息】")
    assert info["单位编码"] == info["报送期间"] == "已由司法局填好，不能修改"
    assert (info["填报人"], info["联系电话"], info["填报日期"]) == ("文本，必填", "文本", "日期，如 2026-03-05，必填")
    assert section(sheet, "【任务进展】")["任务内容"] == "已由司法局填好，不能修改"
    lines = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    rules = [row[1] for row in lines if row[0] in ("错误", "提醒")]
    repeated = [(a, b) for n, a in enumerate(rules) for b in rules[n + 1:] if b.startswith(a)]
    assert not repeated  # 培训日期应在报送期间内 said once, though two rules check it
    assert ("错误", "“培训日期”应在报送期间内", None) in lines


def test_every_owed_task_shows_its_title_and_deadline_in_locked_shaded_cells(blank):
    sheet = blank["任务进展"]
    assert [c.value for c in sheet[1]] == ["任务序号", *DISPLAY, "进展状态", "完成日期", "佐证材料", "备注"]
    tasks = {task.no: task for task in OWED.tasks}
    rows = by_header(sheet)
    assert [row["任务序号"].value for row in rows] == list(OWED.tasks_of("SFJ"))
    for row in rows:
        task = tasks[row["任务序号"].value]
        assert (row["任务内容"].value, row["完成时限"].value) == (task.title, task.deadline.phrase)
        for header in DISPLAY:
            assert row[header].protection.locked and row[header].fill.fgColor.rgb.endswith("E7E6E6")
            assert text_width(row[header].value) < sheet.column_dimensions[row[header].column_letter].width
        assert not row["进展状态"].protection.locked
        assert task.title in row["任务序号"].comment.text  # the note stays, for the screen
    assert sheet.protection.sheet


def test_every_sheet_prints_on_a4_landscape_and_long_text_wraps(blank):
    for sheet in blank.worksheets:  # 执法决定's 16 columns on one page would print at about 6 pt
        assert_prints_on_a4_landscape(sheet, pages_wide=2 if sheet.title == "执法决定" else 1)
    assert blank["填报说明"].row_dimensions[1].height >= 20  # the 14-pt title is not clipped

    def column(title: str, header: str):
        sheet = blank[title]
        return sheet.column_dimensions[next(c.column_letter for c in sheet[1] if c.value == header)]

    assert column("培训记录", "学时").number_format == "General"  # "0.##" shows 8 as "8."
    # An 编号 never wraps: its column holds a whole one, as 12.8 did not hold SCJG-TS-2025-04-1.
    for title, header in (("投诉举报", "登记编号"), ("执法决定", "决定文书号"), ("执法人员", "执法证号")):
        assert column(title, header).width >= text_width("SCJG-TS-2025-04-17") + 2, (title, header)
        assert column(title, header).width >= text_width("红司市监罚〔2025〕123号") + 2, (title, header)
    for title, header in (("柔性执法案例", "简要情况"), ("任务进展", "备注"), ("任务进展", "任务内容"),
                          ("任务进展", "佐证材料")):
        assert column(title, header).alignment.wrap_text, (title, header)


def test_an_untouched_template_is_rejected_for_exactly_填报人_and_填报日期(env, tmp_path):
    """SFJ reported September (every task it owes), so its October template comes with every
    task's status; XMJD has no history, so each of its tasks starts as 未启动."""
    september = {title: [] for title in (s.title for s in SHEETS)}
    september["执法人员"] = VALID_ROWS["执法人员"]
    september["任务进展"] = every_task("SFJ", "2026-09")
    path = write_workbook(env.inbox / "SFJ" / "9.xlsx", period="2026-09", rows=september,
                          info=basic_info(period="2026-09", 填报日期=dt.date(2026, 10, 3)))
    set_mtime(path, at("2026-10-03"))
    assert by_path(env.intake(dt.date(2026, 10, 8)))["SFJ/9.xlsx"]["status"] == "accepted"
    for code in ("SFJ", "XMJD"):
        (env.inbox / code).mkdir(exist_ok=True)
        untouched = shutil.copy(make_template(env.db, code, "2026-10", tmp_path / "t"), env.inbox / code / "10.xlsx")
        set_mtime(untouched, at("2026-11-03"))
    files = by_path(env.intake(dt.date(2026, 11, 6)))

    def cells(entry):
        return [(p["sheet"], p["row"], p["column"]) for p in entry["errors"]]

    blank_info = [("基本信息", 5, "填报人"), ("基本信息", 7, "填报日期")]
    sfj = files["SFJ/10.xlsx"]
    assert (sfj["status"], cells(sfj), sfj["warnings"]) == ("rejected", blank_info, [])
    xmjd = files["XMJD/10.xlsx"]
    assert (xmjd["status"], cells(xmjd), xmjd["warnings"]) == ("rejected", blank_info, [])
