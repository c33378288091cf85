"""The annual report's Word draft, written from the year's data: 一、基本情况 (every figure with
its unit and its 同比), 二、主要做法及成效 (the tasks completed in the year, grouped as the plan
groups them, in the units' own words), 三、存在问题 (most serious first) and 四、下一步工作 (a
line for each problem, left for the writer to complete). Text only: connectors.draft_writer
lays it out as a 公文."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from xzzf.annual import as_frames
from xzzf.catalog import Task
from xzzf.figures import year_records
from xzzf.indicators import INDICATORS, NAMES, POINTS, TARGETED, goal, judged, kind, shortfall, shown, target
from xzzf.naming import ALL_BUT, NAMED, listed, worst
from xzzf.task_notice import behind, missed_text, overdue_tasks, owners_named, written
from xzzf.task_status import deadline_in, latest_progress
from xzzf.vocabulary import IndicatorKind, Progress, UnitStatus

NUMERALS = "一二三四五六七八九十"
# How a target reads: (the requirement, a miss, the action that closes it, its aim).
WORDS = {">=": ("不低于", "低于", "提高", "达到"), "<=": ("不高于", "高于", "降低", "降至")}
NOTE_LENGTH = 60  # a unit's 进展说明 is quoted up to about this many characters
LISTED = 10  # case and activity names quoted at most; "等" stands for the rest
TO_COMPLETE = "【待完善】"
THIN = 2  # a section of 二 with fewer tasks completed than this asks the writer for more
ALIKE = 3  # records of this many units with one title but for the unit and the month are grouped
EXAMPLES = 2  # a group of alike titles is shown by this many of them
MONTH = re.compile(r"\d{4}\s*(?:-\s*\d{1,2}|年\s*\d{1,2}\s*月)")  # 2025-01, 2025年1月


@dataclass(frozen=True)
class Part:
    """A numbered part: its heading, its paragraphs, then the parts of the next level."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Draft:
    title: str
    addressee: str  # 主送机关
    opening: str
    parts: tuple[Part, ...]
    issuer: str  # 发文机关署名
    date: str  # 成文日期, as written


@dataclass(frozen=True)
class Problem:
    finding: str  # 三、存在问题's paragraph
    actions: tuple[str, ...]  # 四、下一步工作's lines


def annual_draft(report: dict, previous: dict | None, rows: dict[str, list[dict]], tasks: tuple[Task, ...], *,
                 district: str, addressee: str, issuer: str, plan_notice: str | None = None) -> Draft:
    """The draft of `report` (annual_figures), with `previous` (the year before, or None) for 同比
    and `rows` (the rows in force the figures came from) for what the units did and said.
    `plan_notice`: the line saying no plan covers the year (its `tasks` are another plan's,
    carried on); 二 opens with it, marked for the writer, as the summary and the mail say it."""
    year, as_of = report["year"], dt.date.fromisoformat(report["as_of"])
    tables = as_frames(rows)
    found = problems(report, tasks)
    findings = [p.finding for p in found] or ["本年度各项指标均达到目标，没有逾期任务，各单位均按时报送月度数据。"]
    actions = [f"{n}.{action}" for n, action in enumerate((a for p in found for a in p.actions), start=1)]
    return Draft(
        title=f"{district}{year}年度行政执法工作报告", addressee=addressee,
        opening=f"根据各单位报送的行政执法月度数据（数据截至{written(as_of)}），现将我区{year}年度行政执法工作情况报告如下：",
        parts=(basic(report, previous),
               practice(report, tasks, latest_progress(tables["task_progress"], as_of),
                        year_records(tables, year, as_of), plan_notice),
               Part("三、存在问题", tuple(findings)),
               Part("四、下一步工作", (f"{TO_COMPLETE}以下工作要点根据“三、存在问题”逐项列出，"
                                       "请补充具体措施、责任单位和完成时限。", *actions))),
        issuer=issuer, date=written(as_of))


def amount(key: str, value) -> str:
    """A figure as the text says it: with its unit (a rate's % is its own), money in 万元 to two
    decimals."""
    if value is None:
        return shown(key, value)
    if kind(key) is IndicatorKind.MONEY:
        return f"{(Decimal(value) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP)}万元"
    return shown(key, value) + INDICATORS[key].unit


