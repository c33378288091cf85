"""The annual-report figures of indicators.md, per unit and for the district, computed over
columns of the in-force records (pandas), as of a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from xzzf.catalog import task_label
from xzzf.intake import on_time
from xzzf.periods import due_day, end_of_day, period_end
from xzzf.schema import QUALIFYING_TRAINING
from xzzf.tables import Number
from xzzf.vocabulary import DecisionCategory, Publication, UnitStatus
from xzzf.workdays import WorkCalendar

# key → (comparison, threshold, judged for the district too)
TARGETS = {
    "certified_rate": (">=", 1, True), "legal_review_staff_ratio": (">=", 0.05, True),
    "training_compliance_rate": (">=", 1, True), "publication_rate": (">=", 1, True),
    "withdrawal_pending": ("<=", 0, True), "on_spot_filing_rate": (">=", 1, True),
    "major_review_rate": (">=", 1, True), "platform_entry_rate": (">=", 1, True),
    "complaint_ontime_rate": (">=", 0.9, True), "enterprise_complaint_ontime_rate": (">=", 0.9, True),
    "flexible_cases": (">=", 3, False), "psych_activities": (">=", 1, False),
    "submission_timeliness_rate": (">=", 1, True),
}
NAMES = {
    "staff_enforcement": "执法人员数", "certified_rate": "持证率", "legal_review_staff": "法制审核人员数",
    "legal_review_staff_ratio": "法制审核人员占比", "training_hours_per_capita": "人均培训学时",
    "training_compliance_rate": "培训达标率", "decisions_total": "行政执法决定数",
    "decisions_by_category": "分类决定数", "publication_rate": "行政执法决定公开率",
    "withdrawal_pending": "应下撤未下撤数", "on_spot_filing_rate": "当场处罚备案率",
    "major_review_rate": "重大执法决定法制审核率", "platform_entry_rate": "案件录入率",
    "transferred_to_judiciary": "移送司法机关数", "fines_total": "罚没金额合计（元）",
    "complaints_due": "应办结投诉举报数", "complaint_ontime_rate": "投诉举报按时办结率",
    "enterprise_complaint_ontime_rate": "涉民营企业投诉按时办结率", "flexible_cases": "柔性执法典型案例数",
    "psych_activities": "心理健康教育和心理训练活动次数", "submissions_expected": "应报送月数",
    "submissions_on_time": "按时报送月数", "submissions_late": "逾期报送月数", "submissions_missing": "未报送月数",
    "submission_timeliness_rate": "按时报送率", "tasks_overdue": "逾期任务",
}
# Cumulative targets are progress until their deadline: (month, day) in the year.
JUDGED_FROM = {"training_compliance_rate": (12, 31), "flexible_cases": (10, 31), "psych_activities": (12, 31)}
PUBLISHED = (Publication.PUBLISHED, Publication.WITHDRAWN)  # a withdrawn decision was published
EVENT_KEYS = {"trainings": ["cert_no", "training_date", "title"], "flexible_cases": ["title", "occurred_on"],
              "psych_activities": ["held_on", "title"]}


@dataclass(frozen=True)
class Timeliness:
    due_day: int
    calendar: WorkCalendar


def rate(numerator: int, denominator: int) -> float | None:
    """A share; null (不适用) when nothing is in the denominator."""
    return numerator / denominator if denominator else None


def judged(key: str, year: int, as_of: dt.date) -> bool:
    """Whether a figure's target applies yet: cumulative ones only after their deadline."""
    month, day = JUDGED_FROM.get(key, (1, 1))
    return key not in JUDGED_FROM or as_of > dt.date(year, month, day)


