"""Importing and showing plans, shared by the flows (flows/plans.py) and `xzzf plan`: plain
functions over the store, so the command answers without starting Prefect."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from connectors.plan_file import read_plan_file
from connectors.store import Store
from xzzf.periods import BEIJING, PERIOD_PATTERN
from xzzf.plans import (
    Plan,
    PlanError,
    check_import,
    known_titles,
    parse_plan,
    parse_years,
    plan_for_year,
    plan_in_force,
    plan_json,
    plan_lines,
    plan_of,
    seed_plan,
)
from xzzf.units import Registry

KINDS = {"ongoing": "长期坚持", "yearly": "每年完成", "dated": "限期完成"}


def import_plan(store: Store, registry: Registry, path: Path, years_text: str, from_month: str,
                operator: str, reason: str, at: dt.datetime) -> str:
    """Read, check and store a plan for `years_text` in force from `from_month` (empty: the
    first month of its years); what was found and stored, as the administrator reads it.
    Any problem: PlanError naming them all, and nothing stored."""
    years = parse_years(years_text)
    from_period = from_month.strip() or f"{years[0]}-01"
    if not re.fullmatch(PERIOD_PATTERN, from_period):
        raise PlanError(f"起始月份 {from_month} 无效：应为 YYYY-MM，如 {years[0]}-03")
    lines, digest = read_plan_file(path)
    stored = store.plans()
    parsed = parse_plan(lines, known_titles([seed_plan(), *stored]))
    replaces = check_import(parsed, registry, years, from_period, stored, operator, reason)
    plan = replace(plan_of(parsed, years, from_period), source=path.name, sha256=digest, imported_at=at,
                   operator=operator.strip(), reason=reason.strip(),
                   replaces=replaces.number if replaces else None)
    number = store.record_plan(plan, list(parsed.entries))
    kinds = Counter(task.deadline.kind for task in plan.tasks)
    head = [f"已导入第 {number} 号方案《{plan.name}》（{plan.years_text}），自 {from_period} 起适用；"
            f"来源 {path.name}（SHA-256 {digest[:12]}…）",
            f"共 {len(plan.tasks)} 项任务：" + "，".join(f"{KINDS[k]} {kinds[k]} 项" for k in KINDS if kinds[k])]
    if replaces:
        head.append(f"自 {from_period} 起替换{_numbered(replaces)}《{replaces.name}》（{replaces.years_text}）")
        head.append(f"经办人：{plan.operator}；理由：{plan.reason}")
    return "\n".join(head + plan_lines(plan, plan.tasks, registry))


def show_plan(store: Store, registry: Registry, year: int, as_json: bool) -> str:
    """The plan in force for `year` (in its last month): as JSON, or task by task with the
    plan's imports for that year (which replaced which, from when, who and why)."""
    stored = store.plans()
    in_force = plan_for_year(stored, year)
    if as_json:
        return json.dumps(plan_json(in_force.plan, in_force.tasks, registry), ensure_ascii=False, indent=1)
    lines = [in_force.notice] if in_force.notice else []
    spans: list[tuple[int, Plan]] = []  # the year's months by the plan in force
    for month in range(1, 13):
        plan = plan_in_force(stored, f"{year}-{month:02d}").plan
        if not spans or spans[-1][1].number != plan.number:
            spans.append((month, plan))
    if len(spans) > 1:
        lines += [f"{year} 年 {month} 月起适用{_numbered(plan)}《{plan.name}》" for month, plan in spans]
    for plan in stored:
        if plan.years[0] <= year <= plan.years[1]:
            lines.append(f"导入记录：第 {plan.number} 号，{plan.imported_at.astimezone(BEIJING):%Y-%m-%d %H:%M}，"
                         f"{plan.source}，自 {plan.from_period} 起"
                         + (f"，替换{_numbered(plan.replaces)}" if plan.replaces is not None else "")
                         + (f"，经办人 {plan.operator}，理由：{plan.reason}" if plan.operator else ""))
    return "\n".join(lines + plan_lines(in_force.plan, in_force.tasks, registry))


def _numbered(plan: Plan | int) -> str:
    number = plan if isinstance(plan, int) else plan.number
    return f"第 {number} 号方案" if number else "随程序提供的方案"
