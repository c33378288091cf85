"""The signals that join units or months (plain pandas: each compares rows of different
files, which no expectation on one frame sees), and how a run's signals are settled: one
cause, one signal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal

import pandas as pd

from xzzf.indicators import INDICATORS
from xzzf.schema import SHEETS_BY_NAME
from xzzf.signals import FILE, ROW, Pool, Signal
from xzzf.vocabulary import SignalKind

LEDGERS = ("decisions", "complaints")
# Which figures of indicators.md a decision's column feeds: what a change to it changes.
FEEDS = {
    "decision_date": ("decisions_total",), "category": ("decisions_by_category",),
    "must_publish": ("publication_rate",), "publication": ("publication_rate", "withdrawal_pending"),
    "state": ("withdrawal_pending",), "on_spot": ("on_spot_filing_rate",), "filed": ("on_spot_filing_rate",),
    "is_major": ("major_review_rate",), "legal_reviewed": ("major_review_rate",),
    "on_platform": ("platform_entry_rate",), "transferred": ("transferred_to_judiciary",), "fine": ("fines_total",),
}
NEW_DECISION = ("decisions_total", "decisions_by_category")


def _named(code: str, names: Mapping[str, str]) -> str:
    return f"{names[code]}（{code}）" if code in names else code


def _header(sheet: str, column: str) -> str:
    return SHEETS_BY_NAME[sheet].column(column).header


def _earlier_elsewhere(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Each new row with the first row of another unit that has the same `key` in a file
    ranked before its own (stored files first, then the run's by arrival): of two files
    that share it, the later one carries the signal."""
    first = rows.sort_values("rank").drop_duplicates([*key, "unit_code"])
    pairs = rows[rows["new"]].merge(first, on=key, suffixes=("", "_other"))
    pairs = pairs[(pairs["unit_code_other"] != pairs["unit_code"]) & (pairs["rank_other"] < pairs["rank"])]
    return pairs.sort_values("rank_other").drop_duplicates([FILE, ROW])


def duplicate_decisions(pool: Pool, names: Mapping[str, str]) -> list[Signal]:
    """The same 决定文书号 in two units' files (of the pool: the history window)."""
    decisions = pool.table("decisions")
    decisions = decisions[decisions["kept"] | decisions["new"]]
    header = _header("decisions", "decision_no")
    return [Signal(SignalKind.DUPLICATE_DECISION, r[FILE], r["unit_code"], r["period"], r["decision_no"],
                   f"决定文书号“{r['decision_no']}”也出现在{_named(r['unit_code_other'], names)} "
                   f"{r['period_other']} 的报送中：同一决定只应由作出决定的单位填报，请核实文书号是否填错",
                   "执法决定", int(r[ROW]), header, r["decision_no"])
            for r in _earlier_elsewhere(decisions, ["decision_no"]).to_dict("records")]


def people_across_units(pool: Pool, names: Mapping[str, str]) -> list[Signal]:
    """One 执法证号 在岗 in two units' rosters of one month; one 执法证号 under two names."""
    roster = pool.table("roster")
    roster = roster[(roster["kept"] | roster["new"]) & roster["cert_no"].notna()]
    header = _header("roster", "cert_no")
    found = [Signal(SignalKind.PERSON_TWO_UNITS, r[FILE], r["unit_code"], r["period"], r["cert_no"],
                    f"执法证号“{r['cert_no']}”（{r['name']}）在{_named(r['unit_code_other'], names)} "
                    f"{r['period']} 的执法人员表中也是在岗：同一人同一月只能在一个单位在岗，请核实人员是否已调动",
                    "执法人员", int(r[ROW]), header, r["cert_no"])
             for r in _earlier_elsewhere(roster[roster["duty_status"] == "在岗"], ["period", "cert_no"])
             .to_dict("records")]
    named = roster.assign(name=roster["name"].str.strip())
    first = named.sort_values("rank").drop_duplicates(["cert_no", "name"])
    pairs = named[named["new"]].merge(first, on="cert_no", suffixes=("", "_other"))
    pairs = pairs[(pairs["name_other"] != pairs["name"]) & (pairs["rank_other"] < pairs["rank"])]
    found += [Signal(SignalKind.PERSON_TWO_NAMES, r[FILE], r["unit_code"], r["period"], r["cert_no"],
                     f"执法证号“{r['cert_no']}”在本表登记为“{r['name']}”，在{_named(r['unit_code_other'], names)} "
                     f"{r['period_other']} 的报送中为“{r['name_other']}”：同一执法证号只能属于一人，请核实姓名或证号",
                     "执法人员", int(r[ROW]), header, r["cert_no"])
              for r in pairs.sort_values("rank_other").drop_duplicates([FILE, ROW]).to_dict("records")]
    return found


