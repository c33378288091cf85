"""Plans (任务分工方案), one per period of years: reading a plan's text, checking it against
the registry, and which plan is in force for a month. The seed plan (2023–2025) ships as
data/tasks.yaml; later plans are imported (`xzzf plan import`) and stored, never edited."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, replace

from xzzf.catalog import (
    ROLES,
    Deadline,
    Task,
    assign,
    group_phrases,
    load_catalog,
    owner_key,
    parse_deadline,
    resolve_owner,
    tasks_from_entries,
)
from xzzf.periods import YEARS
from xzzf.units import Registry

SEED_NAME = "吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案"
SEED_YEARS = (2023, 2025)
# An owner name this close to a registry unit's name (or alias, or a group phrase) but not
# equal is a likely typo, not another body: difflib's ratio, 2·matches / total length. One
# wrong character in an 8-character name gives 0.875; 财政局 beside 民政局 gives 0.67 (a
# 3-character name one character apart is another bureau, not a typo).
TYPO_RATIO = 0.8
TITLE_LENGTH = 16  # a derived title: the text's first clause, cut to this many characters
DEADLINE_FORMS = "2027年6月30日前、2027年6月底前、2027年底前（可加“并长期坚持”）、每年6月底前 或 长期坚持"


class PlanError(ValueError):
    """A plan text or an import that cannot be stored; the message names every problem."""


@dataclass(frozen=True)
class Plan:
    """A plan as stored: never edited; a later import for its years replaces it from a month."""

    name: str
    years: tuple[int, int]
    tasks: tuple[Task, ...]
    from_period: str  # the first month it is in force (YYYY-MM)
    number: int = 0  # its import's number in the store; 0: the shipped seed plan
    source: str = ""  # the file it was imported from, and that file's SHA-256
    sha256: str = ""
    imported_at: dt.datetime | None = None
    operator: str = ""
    reason: str = ""
    replaces: int | None = None  # the number of the plan it replaces from `from_period` (0: the seed)

    @property
    def years_text(self) -> str:
        return f"{self.years[0]}—{self.years[1]} 年"


def seed_plan() -> Plan:
    return Plan(SEED_NAME, SEED_YEARS, load_catalog(), f"{SEED_YEARS[0]}-01")


@dataclass(frozen=True)
class PlanInForce:
    """The plan a month uses; `notice` is the one line a run says when no plan covers the year
    (the last plan's ongoing and yearly tasks are then carried on)."""

    plan: Plan
    tasks: tuple[Task, ...]
    notice: str | None = None


def plan_in_force(stored: list[Plan], period: str) -> PlanInForce:
    """The plan for `period` (YYYY-MM): of the plans covering its year and in force by that
    month, the one imported last. A year no plan covers goes on with the ongoing and yearly
    tasks of the plan that ended last (a dated task is dropped; one dated 「…并长期坚持」 is
    carried as 长期坚持, its date having passed)."""
    year = int(period[:4])
    plans = [seed_plan(), *sorted(stored, key=lambda p: p.number)]
    covering = [p for p in plans if p.years[0] <= year <= p.years[1] and p.from_period <= period]
    if covering:
        return PlanInForce(covering[-1], covering[-1].tasks)
    ended = [p for p in plans if p.years[1] < year] or plans
    last = max(ended, key=lambda p: (p.years[1], p.number))
    notice = (f"{year} 年没有导入的行动方案：沿用《{last.name}》（{last.years_text}）中长期坚持和每年完成的任务；"
              "请用 xzzf plan import 导入新方案")
    return PlanInForce(last, _carried(last.tasks), notice)


def plan_for_year(stored: list[Plan], year: int) -> PlanInForce:
    """The plan of a year's report: the one in force in its last month."""
    return plan_in_force(stored, f"{year}-12")


def _carried(tasks: tuple[Task, ...]) -> tuple[Task, ...]:
    ongoing = Deadline("长期坚持", "ongoing")
    return tuple(replace(task, deadline=ongoing) if task.deadline.kind == "dated" else task
                 for task in tasks
                 if task.deadline.kind != "dated" or task.deadline.ongoing_after)


# How a 分工方案 is written (the seed's shape): 一、 parts, （一） sections, "N." tasks whose
# text runs to their first 牵头单位/责任单位/配合单位/完成时限 line; colons and brackets of
# either width, stray spaces anywhere.
_PART = re.compile(r"^[一二三四五六七八九十]+\s*、\s*(\S.*)$")
_SECTION = re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]\s*(\S.*)$")
_TASK = re.compile(r"^(\d{1,3})\s*[.．、]\s*(\S.*)$")
_FIELD = re.compile(r"^(牵头单位|责任单位|配合单位|完成时限)\s*[:：]\s*(.*?)$")
_LABEL_ROLES = {label: role for role, label in ROLES.items()}
_OWNER_SEPARATORS = re.compile(r"[、，,；;]")
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")


