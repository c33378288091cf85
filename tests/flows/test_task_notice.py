"""Issue 21: every 回执 and every mail to a unit carries its 任务提示 — the tasks it owes that
are overdue as of the run, by the day they were due (a yearly task's day that year and the next
one), and those due within 60 days — or 无逾期任务."""

import copy
import datetime as dt
from email import policy
from email.parser import BytesParser

import openpyxl

from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.flows.conftest import at, set_mtime
from xzzf.catalog import assign, load_catalog, task_label
from xzzf.units import SAMPLE_REGISTRY, load_registry

CATALOG = load_catalog()  # the 2023–2025 plan, in force for the run's month
TASKS = {task.no: task for task in CATALOG}
OWED = assign(CATALOG, load_registry(SAMPLE_REGISTRY))


def progress(code: str, done: bool) -> list[dict]:
    """A row for every task `code` owes: 长期坚持 where that is the deadline, else 已完成 in
    2025 (`done`: every yearly deadline of 2025 met, 2026's not yet) or 推进中."""
    rows = []
    for no in OWED.tasks_of(code):
        if TASKS[no].deadline.kind == "ongoing":
            rows.append({"任务序号": no, "进展状态": "长期坚持"})
        elif done:
            rows.append({"任务序号": no, "进展状态": "已完成", "完成日期": dt.date(2025, 10, 20), "佐证材料": "文件"})
        else:
            rows.append({"任务序号": no, "进展状态": "推进中"})
    return rows


def receipt_lines(env, code: str) -> list[list]:
    path = next((env.out / "feedback" / code / "2025-11").glob("*-回执.xlsx"))
    return [[cell.value for cell in row[:2]] for row in openpyxl.load_workbook(path)["回执"].iter_rows()]


def notice_in(lines: list[list]) -> list[str]:
    """The 任务提示 block of a 回执: its first row, labelled, and the rows under it up to the blank one."""
    start = next(n for n, line in enumerate(lines) if line[0] == "任务提示")
    end = lines.index([None, None], start)
    return [line[1] for line in lines[start:end]]


def test_a_unit_sees_its_overdue_dated_and_yearly_tasks_in_its_receipt_and_its_mail(env):
    for code, done in (("SFJ", False), ("ZRZY", True)):
        # November 2025, under the 2023–2025 plan: the staff and the tasks only (the builder's
        # records are of 2026).
        rows = {"执法人员": copy.deepcopy(VALID_ROWS["执法人员"]), "培训记录": [], "执法决定": [], "投诉举报": [],
                "柔性执法案例": [], "心理健康活动": [], "任务进展": progress(code, done)}
        path = write_workbook(env.inbox / code / "11.xlsx", code, "2025-11", rows=rows,
                              info=basic_info(code, "2025-11", 单位名称="司法局" if code == "SFJ" else "自然资源局",
                                              填报日期=dt.date(2025, 12, 4)))
        set_mtime(path, at("2025-12-04"))
    report = env.intake(dt.date(2025, 12, 6))
    assert {e["path"]: e["status"] for e in report["files"]} == {"SFJ/11.xlsx": "accepted", "ZRZY/11.xlsx": "accepted"}

    # 第 13 项 was due 2024年5月31日; 第 32 项 is due each 31 January: 2025's was missed, and
    # 2026's is 56 days away — the issue's two messages, now in one notice naming both days.
    dated = f"{task_label(13, CATALOG)}，完成时限 2024年5月31日，已逾期"
    yearly = f"{task_label(32, CATALOG)}，完成时限 2025年1月31日 未完成；下一次 2026年1月31日"
    soon = f"{task_label(32, CATALOG)}，完成时限 2026年1月31日，尚未报已完成"
    told = notice_in(receipt_lines(env, "SFJ"))
    assert dated in told and yearly in told and soon in told and "无逾期任务" not in told
    assert told.index(yearly) < told.index(soon)  # overdue first

    # SFJ has an address and no mail server is set: the mail is kept as .eml in the outbox.
    [eml] = (env.out / "outbox").glob("receipt-SFJ-*.eml")
    mail = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    text = mail.get_body(("plain",)).get_content()
    assert "任务提示（本单位承担的提升行政执法质量三年行动任务）：" in text
    assert dated in text and yearly in text and soon in text
    html = mail.get_body(("html",)).get_content()
    assert f"<li>{yearly}</li>" in html

    # Every task ZRZY owes by a day or every year is reported done in 2025: nothing is overdue.
    lines = receipt_lines(env, "ZRZY")
    told = notice_in(lines)
    assert ["处理结果", "已受理"] in lines and told[0] == "无逾期任务" and soon in told
    assert not [line for line in told if "已逾期" in line or "未完成；" in line]
