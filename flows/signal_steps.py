"""The data-quality signals of a run's new files (xzzf.signals): pool them with the files in
force of their history window, check the frames with Great Expectations (in the run's one
runner, one call per frame) and the joins with pandas, and settle them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from xzzf.adjustments import standing
from xzzf.intake import SubmissionFact, as_of_view, in_force
from xzzf.schema import SHEETS
from xzzf.settings import Settings
from xzzf.signal_checks import copied_months, duplicate_decisions, issued_years, people_across_units, settle
from xzzf.signals import (
    AMOUNTS,
    FILE,
    ROW,
    TOTALS,
    Pool,
    Signal,
    Thresholds,
    amount_bounds,
    frame_signals,
    months_back,
    total_bounds,
)
from xzzf.units import Registry
from xzzf.workbook import EXCEL_ROW

JUDGED = ("decisions", "complaints", "roster", "trainings")  # the sheets the signals read


def flag(scan, history, settings: Settings, registry: Registry, runner) -> None:
    """The data-quality signals of an intake scan's accepted new files (intake_steps.Scan), against
    `history` (intake_steps.History): each kept by its file and added to its warnings."""
    judged = {n: (item.unit, item.period, item.arrival_at, item.parsed.tables) for n, item in enumerate(scan.new)
              if item.accepted and item.unit and item.parsed.period}
    if not judged:
        return
    store, thresholds = history.store, Thresholds.of(settings)
    decided = standing(store.adjustments(), history.as_of)
    view = as_of_view(store.facts(), history.as_of, decided.withdrawn)
    issued = {year: report["issued_at"] for year in {int(p[:4]) - 1 for _, p, _, _ in judged.values()}
              if (report := store.latest_issued(year))}
    verified = [key_of(s) for s in store.signals() if s.id in decided.verified]
    pool = pool_of(judged, store, view, thresholds.months)
    for signal in detect(pool, runner, thresholds, {u.code: u.name for u in registry.units}, issued, verified):
        item = scan.new[signal.file]
        item.signals.append(signal)
        item.parsed.warnings.append(signal.problem())


def key_of(stored) -> tuple[str, str, str, str, str]:
    """A stored signal's Signal.key."""
    return (stored.kind, stored.unit_code, stored.period, stored.subject, stored.value or "")


def detect(pool: Pool, runner, thresholds: Thresholds, names: Mapping[str, str],
           issued: Mapping[int, dt.datetime], verified: Collection[tuple] = ()) -> list[Signal]:
    """Every signal of the pool's new files."""
    totals, amounts = total_bounds(pool, thresholds), amount_bounds(pool, thresholds)
    failed: dict[str, set[tuple[int, int]]] = {}
    for failure in runner.failures({TOTALS: totals, AMOUNTS: amounts}):
        failed.setdefault(failure.rule, set()).add((failure.file_id, failure.excel_row))
    found = [*frame_signals(failed, totals, amounts, pool, thresholds), *duplicate_decisions(pool, names),
             *people_across_units(pool, names), *copied_months(pool), *issued_years(pool, issued)]
    return settle(found, verified)


def pool_of(new: Mapping[int, tuple[str, str, dt.datetime, dict[str, list[dict]]]], store,
            view: list[SubmissionFact], months: int) -> Pool:
    """The pool of the new files (run index → unit, period, arrival, parsed tables) and the
    stored files in force in `view` whose period is in the history window of any of them."""
    periods = [period for _, period, _, _ in new.values()]
    first, last = months_back(min(periods), months), max(periods)
    stored = [f for f in view if f.id in in_force(view) and f.period and first <= f.period <= last]
    files = pd.DataFrame([{FILE: n, "unit_code": u, "period": p, "arrival_at": a, "new": True}
                          for n, (u, p, a, _) in new.items()]
                         + [{FILE: -f.id, "unit_code": f.unit_code, "period": f.period, "arrival_at": f.arrival_at,
                             "new": False} for f in stored])
    tables = {}
    sheets = {sheet.name: sheet for sheet in SHEETS}
    for name in JUDGED:
        columns = [c.name for c in sheets[name].columns]
        # One frame of every new file's rows, not one a file: a district-year is thousands of files.
        each = [(n, tables_of.get(name) or []) for n, (_, _, _, tables_of) in new.items()]
        rows = pd.DataFrame.from_records([r for _, records in each for r in records], columns=[EXCEL_ROW, *columns])
        parts = [rows.assign(**{FILE: np.repeat([n for n, _ in each], [len(records) for _, records in each])})]
        if stored:  # one file in force per (unit, period): its rows say which file they are of
            rows = store.frame(name, ["excel_row", *columns], [f.id for f in stored])
            ids = pd.MultiIndex.from_frame(rows[["unit_code", "period"]]).map(
                {(f.unit_code, f.period): -f.id for f in stored})
            parts.append(rows.rename(columns={"excel_row": ROW}).assign(**{FILE: ids})
                         .drop(columns=["unit_code", "period"]))
        if parts:
            tables[name] = pd.concat(parts, ignore_index=True)
    return Pool(files, tables)
