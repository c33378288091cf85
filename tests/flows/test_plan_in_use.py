"""A new plan, as the 司法局 would receive it, through real flow runs: its faulty first text is
refused naming each problem and nothing is stored; once fixed it is imported for 2026–2028, and
2026's templates, task reminders and annual report carry its tasks, not the 2023–2025 plan's.

The new plan is the seed's text with task 11 rewritten (a new text, so a new title, and a 2026
deadline): under the 2023–2025 plan carried on, task 11 (dated 2024) is owed by nobody in 2026,
so every check below on task 11 fails if a run does not use the new plan."""

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from prefect.exceptions import FailedRun

from tests.smtp import Server

SEED = Path(__file__).parents[3] / "shared" / "seed" / "hongsibao-enforcement-plan.txt"
if not SEED.exists():  # its text is read as the module loads
    pytest.skip("shared/seed is not beside this checkout", allow_module_level=True)
TITLE = "第 11 项 开展行政执法案卷集中评查"
# Task 11's owners (各行政执法部门〔单位〕、各乡镇〔街道〕) include SCJG, one of the two sample units with an address.
OWNER = "SCJG"


def new_plan(deadline: str) -> str:
    """The seed with task 11 rewritten and due by `deadline`; its township group in （） brackets."""
    text = SEED.read_text(encoding="utf-8")
    assert text.count("完成时限：2024 年 3 月底前\n") >= 1 and "11. 全面落实行政裁量权基准制度，参照" in text
    return (text.replace("11. 全面落实行政裁量权基准制度，参照", "11. 开展行政执法案卷集中评查，对照", 1)
            .replace("完成时限：2024 年 3 月底前\n", f"完成时限：{deadline}\n", 1)  # task 11's
            .replace("各乡镇〔街道〕", "各乡镇（街道）"))


FAULTY = (new_plan("2026年第四季度")  # a deadline phrase it cannot read
          .replace("\n12. ", "\n13. ", 1)  # task 12 renumbered: 11 then 13, and 13 twice
          .replace("发展和改革局、市场监督管理分局", "发展和改革局、市场监管管理分局"))  # a typo'd owner
FIXED = new_plan("2026年11月30日前")