def change(key: str, value, before) -> str:
    """同比: a rate's change in percentage points, a count's (or money's) in per cent of the
    year before; empty where either year has no number."""
    if value is None or before is None:
        return ""
    if kind(key) is IndicatorKind.RATE:
        points = round((value - before) * 100, 1)
        return "与上年持平" if not points else f"同比{'提高' if points > 0 else '下降'} {abs(points):.1f} {POINTS}"
    value, before = Decimal(str(value)), Decimal(str(before))
    if not before:
        return "与上年持平" if not value else "上年为 0"
    ratio = round((value - before) / before * 100, 1)
    return "与上年持平" if not ratio else f"同比{'增长' if ratio > 0 else '下降'} {abs(ratio):.1f}%"


def basic(report: dict, previous: dict | None) -> Part:
    year, d = report["year"], report["district"]["indicators"]
    before = previous["district"]["indicators"] if previous else {}

    def v(key: str) -> str:
        return amount(key, d[key])

    def vc(key: str) -> str:
        said = change(key, d[key], before.get(key))
        return f"{v(key)}，{said}" if said else v(key)

    categories = "、".join(f"{name}{count}件" for name, count in d["decisions_by_category"].items() if count)
    exempt = sum(s == UnitStatus.EXEMPT for unit in report["units"].values() for s in unit["months"].values())
    changes = [f"{name}{what}（{written(dt.date.fromisoformat(day))}）"
               for name, _, what, day in report.get("unit_changes", [])]
    return Part("一、基本情况", (
        f"{year}年，全区在岗行政执法人员{vc('staff_enforcement')}；持证率{vc('certified_rate')}；"
        f"法制审核人员{v('legal_review_staff')}，占执法人员的{vc('legal_review_staff_ratio')}。",
        f"执法人员人均参加公共法律知识、业务知识和执法技能培训{vc('training_hours_per_capita')}；"
        f"培训达标率{vc('training_compliance_rate')}。",
        f"全年作出行政执法决定{vc('decisions_total')}" + (f"；其中{categories}" if categories else "")
        + f"；罚没金额合计{vc('fines_total')}；移送司法机关{vc('transferred_to_judiciary')}。",
        "；".join(said for key, said in (
            ("publication_rate", f"行政执法决定公开率{vc('publication_rate')}"),
            ("withdrawal_pending", f"应下撤未下撤{v('withdrawal_pending')}"),
            ("on_spot_filing_rate", f"当场处罚备案率{vc('on_spot_filing_rate')}"),
            ("major_review_rate", f"重大执法决定法制审核率{vc('major_review_rate')}"),
            ("platform_entry_rate", f"案件录入率{vc('platform_entry_rate')}")) if d[key] is not None) + "。",
        f"应办结投诉举报{vc('complaints_due')}" + "".join(
            said for key, said in (
                ("complaint_ontime_rate", f"，按时办结率{vc('complaint_ontime_rate')}"),
                ("enterprise_complaint_ontime_rate",
                 f"；其中涉民营企业投诉按时办结率{vc('enterprise_complaint_ontime_rate')}"))
            if d[key] is not None) + "。",
        f"总结柔性执法典型案例{vc('flexible_cases')}；开展心理健康教育和心理训练活动{vc('psych_activities')}。",
        f"各单位应报送月度数据{v('submissions_expected')}，按时报送{v('submissions_on_time')}、"
        f"逾期报送{v('submissions_late')}、未报送{v('submissions_missing')}，"
        f"按时报送率{vc('submission_timeliness_rate')}"
        + (f"；另有{exempt}个月经司法局决定免报，不计入应报送月数" if exempt else "") + "。",
        *([f"年内单位变动：{'；'.join(changes)}。"] if changes else []),
    ))


