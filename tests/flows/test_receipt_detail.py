"""What a clerk reads in the 回执, the mail and the 标注 copy: one problem per cell, the right
one; red wins; the workbook's reading order with rows as “第 N 行”; an accepted file says so."""

import copy
import datetime as dt

import openpyxl

from tests.builders import VALID_ROWS, write_workbook
from tests.flows.conftest import at, by_path, set_mtime

AS_OF = at("2026-11-06")


def feedback(env, unit: str, kind: str):
    [path] = (env.out / "feedback" / unit).rglob(f"*-{kind}.xlsx")
    return openpyxl.load_workbook(path)


def receipt_problems(env, unit: str) -> list[list]:
    sheet = feedback(env, unit, "回执")["回执"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "类别") + 1
    return [r[:6] for r in rows[start:]]


def test_an_unreadable_cell_has_its_one_problem_and_red_wins_in_reading_order(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法决定"][0]["决定日期"] = "某月某日"
    rows["培训记录"][0]["学时"] = "8学时"
    rows["执法人员"][0]["证件状态"] = "作废"  # not a 证件状态 (error) and not 有效 for an enforcer (warning)
    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx", rows=rows), at("2026-11-03"))
    entry = by_path(env.intake(AS_OF))["SFJ/a.xlsx"]
    assert [(e["sheet"], e["row"], e["column"]) for e in entry["errors"]] == [
        ("执法人员", 2, "证件状态"), ("培训记录", 2, "学时"), ("执法决定", 2, "决定日期")]
    assert not any("必须填写" in e["message"] for e in entry["errors"])
    problems = receipt_problems(env, "SFJ")
    assert [p[:4] for p in problems[:4]] == [
        ["错误", "执法人员", "第 2 行", "证件状态"], ["提醒", "执法人员", "第 2 行", "证件状态"],
        ["错误", "培训记录", "第 2 行", "学时"], ["错误", "执法决定", "第 2 行", "决定日期"]]
    cell = feedback(env, "SFJ", "标注")["执法人员"]["C2"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")  # red: one of its problems is an error
    notes = cell.comment.text.splitlines()
    assert len(notes) == 2 and notes[0].startswith("错误：") and notes[1].startswith("提醒：")


def test_an_accepted_file_says_it_has_no_problem(env):
    rows = copy.deepcopy(VALID_ROWS)
    rows["任务进展"] = [{"任务序号": n, "进展状态": "长期坚持"} for n in (1, 2, 3)]
    set_mtime(write_workbook(env.inbox / "ZRZY" / "a.xlsx", "ZRZY", rows=rows), at("2026-11-03"))
    entry = by_path(env.intake(AS_OF))["ZRZY/a.xlsx"]
    assert entry["status"] == "accepted"
    problems = receipt_problems(env, "ZRZY")
    if entry["warnings"]:
        assert all(p[0] == "提醒" for p in problems) and len(problems) == len(entry["warnings"])
    else:
        assert problems == [["无问题", None, None, None, None, "本文件未发现错误或提醒。"]]


def test_a_unit_whose_only_file_cannot_be_read_has_sent_something_not_nothing(env):
    """A .xls or .ods has no readable 报送期间: it counts for the period its name states, or
    the one being collected when it arrived, so its unit is 退回 with the reason, not 未报送."""
    from tests import hostile

    (env.inbox / "SFJ").mkdir()
    hostile.legacy_xls(env.inbox / "SFJ" / "十月月报.xls")
    (env.inbox / "ZRZY").mkdir()
    (env.inbox / "ZRZY" / "2026-09.ods").write_bytes(b"PK\x03\x04 an OpenDocument file")
    for path in env.inbox.rglob("*.*"):
        set_mtime(path, at("2026-11-03"))
    report = env.monthly("2026-10", dt.date(2026, 11, 6), only_units=["SFJ", "ZRZY"])
    files = by_path(report)
    assert files["SFJ/十月月报.xls"]["period"] == "2026-10"  # the month being collected when it arrived
    assert files["ZRZY/2026-09.ods"]["period"] == "2026-09"  # the month its name states
    assert "另存为" in files["ZRZY/2026-09.ods"]["errors"][0]["message"]
    assert report["units"] == {"SFJ": "rejected", "ZRZY": "missing"}  # ZRZY's file counts for September
    lines = {r[0]: r[1] for r in feedback(env, "SFJ", "回执")["回执"].iter_rows(values_only=True)}
    assert lines["报送期间"] == "2026-10（文件中的报送期间无法读取，按收到时间计入该月：本月视为已报送但被退回）"


def counted_line(env, unit: str, stem: str) -> str:
    [path] = (env.out / "feedback" / unit).rglob(f"{stem}-*-回执.xlsx")
    return {r[0]: r[1] for r in openpyxl.load_workbook(path)["回执"].iter_rows(values_only=True)}["报送期间"]


def test_an_unreadable_file_beside_an_accepted_one_does_not_make_the_month_rejected(env):
    """Issue 20: a file with no readable 报送期间 counts for the month being collected, but
    when a file of that unit and month is accepted as of the run (in the same run, or an
    earlier one) the month stands on it: the 回执 says so, not 已报送但被退回."""
    from tests import hostile

    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx"), at("2026-11-03"))
    set_mtime(hostile.legacy_xls(env.inbox / "SFJ" / "旧格式.xls"), at("2026-11-04"))
    report = env.intake(AS_OF)
    files = by_path(report)
    assert (files["SFJ/a.xlsx"]["status"], files["SFJ/旧格式.xls"]["status"]) == ("accepted", "rejected")
    assert files["SFJ/旧格式.xls"]["period"] == "2026-10" and report["units"]["SFJ"] == "on_time"
    stands = "本文件不计入统计，本单位本月以已受理的文件《SFJ/a.xlsx》为准，本月报送状态：按时）"
    assert counted_line(env, "SFJ", "旧格式") == f"2026-10（文件中的报送期间无法读取，按收到时间计入该月：{stands}"
    # A later run: the month stands on the file accepted before it.
    broken = env.inbox / "SFJ" / "补报.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    set_mtime(broken, at("2026-11-08"))
    assert by_path(env.intake(at("2026-11-09")))["SFJ/补报.xlsx"]["period"] == "2026-10"
    assert counted_line(env, "SFJ", "补报") == f"2026-10（文件中的报送期间无法读取，按收到时间计入该月：{stands}"


def test_a_receipt_mail_has_a_sender_name_and_no_double_space(env, monkeypatch):
    from tests.smtp import Server

    for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_SECURITY", "none"),
                        ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn")):
        monkeypatch.setenv(name, value)
    (env.inbox / "SCJG").mkdir()
    (env.inbox / "SCJG" / "报表.csv").write_text("a,b\n", encoding="utf-8")
    set_mtime(env.inbox / "SCJG" / "报表.csv", at("2026-11-03"))
    with Server() as server:
        monkeypatch.setenv("XZZF_SMTP_PORT", str(server.port))
        env.intake(AS_OF)
    [(_, message)] = server.inbox.messages
    assert message["Subject"] == "【回执】市场监督管理分局 2026-10 月报：退回"
    assert message["From"].addresses[0].display_name == "红寺堡区司法局 行政执法数据"
    html = message.get_body(("html",)).get_content()
    problems = html[html.index("<ul>"):html.index("</ul>")]  # the file's problems; the 任务提示 list follows
    assert problems.count("<li>") == 1 and html.index("<ul>") < html.index("<li>")
    assert html.count("<li>") == html.count("</li>") and "任务提示" in html[html.index("</ul>"):]