def rows_below(sheet, header_first: str) -> list[dict]:
    """A sheet's rows as dicts by header, the header being the row whose first cell is `header_first`."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(n for n, row in enumerate(rows) if row[0] == header_first)
    return [dict(zip(rows[start], row, strict=True)) for row in rows[start + 1:] if row[0] is not None]


@pytest.fixture
def mail(monkeypatch):
    with Server() as server:
        for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_PORT", server.port),
                            ("XZZF_SMTP_SECURITY", "none"), ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"),
                            ("XZZF_SFJ_RECIPIENTS", "sfj@hsb.example.gov.cn"), ("XZZF_SMTP_TIMEOUT_S", "2"),
                            ("XZZF_MAIL_BACKOFF_S", "0.05")):
            monkeypatch.setenv(name, str(value))
        yield server


def test_a_new_plan_is_refused_until_fixed_then_2026_runs_use_its_tasks(env, tmp_path, mail):
    from flows.annual import annual
    from flows.plans import plan_import, plan_show
    from flows.reminders import reminders
    from flows.templates import templates

    text = tmp_path / "三年行动任务分工方案2026-2028.txt"
    text.write_text(FAULTY, encoding="utf-8")
    with pytest.raises(FailedRun) as refused:
        plan_import(path=str(text), years="2026-2028")
    said = str(refused.value)
    assert "第 11 项之后是第 13 项" in said and "第 13 项出现了两次" in said
    assert "第 11 项的完成时限“2026年第四季度”无法识别" in said
    assert "“市场监管管理分局”不是名册中的名称，与“市场监督管理分局”相近" in said
    assert "各乡镇" not in said  # （） brackets read as 〔〕
    assert "没有导入的行动方案" in plan_show(year=2026)  # nothing stored

    text.write_text(FIXED, encoding="utf-8")
    assert "已导入第 1 号方案" in plan_import(path=str(text), years="2026-2028")
    shown = json.loads(plan_show(year=2026, as_json=True))
    assert shown["years"] == [2026, 2028]
    [task] = [t for t in shown["tasks"] if t["number"] == 11]
    assert task["title"] == "开展行政执法案卷集中评查" and task["deadline"]["due"] == "2026-11-30"
    assert OWNER in task["owners"]["responsible"] and "HSBZ" in task["owners"]["responsible"]

    out = tmp_path / "templates"
    env.use(templates=out)
    templates(period="2026-10", only_units=[OWNER, "HSBZ"])
    for code in (OWNER, "HSBZ"):  # a department and a township (its group written in （）)
        progress = openpyxl.load_workbook(next((out / code).glob("*.xlsx")))["任务进展"]
        rows = {row["任务序号"]: row for row in rows_below(progress, "任务序号")}
        assert rows[11]["完成时限"] == "2026年11月30日前"
        assert rows[11]["任务内容"].startswith("开展行政执法案卷集中评查")
        assert TITLE in progress.cell(row=2 + list(rows).index(11), column=1).comment.text

    reminders(as_of=dt.date(2026, 11, 2))  # task 11 due in 28 days: within the 30 a reminder looks ahead
    task_mails = [m for _, m in mail.inbox.messages if m["Subject"].startswith("【任务提醒】")]
    [scjg] = [m for m in task_mails if "市场监督管理分局" in m["Subject"]]
    assert TITLE in scjg["Subject"] and "2026年11月30日" in scjg["Subject"]

    env.monthly("2026-10", dt.date(2026, 12, 5))  # task 11 overdue since 30 November: the summary lists it
    [summary] = [m for _, m in mail.inbox.messages if m["Subject"].startswith("【行政执法月报】2026-10")]
    body = summary.get_body(("plain",)).get_content()
    [overdue] = [line for line in body[body.index("\n任务完成情况"):].splitlines() if TITLE in line]
    assert "完成时限 2026年11月30日，已逾期" in overdue  # its owners counted, every one behind

    folder = Path(annual(year=2026, as_of=dt.date(2027, 1, 20)))
    figures = json.loads((folder / "figures-2026.json").read_text(encoding="utf-8"))
    assert 11 in figures["units"][OWNER]["indicators"]["tasks_overdue"]  # nobody reported it done
    book = openpyxl.load_workbook(next(folder.glob("*-数据.xlsx")))
    status = {(row["任务序号"], row["单位"]): row for row in rows_below(book["任务完成情况"], "任务序号")}
    assert status[(11, "市场监督管理分局")]["任务"] == "开展行政执法案卷集中评查"
    assert status[(11, "市场监督管理分局")]["完成时限"] == "2026年11月30日"
    assert status[(11, "市场监督管理分局")]["完成情况"] == "完成时限 2026年11月30日，已逾期"
    by_unit = {row["单位编码"]: row for row in rows_below(book["分单位指标"], "单位编码")}
    assert TITLE in by_unit[OWNER]["逾期任务"]  # the new plan's task 11, not the seed's


def test_a_year_no_plan_covers_is_said_in_one_line_in_the_draft_and_the_mail(env, mail):
    """No plan imported for 2026: the annual report's Word draft opens 二 with the line the mail
    and the summary carry (marked for the writer); 2025, which the seed covers, has none."""
    import docx

    from flows.annual import annual
    from xzzf.plans import plan_in_force

    notice = plan_in_force([], "2026-12").notice
    folder = Path(annual(year=2026, as_of=dt.date(2027, 1, 20)))
    paragraphs = [p.text for p in docx.Document(next(folder.glob("*（草稿）.docx"))).paragraphs]
    assert paragraphs[paragraphs.index("二、主要做法及成效") + 1] == f"【待完善】{notice}"
    assert sum(notice in p for p in paragraphs) == 1
    [sent] = [m for _, m in mail.inbox.messages if m["Subject"].startswith("【年度报告】")]
    assert notice in sent.get_body(("plain",)).get_content()

    folder = Path(annual(year=2025, as_of=dt.date(2026, 1, 20)))
    assert not [p.text for p in docx.Document(next(folder.glob("*（草稿）.docx"))).paragraphs if "行动方案" in p.text]