def _previous(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def copied_months(pool: Pool) -> list[Signal]:
    """A file whose ledgers (执法决定, 投诉举报) are, row for row, those of its unit's previous
    month in force, and not empty: copied, not updated."""
    kept = {(u, p): f for u, p, f in pool.files[pool.files["kept"]][["unit_code", "period", FILE]].itertuples(
        index=False)}
    earlier = {row[FILE]: kept.get((row["unit_code"], _previous(row["period"])))
               for row in pool.new.to_dict("records")}
    compared = {*earlier, *(file for file in earlier.values() if file is not None)}  # only these are read
    contents: dict[str, dict[int, list[str]]] = {}
    for name in LEDGERS:
        table = pool.table(name)
        table = table[table[FILE].isin(compared)]
        values = table.drop(columns=[ROW, "unit_code", "period", "kept", "rank", "new", FILE])
        by_file = contents.setdefault(name, {})
        for file, row in zip(table[FILE], values.itertuples(index=False, name=None), strict=True):
            by_file.setdefault(file, []).append(_canonical(row))
    for by_file in contents.values():
        for rows in by_file.values():
            rows.sort()
    found = []
    for new in pool.new.to_dict("records"):
        before = earlier[new[FILE]]
        if before is None:
            continue
        now = [contents.get(name, {}).get(new[FILE], []) for name in LEDGERS]
        if any(now) and now == [contents.get(name, {}).get(before, []) for name in LEDGERS]:
            titles = "”“".join(SHEETS_BY_NAME[name].title for name in LEDGERS)
            found.append(Signal(SignalKind.COPIED_MONTH, new[FILE], new["unit_code"], new["period"], "",
                                f"本月“{titles}”台账与上月（{_previous(new['period'])}）报送的完全相同"
                                f"（共 {sum(map(len, now))} 行）：请核实是否忘记更新本月数据"))
    return found


def _canonical(row: tuple) -> str:
    """A row as its values, however it was read: a stored amount (Decimal 500.00) is the
    parsed one (500), a missing value is None."""
    def value(v):
        if v is None or v != v:
            return None
        return float(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else v
    return repr(tuple(map(value, row)))


def issued_years(pool: Pool, issued: Mapping[int, dt.datetime]) -> list[Signal]:
    """Decisions of a year whose annual report was issued before the file arrived, new or
    changed since their previous version: the issued figures they change, one signal per
    file and year."""
    decisions = pool.table("decisions")
    if decisions.empty or not issued:
        return []
    decisions = decisions.assign(year=decisions["decision_date"].map(lambda d: d.year if isinstance(d, dt.date)
                                                                      else None))
    arrivals = pool.files.set_index(FILE)["arrival_at"]
    late = decisions[decisions["new"] & decisions["year"].isin(list(issued))]
    late = late[[arrivals[f] >= issued[y] for f, y in zip(late[FILE], late["year"], strict=True)]]
    columns = list(FEEDS)
    earlier = decisions[decisions["kept"]]
    found = []
    for (file, year), rows in late.groupby([FILE, "year"]):
        before = earlier[(earlier["unit_code"] == rows["unit_code"].iloc[0])
                         & (earlier["period"] < rows["period"].iloc[0])].sort_values("period")
        before = before.drop_duplicates("decision_no", keep="last").set_index("decision_no")
        changed, figures = [], []
        for row in rows.to_dict("records"):
            if row["decision_no"] not in before.index:
                feeds = NEW_DECISION + (("fines_total",) if row["fine"] is not None and row["fine"] == row["fine"]
                                        else ())
            else:
                was = before.loc[row["decision_no"]]
                feeds = tuple(f for c in columns if not _same(row[c], was[c]) for f in FEEDS[c])
            if feeds:
                changed.append(int(row[ROW]))
                figures += [f for f in feeds if f not in figures]
        if changed:
            rows_said = "、".join(map(str, changed[:10])) + ("等" if len(changed) > 10 else "")
            named = "”“".join(INDICATORS[f].name for f in figures)
            found.append(Signal(SignalKind.ISSUED_YEAR, int(file), rows["unit_code"].iloc[0], rows["period"].iloc[0],
                                str(year), f"本文件有 {len(changed)} 条决定日期在 {year} 年的决定是新增或有改动"
                                f"（第 {rows_said} 行），而 {year} 年度报告已于 {issued[year]:%Y-%m-%d} 出具："
                                f"将改变该报告的“{named}”，请核实",
                                "执法决定", changed[0], _header("decisions", "decision_date"), str(year)))
    return found


def _same(a, b) -> bool:
    missing = (a is None or a != a, b is None or b != b)
    return all(missing) or (not any(missing) and a == b)


def settle(signals: list[Signal], verified: Collection[tuple] = ()) -> list[Signal]:
    """One cause, one signal: an amount's signal stands for its month's 罚没金额 total, a
    copied month's for its decisions', fines' and complaints' totals; a signal the 司法局
    verified (its key) is not raised again on a correction that keeps it."""
    amounts = {s.file for s in signals if s.kind == SignalKind.AMOUNT}
    copied = {s.file for s in signals if s.kind == SignalKind.COPIED_MONTH}

    def explained(s: Signal) -> bool:
        if s.kind != SignalKind.TOTAL:
            return False
        return (s.subject == "fines" and s.file in amounts) or (s.file in copied and s.subject != "staff"
                                                                 and s.subject != "training_hours")
    return [s for s in signals if not explained(s) and s.key not in set(verified)]