def practice(report: dict, tasks: tuple[Task, ...], progress: dict[tuple[str, int], dict],
             records: dict[str, pd.DataFrame], plan_notice: str | None = None) -> Part:
    """二: under each of the plan's sections, the tasks some unit completed in the year and the
    year's records of the tasks they show (trainings, cases, activities); first, marked
    【待完善】, the `plan_notice` of a year no plan covers; a section with fewer than THIN tasks
    completed asks the writer to add what the data do not hold."""
    year = report["year"]
    names = {code: unit["name"] for code, unit in report["units"].items()}
    by_section: dict[str, list[str]] = {}
    completed: dict[str, int] = {}
    for task in tasks:
        done = [(unit["name"], progress_note(row)) for code, unit in report["units"].items()
                if task.no in unit["tasks"] and (row := progress.get((code, task.no))) and completed_in(row, year)]
        said = [done_paragraph(task, done)] if done else []
        completed[task.section] = completed.get(task.section, 0) + bool(done)
        if task.no in SHOWN_BY_RECORDS and (text := SHOWN_BY_RECORDS[task.no](records, names)):
            said.append(text)
        by_section.setdefault(task.section, []).extend(said)
    parts = [Part(f"（{NUMERALS[n]}）{title}",
                  (*said, *([thin_prompt(completed[title])] if completed[title] < THIN else ())))
             for n, (title, said) in enumerate(by_section.items())]
    opening = (f"{TO_COMPLETE}{plan_notice}",) if plan_notice else ()
    return Part("二、主要做法及成效", opening, tuple(parts))


def thin_prompt(completed: int) -> str:
    done = f"仅{completed}项任务报已完成" if completed else "没有任务报已完成"
    return f"{TO_COMPLETE}本年度各单位在这方面{done}，数据较少，请补充主要做法、典型经验和取得的成效。"


def completed_in(row: dict, year: int) -> bool:
    completed = row["completed_on"]
    return row["state"] == Progress.DONE and isinstance(completed, dt.date) and completed.year == year


def progress_note(row: dict) -> str:
    """进展说明: the unit's 备注, or else its 佐证材料 (required for 已完成), on one line and cut
    to about NOTE_LENGTH characters, at a sentence's end where one is near."""
    text = next((t for t in (row.get("remark"), row.get("evidence")) if isinstance(t, str) and t.strip()), "")
    text = " ".join(text.split()).rstrip("。；;，,. ")
    if len(text) <= NOTE_LENGTH:
        return text
    head = text[:NOTE_LENGTH]
    stop = max(head.rfind(mark) for mark in "。；;")
    return head[:stop] if stop >= NOTE_LENGTH // 3 else head[:NOTE_LENGTH - 2] + "……"


def done_paragraph(task: Task, done: list[tuple[str, str]]) -> str:
    """第 N 项 …: the units that completed it, then what they said, each saying once with the
    names of the units that said it."""
    said: dict[str, list[str]] = {}
    for name, note in done:
        if note:
            said.setdefault(note, []).append(name)
    notes = "；".join(f"{'、'.join(names)}：{note}" for note, names in said.items())
    return f"{prose_label(task)}：{'、'.join(name for name, _ in done)}已完成。" + (f"{notes}。" if notes else "")


def quoted(titles: list[str]) -> str:
    names = list(dict.fromkeys(titles))
    return "、".join(f"“{t}”" for t in names[:LISTED]) + ("等" if len(names) > LISTED else "")


def grouped(rows: pd.DataFrame, names: dict[str, str]) -> str:
    """The records' titles, those alike grouped: titles that are one title but for the unit's
    name and the month ("大河乡2025-01包容审慎监管案例") said once, with how many units used it
    and an example or two ("25个单位报送了包容审慎监管案例，如…"); the rest quoted."""
    kinds: dict[str, list[tuple[str, str]]] = {}
    for code, title in zip(rows["unit_code"], rows["title"], strict=True):
        kind = MONTH.sub("", title.replace(names.get(code, "\0"), "")).strip(" -_—")
        kinds.setdefault(kind or title, []).append((code, title))
    said, single = [], []
    for kind, found in kinds.items():
        units = {code for code, _ in found}
        titles = list(dict.fromkeys(t for _, t in found))
        if len(units) >= ALIKE and len(titles) == 1:  # the very same title: said once, with how many used it
            said.append(f"{quoted(titles)}（{len(units)}个单位）")
        elif len(units) >= ALIKE:
            said.append(f"{len(units)}个单位报送了{kind}，如{quoted(titles[:EXAMPLES])}")
        else:
            single += [title for _, title in found]
    return "；".join([*said, *([quoted(single)] if single else [])])


