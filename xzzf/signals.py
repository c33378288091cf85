"""Data-quality signals: numbers that pass every rule of submission.md and may still be wrong.

A signal is never an error: the file is accepted, and the clerk reads the signal as a 提醒 in
the 回执, the 司法局 in the summary's 数据质量 sheet, until a later file of the unit changes
the value or the 司法局 records 已核实. This module pools a run's new files with the files in
force and says each signal in words; the two checks on a frame — a month's total outside its
history's bounds, an amount above its bound — are Great Expectations expectations on the
frames made here (SIGNAL_RULES, run with the row rules' runner); the checks that join units
or months are plain pandas, in xzzf.signal_checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xzzf.problems import Problem
from xzzf.rules import Rule
from xzzf.schema import DECISION_CATEGORIES, SHEETS_BY_NAME
from xzzf.vocabulary import SignalKind

FILE = "_file_id"  # the judged file, as the row rules' frames name it
ROW = "_excel_row"
TOTALS = "signal_totals"  # the derived table: one row per (new file, measure)
AMOUNTS = "signal_amounts"  # the derived table: one row per amount of a new file
HIGH, LOW, BOUND = "_high", "_low", "_bound"


@dataclass(frozen=True)
class Thresholds:
    """The settings of the signals (xzzf.settings, signal_*), with their defaults."""

    months: int = 12  # the history compared with: the unit's previous months in force, at most
    min_months: int = 6  # fewer months of history than this: no total is judged
    z: float = 3.5  # modified z-score (Iglewicz & Hoaglin) above which a total is far from its history
    min_count: float = 5  # …and only if it is more than this far from the median (件, 人, 学时)
    min_amount: float = 20_000  # the same for 罚没金额 (元)
    amount_factor: float = 10  # one amount: above this × the unit's largest earlier amount…
    amount_percentile: float = 99.9  # …and above this percentile of the district's earlier amounts

    @classmethod
    def of(cls, settings) -> Thresholds:
        return cls(settings.signal_months, settings.signal_min_months, settings.signal_z, settings.signal_min_count,
                   settings.signal_min_amount, settings.signal_amount_factor, settings.signal_amount_percentile)


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    file: int  # the judged file's id in the pool
    unit: str
    period: str
    subject: str  # what it is about: a measure, a 决定文书号, a 执法证号, a year
    message: str
    sheet: str | None = None  # where the clerk finds it (the sheet's title), if in one row
    row: int | None = None
    column: str | None = None
    value: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What a 已核实 confirms: the same signal raised again on a correction that keeps
        the value is not raised again."""
        return (self.kind, self.unit, self.period, self.subject, self.value or "")

    def problem(self) -> Problem:
        return Problem(self.message, self.sheet, self.row, self.column, self.value, f"signal.{self.kind}")


@dataclass
class Pool:
    """A run's new files with the files in force of their units' history window.

    `files`: one row per file — _file_id, unit_code, period, arrival_at, new (bool); the new
    files' ids are their order in the run, the stored ones' are their negated store ids.
    `tables`: each sheet's rows of those files, with _file_id, _excel_row and its columns."""

    files: pd.DataFrame
    tables: dict[str, pd.DataFrame]

    def __post_init__(self):
        files = self.files.sort_values(["new", "arrival_at", FILE])
        # The file a (unit, period) stands on: the latest new one, else the stored one in force.
        kept = files.drop_duplicates(["unit_code", "period"], keep="last")[FILE]
        self.files = files.assign(kept=files[FILE].isin(kept), rank=range(len(files)))
        info = self.files.set_index(FILE)[["unit_code", "period", "kept", "rank", "new"]]
        self.tables = {name: table.join(info, on=FILE) for name, table in self.tables.items()}

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame(columns=[FILE, ROW, "unit_code", "period", "kept", "rank", "new"]))

    @property
    def new(self) -> pd.DataFrame:
        return self.files[self.files["new"]]


@dataclass(frozen=True)
class Measure:
    label: str
    unit: str  # 件, 人, 学时, 元
    hint: str  # what a clerk checks when it is far above its history
    both_ways: bool = False  # a snapshot: far below is a signal too (a flow has quiet months)


MEASURES: dict[str, Measure] = {
    **{f"decisions.{c}": Measure(f"{c}决定数", "件", "是否把其他月份的决定一并填入，或重复填写")
       for c in DECISION_CATEGORIES},
    "fines": Measure("罚没金额", "元", "是否多填了位数"),
    "complaints": Measure("受理的投诉举报", "件", "是否把其他月份受理的一并填入"),
    "staff": Measure("在岗执法人员", "人", "执法人员表是否完整（应列出本单位全部人员）", both_ways=True),
    "training_hours": Measure("培训学时", "学时", "学时是否多填，或把其他月份的培训一并填入"),
}


def _month(dates: pd.Series) -> pd.Series:
    return dates.map(lambda d: f"{d.year}-{d.month:02d}" if isinstance(d, dt.date) else None)


