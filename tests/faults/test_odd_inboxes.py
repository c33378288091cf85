"""One odd inbox entry never costs another unit its intake: each case sits beside a valid
file of another unit (ZRZY), which must be loaded in the same run."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from connectors.inbox import LINK, NOT_A_FILE, Inbox
from connectors.store import Store
from connectors.xlsx_reader import too_many_rows
from flows import intake_steps
from tests import hostile
from tests.builders import VALID_ROWS, write_workbook
from tests.flows.conftest import at, by_path, set_mtime
from xzzf.settings import load_settings
from xzzf.units import SAMPLE_REGISTRY, load_registry

pytestmark = pytest.mark.faults


@pytest.fixture
def beside(env):
    """The env, with ZRZY's valid file dropped; `run()` checks that it was loaded. The odd
    files are dropped now, and a run as of an earlier day would not see them (not_arrived):
    the runs are as of now."""
    set_mtime(write_workbook(env.inbox / "ZRZY" / "ok.xlsx", "ZRZY"), at("2026-11-03"))

    def run(**options) -> dict:
        report = env.intake(None, **options)
        assert by_path(report)["ZRZY/ok.xlsx"]["status"] == "accepted"
        assert {r["unit_code"] for r in Store(env.db).rows("roster")} >= {"ZRZY"}
        return report

    env.run = run
    return env


def receipts(env, unit: str) -> list[Path]:
    return sorted((env.out / "feedback" / unit).rglob("*.xlsx"))


def test_a_rejected_workbook_with_merged_cells_gets_its_annotated_copy(beside):
    """The wrong cell sits inside a merged area: the mark goes to the area's top-left cell."""
    path = write_workbook(beside.inbox / "SFJ" / "merged.xlsx")
    book = openpyxl.load_workbook(path)
    book["执法人员"]["C2"] = "作废"  # not a 证件状态
    book["执法人员"].merge_cells("B2:C2")  # the clerk merges: C2 is now a merged cell
    book.save(path)
    entry = by_path(beside.run())["SFJ/merged.xlsx"]
    assert entry["status"] == "rejected"
    assert any(e["sheet"] == "执法人员" and e["row"] == 2 and e["column"] == "证件状态" for e in entry["errors"])
    [copy] = [p for p in receipts(beside, "SFJ") if p.name.endswith("-标注.xlsx")]
    marked = openpyxl.load_workbook(copy)["执法人员"]["B2"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and "证件状态" in marked.comment.text


def test_a_workbook_openpyxl_cannot_open_gets_a_receipt_saying_why_there_is_no_copy(beside):
    source = write_workbook(beside.inbox.parent / "src.xlsx", drop_sheets=["投诉举报"])
    hostile.styles_with_entity(source, beside.inbox / "SFJ" / "odd-styles.xlsx")
    assert by_path(beside.run())["SFJ/odd-styles.xlsx"]["status"] == "rejected"
    [receipt] = receipts(beside, "SFJ")
    lines = {row[0]: row[1] for row in openpyxl.load_workbook(receipt)["回执"].iter_rows(values_only=True)}
    assert lines["处理结果"] == "退回" and lines["标注副本"].startswith("没有标注副本：制作时")
    assert "Error" not in lines["标注副本"]  # no exception name for the clerk


def test_a_file_name_of_255_bytes_gets_a_receipt_with_a_shortened_name(beside):
    name = "行政执法月报" * 13 + ".xlsx"
    assert len(name.encode()) == 239
    write_workbook(beside.inbox / "SFJ" / name, drop_sheets=["投诉举报"])
    assert by_path(beside.run())[f"SFJ/{name}"]["status"] == "rejected"
    names = [p.name for p in receipts(beside, "SFJ")]
    assert len(names) == 2 and all(len(n.encode()) <= 255 for n in names)
    assert names[0].startswith("行政执法月报行政执法月报")


def test_a_file_name_that_is_not_utf8_is_taken_and_shown_with_its_bytes(beside):
    folder = os.fsencode(beside.inbox / "SFJ")
    os.makedirs(folder)
    gbk = os.path.join(folder, "十月月报.xlsx".encode("gbk"))
    write_workbook(Path(os.fsdecode(gbk)))
    report = beside.run()
    shown = "SFJ/" + "十月月报".encode("gbk").decode("utf-8", "backslashreplace") + ".xlsx"
    assert shown.startswith("SFJ/ʮ\\xd4\\xc2")  # bytes that are not UTF-8 as \xNN
    assert by_path(report)[shown]["status"] == "accepted"
    json.dumps(report, ensure_ascii=False).encode("utf-8")  # the report is valid UTF-8
    assert len([p for p in receipts(beside, "SFJ") if p.name.endswith("-回执.xlsx")]) == 1


def test_a_backslash_and_its_escape_stay_different_names(beside):
    write_workbook(beside.inbox / "SFJ" / "a\\x41.xlsx")
    assert by_path(beside.run())["SFJ/a\\\\x41.xlsx"]["status"] == "accepted"


@pytest.mark.parametrize("build", [hostile.styles_with_entity, hostile.lower_case_references])
def test_xml_our_own_code_used_to_choke_on_is_read(beside, build):
    source = write_workbook(beside.inbox.parent / "src.xlsx")
    build(source, beside.inbox / "SFJ" / "odd.xlsx")
    assert by_path(beside.run())["SFJ/odd.xlsx"]["status"] == "accepted"


def test_links_and_what_is_not_a_file_are_ignored_with_the_reason_never_opened(beside, tmp_path):
    secret = tmp_path / "secret.xlsx"
    write_workbook(secret)
    (beside.inbox / "SFJ").mkdir()
    (beside.inbox / "SFJ" / "link.xlsx").symlink_to(secret)
    (beside.inbox / "SFJ" / "passwd.xlsx").symlink_to("/etc/passwd")
    (beside.inbox / "SFJ" / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(beside.inbox / "SFJ" / "pipe.xlsx")  # opening it would block for ever
    files = by_path(beside.run())
    for name, reason in (("link.xlsx", LINK), ("passwd.xlsx", LINK), ("linked-folder", LINK),
                         ("pipe.xlsx", NOT_A_FILE)):
        assert files[f"SFJ/{name}"]["status"] == "ignored"
        assert [w["message"] for w in files[f"SFJ/{name}"]["warnings"]] == [reason]
    archived = [p.read_bytes() for p in (beside.out / "archive").rglob("*") if p.is_file()]
    assert secret.read_bytes() not in archived and len(archived) == 1  # ZRZY's file only


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(beside, monkeypatch):
    monkeypatch.setenv("XZZF_MAX_FILE_MB", "1")
    big = beside.inbox / "SFJ" / "big.xlsx"
    big.parent.mkdir()
    with big.open("wb") as out:
        out.truncate(3 << 20)  # sparse: 3 MB that take no disk
    entry = by_path(beside.run())["SFJ/big.xlsx"]
    assert entry["status"] == "rejected" and entry["errors"][0]["message"].startswith("文件过大（3 MB，上限 1 MB）")
    assert len([p for p in (beside.out / "archive").rglob("*") if p.is_file()]) == 1


def test_a_file_modified_within_the_settle_time_waits_for_the_next_run(beside, monkeypatch):
    monkeypatch.setenv("XZZF_SETTLE_S", "3600")
    write_workbook(beside.inbox / "SFJ" / "fresh.xlsx")  # mtime: now
    assert by_path(beside.run())["SFJ/fresh.xlsx"]["status"] == "pending"
    assert receipts(beside, "SFJ") == []
    monkeypatch.setenv("XZZF_SETTLE_S", "0")
    assert by_path(beside.run())["SFJ/fresh.xlsx"]["status"] == "accepted"


def test_a_zip_that_ends_early_is_a_copy_in_progress_until_it_is_old(beside):
    whole = write_workbook(beside.inbox.parent / "whole.xlsx").read_bytes()
    cut = beside.inbox / "SFJ" / "copying.xlsx"
    cut.parent.mkdir()
    cut.write_bytes(whole[: len(whole) // 2])  # mtime: now
    assert by_path(beside.run())["SFJ/copying.xlsx"]["status"] == "pending"
    set_mtime(cut, dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    entry = by_path(beside.run())["SFJ/copying.xlsx"]
    assert entry["status"] == "rejected" and "不完整" in entry["errors"][0]["message"]


# A copy that restarts (a sync client, a second copy): the file truncated, then rewritten 1 KB
# every 0.3 s, over and over, until killed.
RESTARTING_COPY = """
import sys, time
path, whole = sys.argv[1], open(sys.argv[2], "rb").read()
while True:
    open(path, "wb").close()
    for start in range(0, len(whole), 1024):
        with open(path, "ab") as out:
            out.write(whole[start:start + 1024])
        time.sleep(0.3)
"""


def test_a_file_rewritten_while_the_run_goes_is_pending_and_gets_no_receipt(beside):
    """Issue 20, item 7: a real process rewrites the file through the run; the run leaves it
    pending (no 回执, no mail) and takes it once the copy has settled."""
    whole = write_workbook(beside.inbox.parent / "whole.xlsx")
    path = set_mtime(write_workbook(beside.inbox / "SFJ" / "copying.xlsx"), at("2026-11-03"))
    writer = subprocess.Popen([sys.executable, "-c", RESTARTING_COPY, str(path), str(whole)])
    try:
        time.sleep(1)
        entry = by_path(beside.run())["SFJ/copying.xlsx"]
    finally:
        writer.kill()
        writer.wait()
    assert entry["status"] == "pending" and receipts(beside, "SFJ") == []
    path.write_bytes(whole.read_bytes())
    set_mtime(path, dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    assert by_path(beside.run())["SFJ/copying.xlsx"]["status"] == "accepted"


def test_a_file_changed_after_the_run_started_is_not_taken_for_another_machines_clock(env, tmp_path):
    """The run's start is before the file's mtime; the file is still being written (its
    mtime is not ahead of the moment it was looked at), so the settle time holds."""
    whole = write_workbook(tmp_path / "whole.xlsx").read_bytes()
    (env.inbox / "SFJ").mkdir()
    (env.inbox / "SFJ" / "copying.xlsx").write_bytes(whole[: len(whole) // 2])  # mtime: now
    started = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    store = Store(env.db)
    store.migrate()
    scan = intake_steps.survey(Inbox(env.inbox), load_settings(), load_registry(SAMPLE_REGISTRY), store,
                               started, started)
    assert [(e.path, e.status) for e in scan.entries] == [("SFJ/copying.xlsx", "pending")] and not scan.new


def test_a_hidden_look_alike_sheet_rejects_the_file_naming_both(beside):
    source = write_workbook(beside.inbox.parent / "src.xlsx")
    hostile.hidden_look_alike(source, beside.inbox / "SFJ" / "twins.xlsx", "执法人员", {"A2": "冒名"})
    entry = by_path(beside.run())["SFJ/twins.xlsx"]
    assert entry["status"] == "rejected"
    assert any("“执法人员”与“执法人员 ”" in e["message"] for e in entry["errors"])


def test_a_sheet_filled_down_to_the_last_row_is_refused_and_the_run_goes_on(beside):
    """Issue 20: column A of 执法人员 filled down to row 1,048,576 (a few MB, inside the
    container limits) once stopped every run; now the reader refuses it, naming the sheet,
    its rows and the limit, and the valid file beside it is loaded in the same run."""
    source = write_workbook(beside.inbox.parent / "src.xlsx")
    filled = hostile.rows_below(source, beside.inbox / "SFJ" / "filled.xlsx",
                                lambda n: b'<c r="A%d"><v>1</v></c>' % n)
    assert filled.stat().st_size < 5 << 20
    started = time.monotonic()
    entry = by_path(beside.run())["SFJ/filled.xlsx"]
    assert time.monotonic() - started < 60  # it took 9 minutes and 15 GB before failing
    assert entry["status"] == "rejected"
    assert [e["message"] for e in entry["errors"]] == [too_many_rows("执法人员", 1_048_576, 10_000)]
    assert receipts(beside, "SFJ")  # the clerk gets the reason


def test_a_file_with_hundreds_of_errors_lists_the_first_ones_and_counts_the_rest(beside):
    """300 rows with an unreadable date (after 张三, whom 培训记录 names): the run report and
    the store list 200 errors, then one line counting the rest."""
    bad = {**VALID_ROWS["执法人员"][0], "证件有效期至": "下个月"}
    rows = [VALID_ROWS["执法人员"][0], *({**bad, "姓名": f"人员{n}", "执法证号": f"{640300000000 + n}"}
                                      for n in range(300))]
    write_workbook(beside.inbox / "SFJ" / "many.xlsx", rows={"执法人员": rows})
    errors = by_path(beside.run())["SFJ/many.xlsx"]["errors"]
    [stored] = [s for s in Store(beside.db).submissions_for("2026-10") if s.path == "SFJ/many.xlsx"]
    assert stored.errors == errors and len(errors) == 201
    assert all(e["sheet"] == "执法人员" and e["column"] == "证件有效期至" for e in errors[:200])
    assert errors[200]["message"].startswith("另有 100 处错误未逐条列出（每个文件最多列出 200 处）")