@dataclass(frozen=True)
class ParsedPlan:
    name: str
    entries: tuple[dict, ...]  # tasks as tasks.yaml writes them (catalog.tasks_from_entries)
    problems: tuple[str, ...]  # what stops it being stored, each naming the task and what to fix


def parse_plan(lines: list[str], known_titles: dict[str, str] | None = None) -> ParsedPlan:
    """Read a plan's lines. A task whose text a known plan has already (spaces aside) keeps
    that plan's title; any other gets its text's first clause (derive_title)."""
    name, part, section = "", "", None
    entries: list[dict] = []
    current: dict | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not name:
            name = re.sub(r"\s+", "", line)
            continue
        if (match := _PART.match(line)) or (match := _SECTION.match(line)):
            part = match.group(1) if match.re is _PART else part
            section = match.group(1) if match.re is _SECTION else None
            current = None
        elif match := _TASK.match(line):
            current = {"number": int(match.group(1)), "section": section if section is not None else part,
                       "title": "", "lead": [], "responsible": [], "cooperating": [], "deadline": None,
                       "text": match.group(2), "fields": False}
            entries.append(current)
        elif (match := _FIELD.match(line)) and current is not None:
            label, value = match.groups()
            current["fields"] = True
            if label == "完成时限":
                current["deadline"] = value.strip()
            else:
                current[_LABEL_ROLES[label]] += [p.strip() for p in _OWNER_SEPARATORS.split(value) if p.strip()]
        elif current is not None and not current["fields"]:
            current["text"] += line  # a task's text broken over lines (Chinese: no space between)
    titles = known_titles or {}
    for entry in entries:
        del entry["fields"]
        entry["text"] = entry["text"].strip()
        entry["title"] = titles.get(_text_key(entry["text"])) or derive_title(entry["text"])
    return ParsedPlan(name, tuple(entries), tuple(_numbering(entries) + _task_problems(entries)))


def known_titles(plans: list[Plan]) -> dict[str, str]:
    """The titles of tasks already in a plan, by text: a plan carrying a task over keeps its title."""
    return {_text_key(task.text): task.title for plan in plans for task in plan.tasks}


def _text_key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def derive_title(text: str) -> str:
    """A task's short title: its text's first clause, cut to TITLE_LENGTH characters."""
    clause = _CLAUSE_END.split(re.sub(r"\s+", "", text), maxsplit=1)[0]
    return clause if len(clause) <= TITLE_LENGTH else clause[:TITLE_LENGTH] + "…"


def _numbering(entries: list[dict]) -> list[str]:
    if not entries:
        return ["没有找到编号的任务（每项任务应以“1.”“2.”……开头）"]
    problems, seen, previous = [], set(), 0
    for entry in entries:
        number = entry["number"]
        if number in seen:
            problems.append(f"第 {number} 项出现了两次")
        elif number != previous + 1:
            missing = "、".join(str(n) for n in range(previous + 1, number)) if number > previous else ""
            problems.append(f"第 {previous} 项之后是第 {number} 项：编号不连续"
                            + (f"（缺第 {missing} 项）" if missing else ""))
        seen.add(number)
        previous = max(previous, number)
    return problems


def _task_problems(entries: list[dict]) -> list[str]:
    problems = []
    for entry in entries:
        number, phrase = entry["number"], entry["deadline"]
        if phrase is None:
            problems.append(f"第 {number} 项没有“完成时限：”一行")
        else:
            try:
                parse_deadline(phrase)
            except ValueError:
                problems.append(f"第 {number} 项的完成时限“{phrase}”无法识别：应写作 {DEADLINE_FORMS}")
        if not entry["lead"] and not entry["responsible"]:
            problems.append(f"第 {number} 项没有牵头单位或责任单位")
    return problems