def month_totals(pool: Pool) -> pd.DataFrame:
    """Each file's totals of its own month, one row per (file, measure), 0 where none: its
    decisions by category and 罚没金额 by 决定日期 in the month, complaints by 受理日期 in the
    month, 在岗 执法人员 on its roster, 学时 of its trainings."""
    parts = []
    decisions = pool.table("decisions")
    if not decisions.empty:
        own = decisions[_month(decisions["decision_date"]) == decisions["period"]]
        counted = own.groupby([FILE, "category"]).size().rename("value").reset_index()
        parts.append(counted.assign(measure="decisions." + counted["category"])[[FILE, "measure", "value"]])
        fines = own.assign(value=pd.to_numeric(own["fine"].map(_number))).groupby(FILE)["value"].sum()
        parts.append(fines.reset_index().assign(measure="fines"))
    complaints = pool.table("complaints")
    if not complaints.empty:
        own = complaints[_month(complaints["received_on"]) == complaints["period"]]
        parts.append(own.groupby(FILE).size().rename("value").reset_index().assign(measure="complaints"))
    roster = pool.table("roster")
    if not roster.empty:
        on_duty = roster[(roster["duty_status"] == "在岗") & (roster["is_enforcer"] == True)]  # noqa: E712
        parts.append(on_duty.groupby(FILE).size().rename("value").reset_index().assign(measure="staff"))
    trainings = pool.table("trainings")
    if not trainings.empty:
        hours = trainings.assign(value=pd.to_numeric(trainings["hours"].map(_number))).groupby(FILE)["value"].sum()
        parts.append(hours.reset_index().assign(measure="training_hours"))
    grid = pd.MultiIndex.from_product([pool.files[FILE], list(MEASURES)], names=[FILE, "measure"])
    found = pd.concat(parts).set_index([FILE, "measure"])["value"] if parts else pd.Series(dtype=float)
    totals = found.astype(float).reindex(grid, fill_value=0.0).reset_index()
    return totals.join(pool.files.set_index(FILE)[["unit_code", "period", "kept", "new"]], on=FILE)


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def months_back(period: str, months: int) -> str:
    """The period `months` months before `period`."""
    year, month = divmod(int(period[:4]) * 12 + int(period[5:]) - 1 - months, 12)
    return f"{year}-{month + 1:02d}"


def total_bounds(pool: Pool, thresholds: Thresholds) -> pd.DataFrame:
    """The TOTALS frame: each new file's totals with the bounds its unit's history gives
    (the kept files of the `months` periods before its own; none with fewer than
    `min_months`): the median ± the larger of z × the robust spread (MAD / 0.6745, or
    1.2533 × the mean absolute deviation when MAD is 0) and the minimum difference. The
    lower bound only for a snapshot (MEASURES.both_ways)."""
    totals = month_totals(pool)
    new = totals[totals["new"]].assign(start=lambda t: t["period"].map(lambda p: months_back(p, thresholds.months)))
    history = totals[totals["kept"]][["unit_code", "measure", "period", "value"]]
    # Each new total beside its unit's totals of the window, in one merge (a district-year is
    # thousands of totals: a filter each would take seconds).
    pairs = new.merge(history, on=["unit_code", "measure"], suffixes=("", "_then"))
    pairs = pairs[(pairs["period_then"] < pairs["period"]) & (pairs["period_then"] >= pairs["start"])]
    stats = pairs.groupby([FILE, "measure"])["value_then"].agg(["count", "median", "mean"])
    pairs = pairs.join(stats, on=[FILE, "measure"])
    pairs["mad"] = (pairs["value_then"] - pairs["median"]).abs()
    pairs["mean_ad"] = (pairs["value_then"] - pairs["mean"]).abs()
    stats = stats.join(pairs.groupby([FILE, "measure"]).agg(mad=("mad", "median"), mean_ad=("mean_ad", "mean")))
    stats = stats[stats["count"] >= thresholds.min_months]
    frame = new.join(stats, on=[FILE, "measure"], how="inner")
    spread = np.where(frame["mad"] > 0, frame["mad"] / 0.6745, 1.2533 * frame["mean_ad"])
    floor = np.where(frame["measure"] == "fines", thresholds.min_amount, thresholds.min_count)
    reach = np.maximum(thresholds.z * spread, floor)
    both = frame["measure"].map(lambda m: MEASURES[m].both_ways).to_numpy(dtype=bool)
    frame = frame.assign(**{HIGH: frame["median"] + reach, LOW: np.where(both, frame["median"] - reach, np.nan),
                            "months": frame["count"]})
    frame = frame[[FILE, "measure", "value", HIGH, LOW, "months", "mean", "median"]].sort_values(
        [FILE, "measure"]).reset_index(drop=True)
    frame.insert(1, ROW, range(len(frame)))  # a total's "row": what the expectations point back to
    return frame


