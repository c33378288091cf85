"""Plans as data: the administrator imports a new 任务分工方案 (a .txt or .docx already on
the server: the form takes its path, nothing is uploaded through Prefect) and shows the plan
in force for a year. Both are started by hand from the Custom run form (or `xzzf plan`)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.artifacts import answered
from flows.parameters import YEAR_RULE, described
from flows.plan_steps import import_plan, show_plan
from flows.setup import prepare
from xzzf.periods import PERIOD_RULE

PATH = described(..., "方案文件路径", "服务器上方案文件（.txt 或 .docx）的完整路径，须先复制到服务器上",
                 "/srv/xzzf/plans/三年行动任务分工方案2026-2028.docx",
                 allOf=[{"pattern": r"^(?=|请填写文件路径)\s*\S[\s\S]*$"}])
YEARS = described(..., "适用年度", "方案适用的起止年份，如 2026-2028", "2026-2028",
                  allOf=[{"pattern": r"^(?=|起止年份应写作 2026-2028)\s*\d{4}\s*([-—–~～至]\s*\d{4})?\s*$"}])
FROM_MONTH = described("", "起始月份", f"方案自哪个月起适用（替换同一年度已导入的方案时填写）。{PERIOD_RULE}；"
                       "留空为适用年度的第一个月", "2027-03",
                       allOf=[{"pattern": rf"^(?=|{PERIOD_RULE})(\d{{4}}-(0[1-9]|1[0-2]))?$"}])
OPERATOR = described("", "经办人", "替换已有方案时必填：经办人姓名；首次导入可留空", "张三")
REASON = described("", "理由", "替换已有方案时必填：为何替换，如“区政府印发修订后的分工方案”",
                   "区政府印发修订后的分工方案")
SHOW_YEAR = described(..., "年度", f"显示该年度适用的方案。{YEAR_RULE}", "2026")
AS_JSON = described(False, "JSON 格式", "以 JSON 输出（供其他程序读取）")


@flow(name="plan-import", log_prints=True)
@answered
def plan_import(path: str = PATH, years: str = YEARS, from_month: str = FROM_MONTH,
                operator: str = OPERATOR, reason: str = REASON) -> str:
    """Import a plan for a period of years; refused whole (PlanError naming every problem)."""
    with prepare(needs_inbox=False) as run:
        found = import_plan(run.store, run.registry, Path(path.strip()), years, from_month, operator, reason,
                            run.now)
    print(found)
    return found


@flow(name="plan-show", log_prints=True)
@answered
def plan_show(year: int = SHOW_YEAR, as_json: bool = AS_JSON) -> str:
    """The plan in force for a year."""
    with prepare(needs_inbox=False) as run:
        shown = show_plan(run.store, run.registry, year, as_json)
    print(shown)
    return shown
