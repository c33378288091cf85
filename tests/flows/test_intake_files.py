"""Each accepted variation and each rejection of submission.md, as real files in one inbox,
checked by status and error location in run-report.json."""

import copy
import shutil

import openpyxl
import pytest

from connectors.store import Store
from tests import hostile
from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.flows.conftest import Env, at, by_path, set_mtime

AS_OF = "2026-11-06"


def rows_with(sheet, **changes):
    rows = copy.deepcopy(VALID_ROWS)
    rows[sheet] = [{**rows[sheet][0], **changes}, *rows[sheet][1:]]
    return rows


def build_inbox(env: Env):
    i = env.inbox
    # Accepted variations, one unit folder each so none supersedes another.
    write_workbook(i / "SFJ" / "月报.xlsx")
    write_workbook(i / "SCJG" / "2026" / "10月" / "deep.xlsx", "SCJG")  # sub-folders
    headers = {"执法人员": [f"  {h} " for h in VALID_ROWS["执法人员"][0]],
               "执法决定": [h.replace("（", "(").replace("）", ")") for h in VALID_ROWS["执法决定"][0]]}
    write_workbook(i / "ZRZY" / "headers.xlsx", "ZRZY", headers=headers)
    blank_rows = copy.deepcopy(VALID_ROWS)
    blank_rows["执法人员"] = [blank_rows["执法人员"][0], None, None, blank_rows["执法人员"][1]]
    write_workbook(i / "NYNC" / "blank-rows.xlsx", "NYNC", rows=blank_rows)
    write_workbook(i / "WSJK" / "order.xlsx", "WSJK", extra_sheets=["填报说明"],
                   sheet_order=["填报说明", "任务进展", "执法决定", "基本信息", "执法人员", "培训记录",
                                "投诉举报", "心理健康活动", "柔性执法案例"])
    colon = {f"{k}：" if n % 2 else f"{k}:": v for n, (k, v) in enumerate(basic_info("ZJ").items())}
    write_workbook(i / "ZJ" / "colon.xlsx", "ZJ", info=colon)
    write_workbook(i / "JT" / "empty-sheets.xlsx", "JT",
                   rows={"培训记录": [], "柔性执法案例": [], "心理健康活动": [], "投诉举报": []})
    padded = write_workbook(i / "YJGL" / "padded.xlsx", "YJGL",
                            info=basic_info("YJGL", period=__import__("datetime").date(2026, 10, 1)))
    book = openpyxl.load_workbook(padded)
    book["执法人员"]["B3"] = 123
    book["执法人员"]["B3"].number_format = "000000"
    book.save(padded)
    # Corrections: the later arrival supersedes.
    write_workbook(i / "ZHZF" / "first.xlsx", "ZHZF")
    write_workbook(i / "ZHZF" / "second.xlsx", "ZHZF", rows=rows_with("执法决定", 决定文书号="X-2"))
    set_mtime(i / "ZHZF" / "first.xlsx", at("2026-11-02"))
    set_mtime(i / "ZHZF" / "second.xlsx", at("2026-11-04"))
    # Rejections.
    r = i / "STHJ"
    (r / "renamed.xlsx").parent.mkdir(parents=True)
    (r / "renamed.xlsx").write_text("单位编码,STHJ", encoding="utf-8")
    whole = write_workbook(r / "tmp.xlsx", "STHJ").read_bytes()
    (r / "tmp.xlsx").unlink()
    (r / "truncated.xlsx").write_bytes(whole[:3000])
    hostile.encrypted(r / "encrypted.xlsx")
    hostile.legacy_xls(r / "old.xls")
    (r / "data.csv").write_text("a,b\n", encoding="utf-8")
    write_workbook(r / "missing-sheet.xlsx", "STHJ", drop_sheets=["投诉举报"])
    renamed = list(VALID_ROWS["培训记录"][0])
    renamed[renamed.index("学时")] = "课时"
    write_workbook(r / "renamed-column.xlsx", "STHJ", headers={"培训记录": renamed})
    write_workbook(r / "extra-column.xlsx", "STHJ",
                   headers={"心理健康活动": [*VALID_ROWS["心理健康活动"][0], "备注"]})
    write_workbook(r / "version.xlsx", "STHJ", info=basic_info("STHJ", 模板版本="2025.9"))
    write_workbook(r / "other-unit.xlsx", "SFJ")
    write_workbook(r / "future.xlsx", "STHJ", "2026-12")
    late_blank = copy.deepcopy(VALID_ROWS)
    late_blank["执法决定"] = [late_blank["执法决定"][0], None,
                          {**late_blank["执法决定"][0], "决定文书号": "B-2", "决定日期": "10月9日"}]
    write_workbook(r / "bad-date.xlsx", "STHJ", rows=late_blank)
    choice_after_blank = copy.deepcopy(VALID_ROWS)
    choice_after_blank["执法决定"] = [choice_after_blank["执法决定"][0], None,
                                  {**choice_after_blank["执法决定"][0], "决定文书号": "B-2", "执法类别": "罚款"}]
    write_workbook(r / "bad-choice.xlsx", "STHJ", rows=choice_after_blank)
    formula = write_workbook(r / "formula.xlsx", "STHJ")
    book = openpyxl.load_workbook(formula)
    book["心理健康活动"]["D2"] = "=SUM(X1:X9)"
    book.save(formula)
    hostile.rewrite_part(write_workbook(r / "t.xlsx", "STHJ"), r / "error-cell.xlsx",
                         "xl/worksheets/sheet7.xml",
                         lambda d: d.replace(b'<c r="D2" t="n"><v>35</v></c>',
                                             b'<c r="D2" t="e"><v>#DIV/0!</v></c>'))
    (r / "t.xlsx").unlink()
    hostile.memory_bomb(r / "bomb.xlsx")
    hostile.huge_dimension(write_workbook(r / "t.xlsx", "STHJ"), r / "huge.xlsx")
    (r / "t.xlsx").unlink()
    write_workbook(i / "NOSUCH" / "x.xlsx", "NOSUCH")
    write_workbook(i / "loose.xlsx")
    # Ignored and duplicate.
    for name in ("~$月报.xlsx", ".hidden.xlsx", "Thumbs.db", "desktop.ini"):
        (i / "SFJ" / name).write_bytes(b"x")
    shutil.copy(i / "SFJ" / "月报.xlsx", i / "SFJ" / "月报（副本）.xlsx")
    for path in i.rglob("*"):
        if path.is_file() and "ZHZF" not in path.parts:
            set_mtime(path, at("2026-11-03"))


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_harness):
    with pytest.MonkeyPatch.context() as settings:
        env = Env(tmp_path_factory.mktemp("intake"), settings)
        build_inbox(env)
        yield env, env.intake(AS_OF)


