"""The annual report's content: the workbook's sheets and the public data, from the year's
figures (and the year before, for 同比). The Word draft's text is xzzf.draft's."""

from __future__ import annotations

import datetime as dt

from xzzf.catalog import Assignment, Task
from xzzf.indicators import NAMES, PROGRESS, as_cell, difference, judged, misses, numeric, shown, target, target_text
from xzzf.periods import year_periods
from xzzf.quality import QUALITY_SHEET
from xzzf.tables import Number, Sheet, captioned
from xzzf.task_notice import deadline_text, missed_text, status_text
from xzzf.vocabulary import DecisionCategory, UnitStatus

PUBLIC_KEYS = ("decisions_total", "fines_total", "publication_rate", "complaints_due", "complaint_ontime_rate")
UNIT_KEYS = ("staff_enforcement", "certified_rate", "legal_review_staff_ratio", "training_hours_per_capita",
             "training_compliance_rate", "decisions_total", "publication_rate", "withdrawal_pending",
             "on_spot_filing_rate", "major_review_rate", "platform_entry_rate", "complaint_ontime_rate",
             "enterprise_complaint_ontime_rate", "flexible_cases", "psych_activities", "submission_timeliness_rate")


def _sheet(report: dict, title: str, rows: list[list], marked: tuple = ()) -> Sheet:
    return captioned(f"{report['year']}年度行政执法工作报告", report["as_of"], title, rows, marked)


NO_PREVIOUS = "无上年数据"


def _change(key: str, value, before: dict | None) -> Number | str:
    """同比: the change from the year before (indicators.difference), or in words why there is
    none — no year before, or its figure 不适用; empty where this year has no number (不适用, a
    list), as there is nothing to compare."""
    if numeric(key, value) is None:
        return ""
    if before is None or key not in before:
        return NO_PREVIOUS
    return difference(key, value, before[key]) or "上年不适用"


def verdict(report: dict, key: str) -> tuple[str, bool]:
    """The 达标 column of the district's figure, and whether it is marked: 达标 or 未达标 for a
    target judged for the district; for one judged per unit (每单位 ≥ 3个), how many of the
    units with a figure meet it ("21/25 单位达标"), never the district's pooled count against
    it. A cumulative target is progress until its deadline, and unmarked."""
    aim = target(key)
    if aim is None:
        return "", False
    year, as_of = report["year"], dt.date.fromisoformat(report["as_of"])
    progress = "" if judged(key, year, as_of) else PROGRESS
    if aim.per_unit:
        values = [v for unit in report["units"].values() if (v := unit["indicators"].get(key)) is not None]
        if not values:
            return "", False
        met = sum(not misses(key, v) for v in values)
        return f"{met}/{len(values)} 单位达标{progress}", met < len(values) and not progress
    if report["district"]["indicators"][key] is None:
        return "不适用", False
    failing = key in report["district"]["failing"]
    return ("未达标" if failing else "达标") + progress, failing and not progress


def overview(report: dict, previous: dict | None) -> Sheet:
    district = report["district"]["indicators"]
    before = previous["district"]["indicators"] if previous else None
    rows = [["指标", f"{report['year']}年", "目标", "达标", "同比"]]
    marked = []
    for key, value in district.items():
        said, failing = verdict(report, key)
        rows.append([NAMES[key], as_cell(key, value), target_text(key), said, _change(key, value, before)])
        if failing:
            marked.append((len(rows), 4))
    return _sheet(report, "总体情况", rows, tuple(marked))


def overdue_text(report: dict, tasks: tuple[Task, ...], numbers: list[int]) -> str:
    """A unit's overdue tasks, each with the deadline the report's year missed (`tasks`: the
    plan's of the report's year)."""
    by_no = {task.no: task for task in tasks}
    return "、".join(f"{by_no[no].label}（{missed_text(by_no[no], report['year'])}）" for no in numbers)


def by_unit(report: dict, tasks: tuple[Task, ...]) -> Sheet:
    """Each unit's figures and its overdue tasks (`tasks`: the plan's of the report's year)."""
    rows = [["单位编码", "单位名称", *(NAMES[k] for k in UNIT_KEYS), "逾期任务"]]
    marked = []
    for code, unit in report["units"].items():
        values = unit["indicators"]
        # A unit that does not report has no figures, only its tasks: its cells stay empty.
        rows.append([code, unit["name"], *(as_cell(k, values[k]) if k in values else "" for k in UNIT_KEYS),
                     overdue_text(report, tasks, values["tasks_overdue"])])
        marked += [(len(rows), 3 + i) for i, k in enumerate(UNIT_KEYS) if k in unit["failing"]]
        if values["tasks_overdue"]:
            marked.append((len(rows), 3 + len(UNIT_KEYS)))
    return _sheet(report, "分单位指标", rows, tuple(marked))