def owner_problems(entries: tuple[dict, ...], registry: Registry) -> list[str]:
    """Owner names no registry unit answers to but close to one's name, an alias or a group
    phrase (TYPO_RATIO): a likely typo, which would silently leave the unit without its task."""
    names = {owner_key(n): n for u in registry.units for n in (u.name, *u.aliases)}
    names |= {key: key for key in group_phrases()}
    problems = []
    for entry in entries:
        for role in ROLES:
            for phrase in entry[role]:
                if resolve_owner(phrase, registry):
                    continue
                key = owner_key(phrase)
                ratio, near = max((difflib.SequenceMatcher(None, key, other).ratio(), other) for other in names)
                if ratio >= TYPO_RATIO:
                    problems.append(f"第 {entry['number']} 项的“{phrase}”不是名册中的名称，与“{names[near]}”相近："
                                    "请改正方案文本，或在单位名册中为该单位加上 aliases")
    return problems


def parse_years(text: str) -> tuple[int, int]:
    """--years 2026-2028 (also 2026—2028, 2026–2028, 2026~2028; one year: 2026)."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-—–~～至]\s*(\d{4}))?\s*", text)
    if not match:
        raise PlanError(f"年度 {text} 无效：应写作 2026-2028")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if last < first or first not in YEARS or last not in YEARS:
        raise PlanError(f"年度 {text} 无效：应为起止年份，如 2026-2028")
    return first, last


def check_import(parsed: ParsedPlan, registry: Registry, years: tuple[int, int], from_period: str,
                 stored: list[Plan], operator: str, reason: str) -> Plan | None:
    """Every problem of an import at once (PlanError), or the plan it replaces from
    `from_period` (None when no plan covers those years yet). A replacement is a decision:
    it needs who made it and why."""
    problems = list(parsed.problems) + owner_problems(parsed.entries, registry)
    if not f"{years[0]}-01" <= from_period <= f"{years[1]}-12":
        problems.append(f"起始月份 {from_period} 不在 {years[0]}—{years[1]} 年内")
    replaced = plan_in_force(stored, from_period)
    replaces = replaced.plan if replaced.notice is None else None
    if replaces and not (operator.strip() and reason.strip()):
        problems.append(f"{from_period} 已有《{replaces.name}》（{replaces.years_text}）：替换须写明经办人和理由"
                        "（--operator、--reason）")
    if problems:
        raise PlanError("方案未导入：" + "；".join(problems))
    return replaces


def plan_of(parsed: ParsedPlan, years: tuple[int, int], from_period: str) -> Plan:
    return Plan(parsed.name, years, tasks_from_entries(list(parsed.entries)), from_period)


def plan_json(plan: Plan, tasks: tuple[Task, ...], registry: Registry) -> dict:
    """The plan as `xzzf plan show --json` prints it: ISO dates, registry codes."""
    assignment = assign(tasks, registry)
    return {"name": plan.name, "years": list(plan.years), "tasks": [{
        "number": task.no, "title": task.title,
        "deadline": {"phrase": task.deadline.phrase, "kind": task.deadline.kind,
                     "due": task.deadline.due.isoformat() if task.deadline.due else None,
                     "month": task.deadline.month, "ongoing_after": task.deadline.ongoing_after},
        "owners": {role: [code for code, held in assignment.roles[task.no].items() if held == role]
                   for role in ROLES},
        "unresolved": list(assignment.unassigned.get(task.no, ())),
    } for task in tasks]}


def plan_lines(plan: Plan, tasks: tuple[Task, ...], registry: Registry) -> list[str]:
    """The plan as a person reads it: each task, its 完成时限, and its owners as written with
    what the registry makes of them (how many units a group phrase is; a name not in it)."""
    lines = [f"《{plan.name}》（{plan.years_text}，{len(tasks)} 项任务）"]
    unresolved: dict[str, list[int]] = {}
    for task in tasks:
        owners = []
        for role, label in ROLES.items():
            shown = []
            for phrase in task.owners[role]:
                codes = resolve_owner(phrase, registry)
                if not codes:
                    unresolved.setdefault(phrase, []).append(task.no)
                shown.append(phrase if owner_key(phrase) not in group_phrases() else f"{phrase}（{len(codes)} 个单位）")
            owners += [f"{label}：{'、'.join(shown)}"] if shown else []
        lines.append(f"  {task.label}｜完成时限：{task.deadline.phrase}｜{'；'.join(owners)}")
    if unresolved:
        lines.append("不在单位名册中（保留在方案中，不计入任何单位的任务）："
                     + "；".join(f"{name}（第 {'、'.join(map(str, nos))} 项）" for name, nos in unresolved.items()))
    return lines
