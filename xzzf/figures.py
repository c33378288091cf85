"""The annual-report figures of indicators.md, per unit and for the district, computed over
columns of the in-force records (pandas), as of a date. What each figure is, how it reads and
its target: xzzf.indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from xzzf.adjustments import Obligations
from xzzf.periods import period_end, year_periods
from xzzf.schema import QUALIFYING_TRAINING
from xzzf.vocabulary import DecisionCategory, Publication, UnitStatus

PUBLISHED = (Publication.PUBLISHED, Publication.WITHDRAWN)  # a withdrawn decision was published
EVENT_KEYS = {"trainings": ["cert_no", "training_date", "title"], "flexible_cases": ["title", "occurred_on"],
              "psych_activities": ["held_on", "title"]}
# The columns of each table that the figures, the task statuses and the draft read (with
# unit_code and period): what a store reads for them, not names nor text nobody counts.
READ_COLUMNS = {
    "roster": ("excel_row", "cert_no", "cert_status", "cert_valid_until", "is_enforcer", "is_legal_reviewer",
               "duty_status"),
    "trainings": ("excel_row", "cert_no", "training_date", "title", "category", "hours"),
    "decisions": ("excel_row", "decision_no", "category", "decision_date", "on_spot", "filed", "must_publish",
                  "publication", "is_major", "legal_reviewed", "on_platform", "transferred", "fine", "state"),
    "complaints": ("excel_row", "complaint_no", "private_enterprise", "due_on", "closed_on"),
    "flexible_cases": ("excel_row", "title", "occurred_on"),
    "psych_activities": ("excel_row", "held_on", "title", "activity_type", "participants"),
    "task_progress": ("excel_row", "task_no", "state", "completed_on", "evidence", "remark"),
}


def rate(numerator: int, denominator: int) -> float | None:
    """A share; null (不适用) when nothing is in the denominator."""
    return numerator / denominator if denominator else None


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


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy()


def _yes(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Where a 是/否 column says 是 (a blank is not 是)."""
    return _column(frame, name) == True  # noqa: E712


def _not_after(earlier: np.ndarray, later: np.ndarray) -> np.ndarray:
    """earlier <= later, day by day; False where either date is blank, as pandas compares."""
    return np.fromiter((pd.notna(a) and pd.notna(b) and a <= b for a, b in zip(earlier, later, strict=True)),
                       bool, len(earlier))


def figures(records: dict[str, pd.DataFrame], hours_by_cert: pd.Series) -> dict:
    """Every figure over one pool of records (one unit's, or the whole district's). Called once
    a unit, over a few dozen rows: it counts over numpy arrays, pandas' operators costing more
    than the counting itself (a thousand units were seconds)."""
    roster = records["roster"]
    on_duty = _column(roster, "duty_status") == "在岗"
    staff = _yes(roster, "is_enforcer") & on_duty
    staff_count = int(staff.sum())
    period_ends = [period_end(period) for period in _column(roster, "period")[staff]]
    certified = (_column(roster, "cert_status")[staff] == "有效") & _not_after(
        np.array(period_ends, dtype=object), _column(roster, "cert_valid_until")[staff])
    reviewers = int((_yes(roster, "is_legal_reviewer") & on_duty).sum())
    # A person's qualifying hours by 执法证号; -1 (none, or no 证号) takes the 0.0 put last.
    hours = np.append(hours_by_cert.to_numpy(dtype=float), 0.0)[
        hours_by_cert.index.get_indexer(_column(roster, "cert_no")[staff])]
    d = records["decisions"]
    publication, category = _column(d, "publication"), _column(d, "category")
    published = (publication == PUBLISHED[0]) | (publication == PUBLISHED[1])
    must, on_spot, major = _yes(d, "must_publish"), _yes(d, "on_spot"), _yes(d, "is_major")
    c = records["complaints"]
    c_ontime = _not_after(_column(c, "closed_on"), _column(c, "due_on"))
    private = _yes(c, "private_enterprise")
    return {
        "staff_enforcement": staff_count,
        "certified_rate": rate(int(certified.sum()), staff_count),
        "legal_review_staff": reviewers,
        "legal_review_staff_ratio": rate(reviewers, staff_count),
        "training_hours_per_capita": float(hours.sum()) / staff_count if staff_count else None,
        "training_compliance_rate": rate(int((hours >= 60).sum()), staff_count),
        "decisions_total": len(d),
        "decisions_by_category": {k.value: int((category == k).sum()) for k in DecisionCategory},
        "publication_rate": rate(int(published[must].sum()), int(must.sum())),
        "withdrawal_pending": int(((_column(d, "state") != "有效") & (publication == Publication.PUBLISHED)).sum()),
        "on_spot_filing_rate": rate(int(_yes(d, "filed")[on_spot].sum()), int(on_spot.sum())),
        "major_review_rate": rate(int(_yes(d, "legal_reviewed")[major].sum()), int(major.sum())),
        "platform_entry_rate": rate(int(_yes(d, "on_platform").sum()), len(d)),
        "transferred_to_judiciary": int(_yes(d, "transferred").sum()),
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


def timeliness(first_accepted: dict[str, dt.datetime], year: int, as_of: dt.datetime, obligations: Obligations,
               code: str) -> dict:
    """Month by month of `year`, for the months the unit owes whose due day (or the day an
    extension gives) has passed, the status Obligations gives them — on time, late or
    missing (a month with only rejected files is one without a file: missing); a 免报 month
    shows as such from its due day on and is in no count."""
    months = {period: obligations.status_of(code, period, first_accepted.get(period), False, as_of)
              for period in year_periods(year)
              if obligations.owes(code, period) and obligations.past_due(code, period, as_of)}
    counts = {s: sum(1 for v in months.values() if v == s)
              for s in (UnitStatus.ON_TIME, UnitStatus.LATE, UnitStatus.MISSING)}
    expected = sum(counts.values())
    return {"months": months, "submissions_expected": expected,
            "submissions_on_time": counts[UnitStatus.ON_TIME], "submissions_late": counts[UnitStatus.LATE],
            "submissions_missing": counts[UnitStatus.MISSING],
            "submission_timeliness_rate": rate(counts[UnitStatus.ON_TIME], expected)}
