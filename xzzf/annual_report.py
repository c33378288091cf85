"""The annual report's content: the workbook's sheets and the public data, from the year's
figures (and the year before, for 同比). The Word draft's text is xzzf.draft's."""

from __future__ import annotations

from xzzf.catalog import Assignment, Task
from xzzf.figures import NAMES, TARGETS, as_cell, number_format, numeric, shown, target_text
from xzzf.periods import year_periods
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


def _change(key: str, value, before) -> Number | str:
    """同比: the change from the year before, where both years have a number, signed and in
    the figure's own format."""
    now, then = numeric(key, value), numeric(key, before)
    if now is None or then is None:
        return ""
    delta, unsigned = now - then, number_format(key)
    return Number(delta, f"+{unsigned};-{unsigned};{unsigned}", ("+" if delta > 0 else "") + shown(key, delta))


def overview(report: dict, previous: dict | None) -> Sheet:
    district, failing = report["district"]["indicators"], report["district"]["failing"]
    before = previous["district"]["indicators"] if previous else {}
    rows = [["指标", f"{report['year']}年", "目标", "达标", "同比"]]
    for key, value in district.items():
        verdict = "" if key not in TARGETS or value is None else "未达标" if key in failing else "达标"
        rows.append([NAMES[key], as_cell(key, value), target_text(key), verdict, _change(key, value, before.get(key))])
    return _sheet(report, "总体情况", rows, tuple((n, 4) for n, row in enumerate(rows, start=1) if row[3] == "未达标"))


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
    """调整记录 (every decision of the 司法局, revoked ones too) and 单位变动 (units set up,
    abolished or merged in the year), where the report has them."""
    sheets = []
    if report.get("adjustments"):
        sheets.append(_sheet(report, "调整记录", report["adjustments"]))
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
    for name, values in scopes:
        rows.append([name, *(as_cell("decisions_by_category", values["decisions_by_category"][c])
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
