"""The year's figures for every unit and the district, in the shape of figures-<Y>.json."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xzzf.adjustments import Obligations
from xzzf.catalog import Assignment, Task
from xzzf.figures import figures, qualifying_hours, rate, timeliness, year_records
from xzzf.indicators import TIMELINESS_COUNTS, misses, target
from xzzf.periods import year_periods
from xzzf.schema import SHEETS
from xzzf.task_status import latest_progress, unit_task_statuses
from xzzf.units import Registry


def as_frames(rows: dict[str, list[dict] | pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Stored rows (with unit_code, period, excel_row) as frames with every column present; a
    table already read as a frame (Store.frame, figures.READ_COLUMNS) is taken as it is."""
    frames = {}
    for sheet in SHEETS:
        table = rows.get(sheet.name, [])
        if isinstance(table, pd.DataFrame):
            frames[sheet.name] = table
            continue
        columns = ["unit_code", "period", "excel_row", *(c.name for c in sheet.columns)]
        frames[sheet.name] = pd.DataFrame.from_records(table, columns=columns)
    return frames


def annual_figures(year: int, as_of: dt.datetime, registry: Registry, assignment: Assignment,
                   tasks: tuple[Task, ...], rows: dict[str, list[dict] | pd.DataFrame],
                   first_accepted: dict[tuple[str, str], dt.datetime], obligations: Obligations,
                   district_only: bool = False) -> dict:
    """The figures of every unit that exists in `year` and of the district (`district_only`:
    the district's alone, as 同比 needs of the year before). A unit that took over others
    (`replaces`) carries their history: its figures and on-time counts include theirs, while
    each unit's months stay its own and the district counts every file once."""
    tables = as_frames(rows)
    records = year_records(tables, year, as_of.date())
    hours = qualifying_hours(records["trainings"])
    progress = latest_progress(tables["task_progress"], as_of.date())
    units_of_year = registry.in_year(year)
    reporting = [u.code for u in units_of_year if u.reports]
    by_unit = {name: dict(tuple(frame.groupby("unit_code"))) for name, frame in records.items()}
    arrivals: dict[str, dict[str, dt.datetime]] = {}
    for (code, period), arrived in first_accepted.items():
        arrivals.setdefault(code, {})[period] = arrived
    own = {code: timeliness(arrivals.get(code, {}), year, as_of, obligations, code)
           for code in {c for u in units_of_year if u.reports for c in registry.history(u.code)}}
    units = {}
    for unit in () if district_only else units_of_year:
        indicators: dict = {}
        months: dict[str, str] = {}
        not_owed: list[str] = []
        notes = ""
        if unit.reports:
            history = registry.history(unit.code)
            mine = {name: _rows_of(history, groups, records[name]) for name, groups in by_unit.items()}
            indicators = figures(mine, hours)
            for key in TIMELINESS_COUNTS:
                indicators[key] = sum(own[c][key] for c in history)
            indicators["submission_timeliness_rate"] = rate(indicators["submissions_on_time"],
                                                            indicators["submissions_expected"])
            months = own[unit.code]["months"]
            not_owed = [p for p in year_periods(year) if not obligations.owes(unit.code, p)]
            notes = obligations.notes(unit.code, year)
        statuses = unit_task_statuses(tasks, assignment, unit, progress, year, as_of.date(),
                                      indicators if unit.reports else None)
        indicators["tasks_overdue"] = sorted(no for no, s in statuses.items() if s == "overdue")
        failing = [k for k, v in indicators.items() if misses(k, v)]
        failing += ["tasks_overdue"] if indicators["tasks_overdue"] else []
        units[unit.code] = {"name": unit.name, "indicators": indicators, "failing": failing, "tasks": statuses,
                            "months": months, "not_owed": not_owed, "notes": notes}
    pooled = {name: frame[frame["unit_code"].isin(reporting)] for name, frame in records.items()}
    district = figures(pooled, hours)
    for key in TIMELINESS_COUNTS:
        district[key] = sum(own[code][key] for code in reporting)
    district["submission_timeliness_rate"] = rate(district["submissions_on_time"], district["submissions_expected"])
    district_failing = [k for k, v in district.items() if misses(k, v) and not target(k).per_unit]
    return {"year": year, "as_of": as_of.date().isoformat(),
            "district": {"indicators": district, "failing": district_failing}, "units": units,
            "unit_changes": [[u.name, u.code, what, day.isoformat()] for u, what, day in registry.changes_in(year)]}


def _rows_of(codes: tuple[str, ...], groups: dict[str, pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """A table's rows of the units `codes` (a unit and those it took over)."""
    found = [groups[code] for code in codes if code in groups]
    return found[0] if len(found) == 1 else pd.concat(found) if found else empty.iloc[0:0]


def figures_json(report: dict) -> dict:
    """figures-<Y>.json as indicators.md gives it (the per-task and per-month detail stays out)."""
    return {"year": report["year"], "as_of": report["as_of"], "district": report["district"],
            "units": {code: {k: unit[k] for k in ("name", "indicators", "failing")}
                      for code, unit in report["units"].items()}}