ACCEPTED = ["SFJ/月报.xlsx", "SCJG/2026/10月/deep.xlsx", "ZRZY/headers.xlsx", "NYNC/blank-rows.xlsx",
            "WSJK/order.xlsx", "ZJ/colon.xlsx", "JT/empty-sheets.xlsx", "YJGL/padded.xlsx",
            "ZHZF/second.xlsx"]


@pytest.mark.parametrize("path", ACCEPTED)
def test_tolerated_variations_are_accepted(run, path):
    entry = by_path(run[1])[path]
    assert (entry["status"], entry["errors"], entry["period"]) == ("accepted", [], "2026-10")
    assert entry["unit"] == path.split("/")[0] and len(entry["sha256"]) == 64


def test_a_correction_supersedes_the_earlier_file(run):
    files = by_path(run[1])
    assert files["ZHZF/first.xlsx"]["status"] == "superseded"
    assert files["ZHZF/second.xlsx"]["status"] == "accepted"


def test_the_store_holds_exactly_the_accepted_data_with_true_rows_and_identifiers(run):
    store = Store(run[0].db)
    roster = [r for r in store.rows("roster")]
    assert {r["unit_code"] for r in roster} == {p.split("/")[0] for p in ACCEPTED}
    nync = sorted((r["excel_row"], r["cert_no"]) for r in roster if r["unit_code"] == "NYNC")
    assert nync == [(2, "640300123456"), (5, "000123")]
    assert {r["cert_no"] for r in roster if r["unit_code"] == "YJGL"} == {"640300123456", "000123"}
    decisions = store.rows("decisions")
    assert {r["decision_no"] for r in decisions if r["unit_code"] == "ZHZF"} == {"X-2"}
    assert {str(r["fine"]) for r in decisions} == {"5000.00"}
    assert {r["decision_date"].isoformat() for r in decisions} == {"2026-10-09"}
    assert not [r for r in roster if r["unit_code"] == "STHJ"]
    assert store.rows("trainings") and not [
        r for r in store.rows("trainings") if r["unit_code"] == "JT"]