def trainings_text(records: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    rows = records["trainings"]
    if rows.empty:
        return ""
    sessions = len(rows.drop_duplicates(["unit_code", "training_date", "title"]))
    hours = f"{float(rows['hours'].sum()):.1f}".removesuffix(".0")
    return f"各单位组织开展培训{sessions}期、{len(rows)}人次，累计{hours}学时。"


def cases_text(records: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    rows = records["flexible_cases"].sort_values("occurred_on", kind="stable")
    return f"各单位总结推广柔性执法典型案例{len(rows)}个：{grouped(rows, names)}。" if len(rows) else ""


def activities_text(records: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    rows = records["psych_activities"].sort_values("held_on", kind="stable")
    return (f"开展心理健康教育和心理训练活动{len(rows)}次、{int(rows['participants'].sum())}人次参加，"
            f"包括{grouped(rows, names)}。") if len(rows) else ""


# The tasks whose work the year's records show, besides what the units report of them.
SHOWN_BY_RECORDS: dict[int, Callable[[dict[str, pd.DataFrame], dict[str, str]], str]] = {
    3: trainings_text, 17: cases_text, 42: activities_text}


def problems(report: dict, tasks: tuple[Task, ...]) -> list[Problem]:
    """三 and 四, most serious first: the indicators missed, then the tasks overdue, then the
    months not reported on time."""
    return [*indicator_problems(report), *task_problems(report, tasks), *reporting_problems(report)]


def indicator_problems(report: dict) -> list[Problem]:
    """One per indicator some unit (or the district) misses, ordered by how far: the district's
    figure where the district is judged, else (the count targets, judged per unit) the mean of
    the units' shortfalls; then by how many units miss it; then in indicators.md's order."""
    year, as_of, district = report["year"], dt.date.fromisoformat(report["as_of"]), report["district"]
    units = list(report["units"].values())
    found = []
    for order, key in enumerate(TARGETED):
        failing = [u for u in units if key in u["failing"]]
        if not failing or not judged(key, year, as_of):  # a cumulative target before its deadline is progress
            continue
        if not target(key).per_unit:
            distance = shortfall(key, district["indicators"][key])
        else:
            values = [v for u in units if (v := u["indicators"].get(key)) is not None]
            distance = sum(shortfall(key, v) for v in values) / len(values)
        found.append((-distance, -len(failing), order, indicator_problem(key, district, units)))
    return [problem for *_, problem in sorted(found, key=lambda f: f[:3])]


def worst_first(key: str, units: list[dict]) -> list[dict]:
    """`units` that miss `key`'s target, the furthest from it first (the registry's order among equals)."""
    return sorted((u for u in units if key in u["failing"]), key=lambda u: -shortfall(key, u["indicators"].get(key)))


def gap(key: str, value) -> str:
    """How far the district's `value` is from its target: in 个百分点 for a rate."""
    threshold = target(key).threshold
    if kind(key) is IndicatorKind.RATE:
        return f"{abs(threshold - value) * 100:.1f}{POINTS}"
    return f"{abs(threshold - value)}{INDICATORS[key].unit}"


def indicator_problem(key: str, district: dict, units: list[dict]) -> Problem:
    """How far the district is from the target (where it is judged), how many units miss it and
    the furthest few by name with their figures, and what it means; the action names at most
    the five furthest."""
    requirement, miss, act, aim = WORDS[target(key).comparison]
    wanted = goal(key)
    failing = worst_first(key, units)
    judged_names = [u["name"] for u in units if u["indicators"].get(key) is not None and u not in failing]
    labels = [f"{u['name']}（{amount(key, u['indicators'][key])}）" for u in failing]
    who = listed(labels, judged_names)
    named = "，差距最大的是" + "、".join(worst(labels, judged_names)) if worst(labels, judged_names) else ""
    value = district["indicators"].get(key)
    if target(key).per_unit:
        finding = f"{NAMES[key]}按单位考核，每个单位{requirement}{wanted}：{who}未达标{named}。"
    elif key in district["failing"]:
        finding = (f"全区{NAMES[key]}为{amount(key, value)}，{miss}{wanted}的目标{gap(key, value)}；"
                   f"{who}未达标{named}。")
    else:
        finding = f"全区{NAMES[key]}为{amount(key, value)}，达到{wanted}的目标，但{who}未达标{named}。"
    whom = urged([u["name"] for u in failing], "未达标")
    return Problem(finding + target(key).missed, (f"督促{whom}{act}{NAMES[key]}，确保{aim}{wanted}。",))


def urged(names: list[str], which: str) -> str:
    """Whom an action urges: the units by name, or (many) how many and the first few by name."""
    if len(names) <= NAMED:
        return "、".join(names)
    return f"{which}的{len(names)}个单位，重点督促{'、'.join(worst(names))}"


def prose_label(task: Task) -> str:
    """A task as a sentence names it: 第11项“建立完善行政裁量权基准” (no spaces inside 第11项;
    quotation marks inside the title become single ones)."""
    return f"第{task.no}项“{task.title.replace('“', '‘').replace('”', '’')}”"


def task_problems(report: dict, tasks: tuple[Task, ...]) -> list[Problem]:
    """The overdue tasks (task_notice.overdue_tasks' order) as one finding, a sentence each
    naming the deadline missed and who is behind, with an action each: by the next deadline for
    a yearly task. Where every owner is behind and a few of the reporting units owe the task not,
    those are named, so that "24 个" beside "25 个" explains itself."""
    year, overdue = report["year"], overdue_tasks(report, tasks)
    if not overdue:
        return []
    sentences, actions = [], []
    for task, names, owners in overdue:
        spared = [u["name"] for u in report["units"].values() if u.get("months") and task.no not in u["tasks"]]
        named_apart = len(names) == owners > NAMED and 0 < len(spared) <= ALL_BUT
        why = f"{'、'.join(spared)}不承担此项，其余" if named_apart else ""
        sentences.append(f"{prose_label(task)}：{why}{behind(names, owners)}，{missed_text(task, year)}。")
        actions.append(f"督促{owners_named(names, owners)}" + (
            f"在{written(deadline_in(task, year + 1))}前完成{prose_label(task)}并报送佐证材料。"
            if task.deadline.kind == "yearly" else f"加快推进{prose_label(task)}，尽快完成并报送佐证材料。"))
    lead = f"三年行动任务方面，{len(overdue)}项任务到期未报已完成，任务推进滞后于方案的时间要求。"
    return [Problem(lead + "".join(sentences), tuple(actions))]


def reporting_problems(report: dict) -> list[Problem]:
    """The units that reported a month late or not at all: the most months missing first, then
    the most late; the first NAMED by name, the others counted."""
    found = []  # (months missing, months late, name, what it did)
    for unit in report["units"].values():
        months = {status: [f"{int(m[5:])}月" for m, s in unit["months"].items() if s == status]
                  for status in (UnitStatus.MISSING, UnitStatus.LATE)}
        said = [f"{verb}{len(months[status])}个月（{'、'.join(months[status])}）"
                for status, verb in ((UnitStatus.MISSING, "未报送"), (UnitStatus.LATE, "逾期报送")) if months[status]]
        if said:
            missing, late = len(months[UnitStatus.MISSING]), len(months[UnitStatus.LATE])
            found.append((-missing, -late, unit["name"], "、".join(said)))
    if not found:
        return []
    found.sort(key=lambda f: f[:2])  # stable: the registry's order among equals
    shown_, rest = found[:NAMED], found[NAMED:]
    names = [name for _, _, name, _ in found]
    finding = ("月度数据报送方面，" + "；".join(name + said for _, _, name, said in shown_)
               + (f"；另有{len(rest)}个单位逾期或未报送" if rest else "") + "。")
    finding += target("submission_timeliness_rate").missed
    return [Problem(finding, (f"督促{urged(names, '逾期或未报送')}按时报送月度数据。",))]