def failures(report: dict, tasks: tuple[Task, ...]) -> Sheet:
    """The 通报 list: every unit and figure that missed its target (`tasks` as for by_unit)."""
    rows = [["单位", "指标", "实际", "目标"]]
    for unit in report["units"].values():
        rows += [[unit["name"], NAMES[k], overdue_text(report, tasks, unit["indicators"][k]) if k == "tasks_overdue"
                  else as_cell(k, unit["indicators"][k], tasks), target_text(k) or "无逾期"] for k in unit["failing"]]
    return _sheet(report, "未达标事项", rows)


def reporting(report: dict) -> Sheet:
    """Month by month, for the units expected to report (the others have no months): — where
    the unit did not exist (its 说明 says why), empty where the month is not yet due."""
    months = year_periods(report["year"])
    rows = [["单位", *(f"{int(m[5:])}月" for m in months), NAMES["submission_timeliness_rate"], "说明"]]
    for unit in report["units"].values():
        if unit["months"] or "submissions_expected" in unit["indicators"]:
            shown_months = ("—" if m in unit.get("not_owed", ()) else UnitStatus.label_of(s)
                            if (s := unit["months"].get(m)) else "" for m in months)
            rows.append([unit["name"], *shown_months,
                         as_cell("submission_timeliness_rate", unit["indicators"].get("submission_timeliness_rate")),
                         unit.get("notes", "")])
    return _sheet(report, "报送情况", rows)


def records(report: dict) -> list[Sheet]:
    """调整记录 (every decision of the 司法局, revoked ones too), 单位变动 (units set up,
    abolished or merged in the year) and 数据质量 (the signals of the year's files still open:
    the figures resting on numbers nobody has confirmed), where the report has them."""
    sheets = []
    if report.get("adjustments"):
        sheets.append(_sheet(report, "调整记录", report["adjustments"]))
    if report.get("quality"):
        sheets.append(_sheet(report, QUALITY_SHEET, report["quality"]))
    if report.get("unit_changes"):
        sheets.append(_sheet(report, "单位变动", [["单位名称", "单位编码", "变动", "日期"], *report["unit_changes"]]))
    return sheets


def task_table(report: dict, tasks: tuple[Task, ...], assignment: Assignment, unassigned: dict) -> Sheet:
    """任务完成情况: each owing unit's status on each task in the report's year, with the day
    that year's 完成时限 means (a yearly task's day in that year, and its next where missed)."""
    year = report["year"]
    rows = [["任务序号", "任务", "完成时限", "单位", "完成情况"]]
    for task in tasks:
        for code in assignment.roles.get(task.no, {}):
            if code not in report["units"]:  # a unit that did not exist in the year
                continue
            status = report["units"][code]["tasks"].get(task.no)
            rows.append([task.no, task.title, deadline_text(task, year), report["units"][code]["name"],
                         status_text(task, status, year) if status else "不需承担（期限时单位不存续）"])
        for phrase in unassigned.get(task.no, ()):
            rows.append([task.no, task.title, deadline_text(task, year), phrase, "未落实（名册中无此单位）"])
    return _sheet(report, "任务完成情况", rows)


def public_data(report: dict) -> Sheet:
    """公开数据: district and unit totals, no names of people, no internal detail; the units
    are those expected to report."""
    rows = [["范围", *(f"{c}决定数" for c in DecisionCategory), *(NAMES[k] for k in PUBLIC_KEYS)]]
    scopes = [("全区", report["district"]["indicators"])]
    scopes += [(u["name"], u["indicators"]) for u in report["units"].values() if "decisions_total" in u["indicators"]]
    for name, values in scopes:  # a category's count is a number of decisions, as decisions_total
        rows.append([name, *(as_cell("decisions_total", values["decisions_by_category"][c])
                             for c in DecisionCategory), *(as_cell(k, values[k]) for k in PUBLIC_KEYS)])
    return _sheet(report, "公开数据", rows)


def workbook_sheets(report: dict, previous: dict | None, tasks, assignment, unassigned,
                    changes: list[list]) -> list[Sheet]:
    """The report workbook's sheets; with `changes` (figures changed since it was issued), a
    更正说明 sheet listing them."""
    sheets = [overview(report, previous), by_unit(report, tasks), failures(report, tasks), reporting(report),
              task_table(report, tasks, assignment, unassigned), public_data(report), *records(report)]
    return sheets + [_sheet(report, "更正说明", changes)] if changes else sheets


def amendments(issued: dict, current: dict, tasks: tuple[Task, ...]) -> list[list]:
    """Figures that changed since the report was issued: scope, figure, old → new (`tasks`: the
    plan's of the report's year, which its overdue tasks number). Empty when nothing changed."""
    scopes = [("全区", issued["district"]["indicators"], current["district"]["indicators"])]
    scopes += [(unit["name"], issued["units"].get(code, {}).get("indicators", {}), unit["indicators"])
               for code, unit in current["units"].items()]
    # Compared as shown: a rate that moved in a digit nobody sees is no correction.
    rows = [[scope, NAMES[key], as_cell(key, old.get(key), tasks), as_cell(key, new.get(key), tasks)]
            for scope, old, new in scopes for key in NAMES
            if (key in old or key in new) and shown(key, old.get(key), tasks) != shown(key, new.get(key), tasks)]
    return [["范围", "指标", "已报送值", "现值"], *rows] if rows else []
