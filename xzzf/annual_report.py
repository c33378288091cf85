"""The annual report's content: the workbook's sheets, the public data and the Word draft's
text, from the year's figures (and the year before, for 同比)."""

from __future__ import annotations

from dataclasses import dataclass

from xzzf.catalog import Assignment, Task
from xzzf.figures import NAMES, TARGETS, shown, target_text
from xzzf.vocabulary import DecisionCategory, TaskStatus, UnitStatus

PUBLIC_KEYS = ("decisions_total", "fines_total", "publication_rate", "complaints_due", "complaint_ontime_rate")
UNIT_KEYS = ("staff_enforcement", "certified_rate", "legal_review_staff_ratio", "training_hours_per_capita",
             "training_compliance_rate", "decisions_total", "publication_rate", "withdrawal_pending",
             "on_spot_filing_rate", "major_review_rate", "platform_entry_rate", "complaint_ontime_rate",
             "enterprise_complaint_ontime_rate", "flexible_cases", "psych_activities", "submission_timeliness_rate")


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: list[list]
    marked: tuple[tuple[int, int], ...] = ()  # (row, column), 1-based: 未达标 cells


def _change(key: str, value, before) -> str:
    """同比: the change from the year before, where both years have a number."""
    if not isinstance(value, int | float) or not isinstance(before, int | float) or isinstance(value, bool):
        return ""
    delta = value - before
    return f"{delta:+.1%}" if key.endswith(("_rate", "_ratio")) else f"{delta:+g}"


def overview(report: dict, previous: dict | None) -> Sheet:
    district, failing = report["district"]["indicators"], report["district"]["failing"]
    before = previous["district"]["indicators"] if previous else {}
    rows = [["指标", f"{report['year']}年", "目标", "达标", "同比"]]
    for key, value in district.items():
        verdict = "" if key not in TARGETS or value is None else "未达标" if key in failing else "达标"
        rows.append([NAMES[key], shown(key, value), target_text(key), verdict, _change(key, value, before.get(key))])
    return Sheet("总体情况", rows, tuple((n, 4) for n, row in enumerate(rows, start=1) if row[3] == "未达标"))


def by_unit(report: dict, previous: dict | None) -> Sheet:
    rows = [["单位编码", "单位名称", *(NAMES[k] for k in UNIT_KEYS), "逾期任务"]]
    marked = []
    for code, unit in report["units"].items():
        values = unit["indicators"]
        rows.append([code, unit["name"], *(_number(values.get(k), k in values) for k in UNIT_KEYS),
                     shown("tasks_overdue", values["tasks_overdue"])])
        marked += [(len(rows), 3 + i) for i, k in enumerate(UNIT_KEYS) if k in unit["failing"]]
        if values["tasks_overdue"]:
            marked.append((len(rows), 3 + len(UNIT_KEYS)))
    return Sheet("分单位指标", rows, tuple(marked))


def _number(value, present: bool):
    """A figure as a workbook cell: the number itself (rates as fractions), 不适用 for null."""
    if not present:
        return ""
    return "不适用" if value is None else round(value, 4) if isinstance(value, float) else value


def failures(report: dict) -> Sheet:
    """The 通报 list: every unit and figure that missed its target."""
    rows = [["单位", "指标", "实际", "目标"]]
    for unit in report["units"].values():
        rows += [[unit["name"], NAMES[k], shown(k, unit["indicators"][k]),
                  target_text(k) or "无逾期"] for k in unit["failing"]]
    return Sheet("未达标事项", rows)


def reporting(report: dict) -> Sheet:
    months = [f"{report['year']}-{m:02d}" for m in range(1, 13)]
    rows = [["单位", *(f"{int(m[5:])}月" for m in months), "按时报送率"]]
    for unit in report["units"].values():
        if unit["months"] or "submissions_expected" in unit["indicators"]:
            shown_months = (UnitStatus.label_of(s) if (s := unit["months"].get(m)) else "" for m in months)
            rows.append([unit["name"], *shown_months,
                         shown("submission_timeliness_rate", unit["indicators"].get("submission_timeliness_rate"))])
    return Sheet("报送情况", rows)


def task_table(report: dict, tasks: tuple[Task, ...], assignment: Assignment, unassigned: dict) -> Sheet:
    rows = [["任务序号", "任务", "完成时限", "单位", "完成情况"]]
    for task in tasks:
        for code in assignment.roles.get(task.no, {}):
            status = report["units"][code]["tasks"].get(task.no)
            rows.append([task.no, task.title, task.deadline.phrase, report["units"][code]["name"],
                         TaskStatus.label_of(status) if status else ""])
        for phrase in unassigned.get(task.no, ()):
            rows.append([task.no, task.title, task.deadline.phrase, phrase, "未落实（名册中无此单位）"])
    return Sheet("任务完成情况", rows)