def amount_bounds(pool: Pool, thresholds: Thresholds) -> pd.DataFrame:
    """The AMOUNTS frame: each amount of a new file with its bound — the larger of
    amount_factor × the largest amount of its unit's earlier kept files and the
    amount_percentile of the district's earlier amounts (in the window); no bound where the
    unit has reported no amount before."""
    decisions = pool.table("decisions")
    columns = [FILE, ROW, "fine", BOUND, "unit_max", "percentile"]
    if decisions.empty:
        return pd.DataFrame(columns=columns)
    amounts = decisions.assign(amount=pd.to_numeric(decisions["fine"].map(_number)))
    amounts = amounts[amounts["amount"] > 0]
    history = amounts[amounts["kept"]]
    rows = []
    for period, new in amounts[amounts["new"]].groupby("period"):
        window = history[(history["period"] < period) & (history["period"] >= months_back(period, thresholds.months))]
        if window.empty:
            continue
        percentile = float(np.percentile(window["amount"], thresholds.amount_percentile))
        largest = window.groupby("unit_code")["amount"].max()
        unit_max = new["unit_code"].map(largest)
        bound = np.maximum(thresholds.amount_factor * unit_max, percentile)
        rows.append(pd.DataFrame({FILE: new[FILE], ROW: new[ROW], "fine": new["amount"], BOUND: bound,
                                  "unit_max": unit_max, "percentile": percentile}).dropna(subset=[BOUND]))
    return pd.concat(rows) if rows else pd.DataFrame(columns=columns)


# The two checks on a frame, as rules for the Great Expectations runner (expectations.suites).
SIGNAL_RULES: tuple[Rule, ...] = (
    Rule("signal.total.high", TOTALS, "value", "at_least", "", "warning", {"column": HIGH, "floor": "value"}),
    Rule("signal.total.low", TOTALS, "value", "at_least", "", "warning", {"column": "value", "floor": LOW}),
    Rule("signal.amount", AMOUNTS, "fine", "at_least", "", "warning", {"column": BOUND, "floor": "fine"}),
)


def money(amount: float) -> str:
    """An amount as a clerk reads it: 元, and 万元 from ten thousand."""
    return f"{amount / 10_000:,.2f} 万元" if abs(amount) >= 10_000 else f"{amount:,.2f} 元"


def quantity(measure: str, value: float) -> str:
    if measure == "fines":
        return money(value)
    return f"{value:g} {MEASURES[measure].unit}"


def total_words(row) -> str:
    """本月罚没金额 120.00 万元，是过去 6 个月平均的 40 倍，请核实是否多填了位数."""
    measure, value, months, mean = row["measure"], row["value"], row["months"], row["mean"]
    said = MEASURES[measure]
    if value < row["median"]:
        return (f"本月{said.label} {quantity(measure, value)}，过去 {months} 个月平均 {quantity(measure, mean)}，"
                f"明显减少，请核实{said.hint}")
    compared = (f"是过去 {months} 个月平均的 {value / mean:.0f} 倍" if mean and value / mean >= 2
                else f"过去 {months} 个月平均 {quantity(measure, mean)}")
    return f"本月{said.label} {quantity(measure, value)}，{compared}，请核实{said.hint}"


def amount_words(row, thresholds: Thresholds) -> str:
    return (f"罚没金额 {money(row['fine'])}，超过本单位此前最大金额（{money(row['unit_max'])}）的 "
            f"{thresholds.amount_factor:g} 倍，也高于全区此前 {thresholds.amount_percentile:g}% 的金额，"
            "请核实是否多填了位数")


def frame_signals(failed: dict[str, set[tuple[int, int]]], totals: pd.DataFrame, amounts: pd.DataFrame,
                  pool: Pool, thresholds: Thresholds) -> list[Signal]:
    """The signals of the rows the expectations found outside their bounds (`failed`: rule id
    → (file, row) pairs; a total's row is its number in `totals`)."""
    files = pool.files.set_index(FILE)
    found = []
    outside = failed.get("signal.total.high", set()) | failed.get("signal.total.low", set())
    by_total = totals.set_index(ROW)
    for index in sorted(row for _, row in outside):
        row = by_total.loc[index]
        file = files.loc[row[FILE]]
        found.append(Signal(SignalKind.TOTAL, int(row[FILE]), file["unit_code"], file["period"], row["measure"],
                            total_words(row), value=quantity(row["measure"], row["value"])))
    header = SHEETS_BY_NAME["decisions"].column("fine").header
    by_row = amounts.set_index([FILE, ROW])
    decisions = pool.table("decisions").set_index([FILE, ROW])
    for file_id, excel_row in sorted(failed.get("signal.amount", set())):
        row, file = by_row.loc[(file_id, excel_row)], files.loc[file_id]
        found.append(Signal(SignalKind.AMOUNT, int(file_id), file["unit_code"], file["period"],
                            str(decisions.loc[(file_id, excel_row), "decision_no"]), amount_words(row, thresholds),
                            "执法决定", int(excel_row), header, f"{row['fine']:.2f}"))
    return found
