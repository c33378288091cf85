"""The year's figures for every unit and the district, in the shape of figures-<Y>.json."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xzzf.catalog import Assignment, Task
from xzzf.figures import TARGETS, Timeliness, figures, misses, qualifying_hours, rate, timeliness, year_records
from xzzf.schema import SHEETS
from xzzf.task_status import latest_progress, unit_task_statuses
from xzzf.units import Registry

TIMELINESS_COUNTS = ("submissions_expected", "submissions_on_time", "submissions_late", "submissions_missing")


def as_frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """Stored rows (with unit_code, period, excel_row) as frames with every column present."""
    frames = {}
    for sheet in SHEETS:
        columns = ["unit_code", "period", "excel_row", *(c.name for c in sheet.columns)]
        frames[sheet.name] = pd.DataFrame.from_records(rows.get(sheet.name, []), columns=columns)
    return frames


def annual_figures(year: int, as_of: dt.datetime, registry: Registry, assignment: Assignment,
                   tasks: tuple[Task, ...], rows: dict[str, list[dict]],
                   first_accepted: dict[tuple[str, str], dt.datetime], rule: Timeliness) -> dict:
    tables = as_frames(rows)
    records = year_records(tables, year, as_of.date())
    hours = qualifying_hours(records["trainings"])
    progress = latest_progress(tables["task_progress"], as_of.date())
    reporting = [u.code for u in registry.reporting]
    by_unit = {name: dict(tuple(frame.groupby("unit_code"))) for name, frame in records.items()}
    units = {}
    for unit in registry.units:
        indicators: dict = {}
        months: dict[str, str] = {}
        if unit.reports:
            mine = {name: groups.get(unit.code, records[name].iloc[0:0]) for name, groups in by_unit.items()}
            indicators = figures(mine, hours)
            arrivals = {p: t for (u, p), t in first_accepted.items() if u == unit.code}
            monthly = timeliness(arrivals, year, as_of, rule)
            months = monthly.pop("months")
            indicators |= monthly
        statuses = unit_task_statuses(tasks, assignment, unit.code, progress, year, as_of.date(),
                                      indicators if unit.reports else None)
        indicators["tasks_overdue"] = sorted(no for no, s in statuses.items() if s == "overdue")
        failing = [k for k, v in indicators.items() if misses(k, v)]
        failing += ["tasks_overdue"] if indicators["tasks_overdue"] else []
        units[unit.code] = {"name": unit.name, "indicators": indicators, "failing": failing, "tasks": statuses,
                            "months": months}
    pooled = {name: frame[frame["unit_code"].isin(reporting)] for name, frame in records.items()}
    district = figures(pooled, hours)
    for key in TIMELINESS_COUNTS:
        district[key] = sum(units[code]["indicators"][key] for code in reporting)
    district["submission_timeliness_rate"] = rate(district["submissions_on_time"], district["submissions_expected"])
    district_failing = [k for k, v in district.items() if misses(k, v) and TARGETS[k][2]]
    return {"year": year, "as_of": as_of.date().isoformat(),
            "district": {"indicators": district, "failing": district_failing}, "units": units}


def figures_json(report: dict) -> dict:
    """figures-<Y>.json as indicators.md gives it (the per-task and per-month detail stays out)."""
    return {"year": report["year"], "as_of": report["as_of"], "district": report["district"],
            "units": {code: {k: unit[k] for k in ("name", "indicators", "failing")}
                      for code, unit in report["units"].items()}}