def public_data(report: dict) -> Sheet:
    """公开数据: district and unit totals, no names of people, no internal detail."""
    rows = [["范围", *(f"{c}决定数" for c in DecisionCategory), *(NAMES[k] for k in PUBLIC_KEYS)]]
    scopes = [("全区", report["district"]["indicators"])]
    scopes += [(u["name"], u["indicators"]) for u in report["units"].values() if "decisions_total" in u["indicators"]]
    for name, values in scopes:
        rows.append([name, *(values["decisions_by_category"][c] for c in DecisionCategory),
                     *(shown(k, values[k]) for k in PUBLIC_KEYS)])
    return Sheet("公开数据", rows)


def workbook_sheets(report: dict, previous: dict | None, tasks, assignment, unassigned) -> list[Sheet]:
    return [overview(report, previous), by_unit(report, previous), failures(report), reporting(report),
            task_table(report, tasks, assignment, unassigned), public_data(report)]


def draft_sections(report: dict, district_name: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The Word draft: title and the four numbered sections, each a list of paragraphs."""
    year, d = report["year"], report["district"]["indicators"]

    def v(key: str) -> str:
        return shown(key, d[key])

    basic = [
        f"{year}年，全区在岗行政执法人员{d['staff_enforcement']}人，持证率{v('certified_rate')}；"
        f"法制审核人员{d['legal_review_staff']}人，占执法人员的{v('legal_review_staff_ratio')}。",
        f"执法人员人均培训{v('training_hours_per_capita')}学时，培训达标率{v('training_compliance_rate')}。",
        f"全年作出行政执法决定{d['decisions_total']}件（{v('decisions_by_category')}），"
        f"罚没金额合计{d['fines_total']}元，移送司法机关{d['transferred_to_judiciary']}件。",
        f"行政执法决定公开率{v('publication_rate')}，应下撤未下撤{d['withdrawal_pending']}件；"
        f"当场处罚备案率{v('on_spot_filing_rate')}；重大执法决定法制审核率{v('major_review_rate')}；"
        f"案件录入率{v('platform_entry_rate')}。",
        f"应办结投诉举报{d['complaints_due']}件，按时办结率{v('complaint_ontime_rate')}，"
        f"其中涉民营企业{v('enterprise_complaint_ontime_rate')}。",
        f"总结柔性执法典型案例{d['flexible_cases']}个，开展心理健康教育和心理训练活动{d['psych_activities']}次。",
    ]
    met = [f"{NAMES[k]}达到目标（{shown(k, d[k])}，目标{target_text(k)}）。" for k in TARGETS
           if k in d and d[k] is not None and k not in report["district"]["failing"]]
    problems = []
    for key in {k for u in report["units"].values() for k in u["failing"] if k != "tasks_overdue"}:
        names = [u["name"] for u in report["units"].values() if key in u["failing"]]
        problems.append(f"{NAMES[key]}未达标（目标{target_text(key)}）：{'、'.join(names)}。")
    problems += [f"{u['name']}逾期未完成任务：{shown('tasks_overdue', u['indicators']['tasks_overdue'])}。"
                 for u in report["units"].values() if u["indicators"]["tasks_overdue"]]
    title = f"{district_name}{year}年度行政执法工作报告"
    return title, [("一、基本情况", basic), ("二、主要做法及成效", met or ["（无）"]),
                   ("三、存在问题", sorted(problems) or ["（无）"]),
                   ("四、下一步工作", ["【待填写：请司法局根据上述问题补充下一步工作安排。】"])]


def amendments(issued: dict, current: dict) -> list[list]:
    """Figures that changed since the report was issued: scope, figure, old → new. Empty
    when nothing changed."""
    scopes = [("全区", issued["district"]["indicators"], current["district"]["indicators"])]
    scopes += [(unit["name"], issued["units"].get(code, {}).get("indicators", {}), unit["indicators"])
               for code, unit in current["units"].items()]
    rows = [[scope, NAMES[key], shown(key, old.get(key)), shown(key, new.get(key))]
            for scope, old, new in scopes for key in NAMES
            if (key in old or key in new) and shown(key, old.get(key)) != shown(key, new.get(key))]
    return [["范围", "指标", "已报送值", "现值"], *rows] if rows else []