def shown(key: str, value) -> str:
    if value is None:
        return "不适用"
    if key.endswith(("_rate", "_ratio")):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, dict):
        return "，".join(f"{k} {v}" for k, v in value.items() if v)
    if key == "tasks_overdue":
        return "、".join(task_label(no) for no in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def target_text(key: str) -> str:
    if key not in TARGETS:
        return ""
    comparison, threshold, _ = TARGETS[key]
    value = f"{threshold:.0%}" if key.endswith(("_rate", "_ratio")) else str(threshold)
    return ("≥ " if comparison == ">=" else "≤ ") + value


def number_format(key: str) -> str:
    """How a figure's number reads in a workbook, as shown() writes it in text."""
    if key.endswith(("_rate", "_ratio")):
        return "0.0%"
    return {"fines_total": "#,##0.00", "training_hours_per_capita": "0.0"}.get(key, "0")


def numeric(key: str, value) -> int | float | Decimal | None:
    """A figure's value as a number (money is kept as a decimal string in the figures), or None
    when it is not one: null, a list, an object."""
    if key == "fines_total" and value is not None:
        return Decimal(value)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def as_cell(key: str, value):
    """A figure as a workbook cell: a Number; null stays the text 不适用 and a list or an object
    its text, since neither is one number."""
    number = numeric(key, value)
    return shown(key, value) if number is None else Number(number, number_format(key), shown(key, value))


def misses(key: str, value) -> bool:
    if key not in TARGETS or value is None:
        return False
    comparison, threshold, _ = TARGETS[key]
    return value < threshold if comparison == ">=" else value > threshold


def latest_versions(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A ledger row counts in the version of the latest in-force period that contains it."""
    return frame.sort_values(["period", "excel_row"]).drop_duplicates(["unit_code", key], keep="last")


def year_records(tables: dict[str, pd.DataFrame], year: int, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """Each table reduced to the rows that count for `year`, by their own dates."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = {}
    decisions = latest_versions(tables["decisions"], "decision_no")
    out["decisions"] = decisions[decisions["decision_date"].between(start, end)]
    complaints = latest_versions(tables["complaints"], "complaint_no")
    out["complaints"] = complaints[complaints["due_on"].between(start, min(end, as_of))]
    for name, keys in EVENT_KEYS.items():
        out[name] = tables[name].drop_duplicates(["unit_code", *keys])
    out["trainings"] = out["trainings"][out["trainings"]["training_date"].between(start, end)]
    out["flexible_cases"] = out["flexible_cases"][out["flexible_cases"]["occurred_on"].between(
        start, dt.date(year, 10, 31))]
    psych = out["psych_activities"]
    out["psych_activities"] = psych[psych["held_on"].between(start, end)
                                    & psych["activity_type"].isin(["心理健康教育", "心理训练"])]
    roster = tables["roster"][tables["roster"]["period"].str.startswith(f"{year}-")]
    last = roster.groupby("unit_code")["period"].transform("max")
    out["roster"] = roster[roster["period"] == last]
    return out


def figures(records: dict[str, pd.DataFrame], hours_by_cert: pd.Series) -> dict:
    """Every figure over one pool of records (one unit's, or the whole district's)."""
    roster = records["roster"]
    staff = roster[(roster["is_enforcer"] == True) & (roster["duty_status"] == "在岗")]  # noqa: E712
    period_ends = staff["period"].map(period_end)
    certified = ((staff["cert_status"] == "有效") & (staff["cert_valid_until"] >= period_ends)).sum()
    reviewers = int(((roster["is_legal_reviewer"] == True) & (roster["duty_status"] == "在岗")).sum())  # noqa: E712
    hours = staff["cert_no"].map(hours_by_cert).fillna(0.0)
    d = records["decisions"]
    must = d[d["must_publish"] == True]  # noqa: E712
    on_spot, major = d[d["on_spot"] == True], d[d["is_major"] == True]  # noqa: E712
    c = records["complaints"]
    c_ontime = c["closed_on"].notna() & (c["closed_on"] <= c["due_on"])
    private = c["private_enterprise"] == True  # noqa: E712
    return {
        "staff_enforcement": len(staff),
        "certified_rate": rate(int(certified), len(staff)),
        "legal_review_staff": reviewers,
        "legal_review_staff_ratio": rate(reviewers, len(staff)),
        "training_hours_per_capita": float(hours.sum()) / len(staff) if len(staff) else None,
        "training_compliance_rate": rate(int((hours >= 60).sum()), len(staff)),
        "decisions_total": len(d),
        "decisions_by_category": {k.value: int((d["category"] == k).sum()) for k in DecisionCategory},
        "publication_rate": rate(int(must["publication"].isin(PUBLISHED).sum()), len(must)),
        "withdrawal_pending": int(((d["state"] != "有效") & (d["publication"] == Publication.PUBLISHED)).sum()),
        "on_spot_filing_rate": rate(int((on_spot["filed"] == True).sum()), len(on_spot)),  # noqa: E712
        "major_review_rate": rate(int((major["legal_reviewed"] == True).sum()), len(major)),  # noqa: E712
        "platform_entry_rate": rate(int((d["on_platform"] == True).sum()), len(d)),  # noqa: E712
        "transferred_to_judiciary": int((d["transferred"] == True).sum()),  # noqa: E712
        "fines_total": str(sum((Decimal(str(v)) for v in d["fine"].dropna()), Decimal(0)).quantize(Decimal("0.01"))),
        "complaints_due": len(c),
        "complaint_ontime_rate": rate(int(c_ontime.sum()), len(c)),
        "enterprise_complaint_ontime_rate": rate(int((c_ontime & private).sum()), int(private.sum())),
        "flexible_cases": len(records["flexible_cases"]),
        "psych_activities": len(records["psych_activities"]),
    }


def qualifying_hours(trainings: pd.DataFrame) -> pd.Series:
    """Qualifying hours per 执法证号 over the year, across all units (a person who moved keeps them)."""
    qualifying = trainings[trainings["category"].isin(QUALIFYING_TRAINING) & trainings["cert_no"].notna()]
    return qualifying.groupby("cert_no")["hours"].sum()


def timeliness(first_accepted: dict[str, dt.datetime], year: int, as_of: dt.datetime, rule: Timeliness) -> dict:
    """Month by month of `year`: on time, late or missing, for the months already due."""
    months = {}
    for month in range(1, 13):
        period = f"{year}-{month:02d}"
        due = due_day(period, rule.due_day, rule.calendar)
        if as_of <= end_of_day(due):
            continue
        arrived = first_accepted.get(period)
        months[period] = (UnitStatus.MISSING if arrived is None
                          else UnitStatus.ON_TIME if on_time(arrived, due) else UnitStatus.LATE)
    counts = {s: sum(1 for v in months.values() if v == s)
              for s in (UnitStatus.ON_TIME, UnitStatus.LATE, UnitStatus.MISSING)}
    return {"months": months, "submissions_expected": len(months),
            "submissions_on_time": counts[UnitStatus.ON_TIME], "submissions_late": counts[UnitStatus.LATE],
            "submissions_missing": counts[UnitStatus.MISSING],
            "submission_timeliness_rate": rate(counts[UnitStatus.ON_TIME], len(months))}