REJECTED = {
    "STHJ/renamed.xlsx": (None, None, None, "改了扩展名"),
    "STHJ/truncated.xlsx": (None, None, None, "损坏或不完整"),
    "STHJ/encrypted.xlsx": (None, None, None, "密码"),
    "STHJ/old.xls": (None, None, None, "另存为 .xlsx"),
    "STHJ/data.csv": (None, None, None, "CSV"),
    "STHJ/missing-sheet.xlsx": ("投诉举报", None, None, "缺少工作表“投诉举报”"),
    "STHJ/extra-column.xlsx": ("心理健康活动", 1, "备注", "多出的列“备注”"),
    "STHJ/version.xlsx": ("基本信息", 4, "模板版本", "模板版本 2025.9 无法识别"),
    "STHJ/other-unit.xlsx": ("基本信息", 1, "单位编码", "与所在文件夹 STHJ 不一致"),
    "STHJ/future.xlsx": ("基本信息", 3, "报送期间", "晚于当前月份 2026-11"),
    "STHJ/bad-date.xlsx": ("执法决定", 4, "决定日期", "应为日期"),
    "STHJ/bad-choice.xlsx": ("执法决定", 4, "执法类别", "只能填写：行政处罚、"),
    "STHJ/formula.xlsx": ("心理健康活动", 2, "参加人数", "公式没有计算结果"),
    "STHJ/error-cell.xlsx": ("心理健康活动", 2, "参加人数", "#DIV/0!"),
    "STHJ/bomb.xlsx": (None, None, None, "远远超过一份月报应有的大小"),
    "STHJ/huge.xlsx": (None, None, None, "读取进程崩溃"),
    "NOSUCH/x.xlsx": (None, None, None, "不是已登记的单位编码"),
    "loose.xlsx": (None, None, None, "不在任何单位文件夹中"),
}


@pytest.mark.parametrize("path", REJECTED)
def test_each_problem_is_a_rejection_located_and_explained_in_chinese(run, path):
    entry = by_path(run[1])[path]
    sheet, row, column, message = REJECTED[path]
    assert entry["status"] == "rejected"
    assert any((e["sheet"], e["row"], e["column"]) == (sheet, row, column) and message in e["message"]
               for e in entry["errors"]), entry["errors"]
    assert entry["unit"] == ("STHJ" if path.startswith("STHJ") else None)


def test_a_renamed_column_is_both_missing_and_extra(run):
    errors = by_path(run[1])["STHJ/renamed-column.xlsx"]["errors"]
    assert {(e["sheet"], e["row"], e["column"]) for e in errors} == {
        ("培训记录", 1, "课时"), ("培训记录", 1, "学时")}


def test_lock_hidden_and_system_files_are_ignored_and_a_copy_is_a_duplicate(run):
    files = by_path(run[1])
    for name in ("~$月报.xlsx", ".hidden.xlsx", "Thumbs.db", "desktop.ini"):
        assert files[f"SFJ/{name}"]["status"] == "ignored"
    assert files["SFJ/月报（副本）.xlsx"]["status"] == "duplicate"
    assert files["SFJ/月报（副本）.xlsx"]["sha256"] == files["SFJ/月报.xlsx"]["sha256"]


def test_unit_statuses_for_the_month_being_collected(run):
    units = run[1]["units"]
    assert run[1]["period"] == "2026-10" and run[1]["as_of"].startswith("2026-11-06T23:59:59")
    assert units["SFJ"] == units["ZHZF"] == "on_time"
    assert units["STHJ"] == "rejected"
    assert units["LQX"] == "missing"  # 5 November passed with nothing from 柳泉乡
    assert "CZJ" not in units  # reports: false


def test_every_file_read_is_archived_by_hash(run):
    env, report = run
    for entry in report["files"]:
        if entry["status"] in ("accepted", "superseded", "rejected"):
            archived = env.out / "archive" / entry["sha256"][:2] / entry["sha256"]
            assert archived.read_bytes() == (env.inbox / entry["path"]).read_bytes()


def test_a_rerun_changes_nothing_and_lists_every_file_as_it_was(run):
    env, first = run
    before = Store(env.db).known()
    second = env.intake(AS_OF)
    assert second["files"] == first["files"]
    assert Store(env.db).known() == before
