import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from connectors.store import NewSubmission, Store
from connectors.store_schema import data_tables, scans, submissions

T0 = dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)


def submission(sha, *, arrival=T0, accepted=True, fill=dt.date(2026, 11, 3), rows=None, unit="SFJ"):
    return NewSubmission(
        folder=unit, sha256=sha, path=f"{unit}/{sha}.xlsx", size=1, mtime=arrival, arrival_at=arrival,
        unit_code=unit, period="2026-10", fill_date=fill, accepted=accepted, info={"单位编码": unit},
        errors=[] if accepted else [{"message": "错"}], warnings=[],
        rows=rows if rows is not None else {"decisions": [
            {"excel_row": 2, "decision_no": f"D-{sha}", "fine": 12.5, "on_spot": False,
             "decision_date": dt.date(2026, 10, 9)}]},
    )


@pytest.fixture
def store(database_url):
    store = Store(database_url)
    store.migrate()
    store.migrate()  # idempotent
    yield store
    store.engine.dispose()


def statuses(store):
    return {sha: s.status for (_, sha), s in store.known().items()}


def test_a_later_accepted_file_supersedes_and_a_rejected_one_leaves_it_in_force(store):
    store.record_scan(T0, [submission("a")])
    store.record_scan(T0 + dt.timedelta(hours=1), [submission("b", arrival=T0 + dt.timedelta(hours=1))])
    store.record_scan(T0 + dt.timedelta(hours=2),
                      [submission("c", arrival=T0 + dt.timedelta(hours=2), accepted=False, rows={})])
    assert statuses(store) == {"a": "superseded", "b": "accepted", "c": "rejected"}
    rows = store.rows("decisions")
    assert [r["decision_no"] for r in rows] == ["D-b"] and rows[0]["unit_code"] == "SFJ"
    assert float(rows[0]["fine"]) == 12.5


def test_ties_on_arrival_go_to_the_later_fill_date_then_the_larger_hash(store):
    store.record_scan(T0, [submission("b", fill=dt.date(2026, 11, 4)), submission("a"),
                           submission("c", fill=dt.date(2026, 11, 4))])
    assert statuses(store) == {"a": "superseded", "b": "superseded", "c": "accepted"}


def test_an_earlier_arrival_recorded_later_does_not_take_over(store):
    store.record_scan(T0, [submission("b", arrival=T0 + dt.timedelta(days=1))])
    store.record_scan(T0 + dt.timedelta(days=2), [submission("a")])
    assert statuses(store) == {"a": "superseded", "b": "accepted"}


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(store, monkeypatch):
    store.record_scan(T0, [submission("a")])

    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_insert_rows", staticmethod(fail))
    with pytest.raises(RuntimeError):
        store.record_scan(T0 + dt.timedelta(hours=1), [submission("b", arrival=T0 + dt.timedelta(hours=1))])
    assert statuses(store) == {"a": "accepted"}
    assert store.last_scan() == T0
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(data_tables["decisions"])).scalar() == 1


def test_times_come_back_as_the_same_instant(store):
    beijing = dt.timezone(dt.timedelta(hours=8))
    moment = dt.datetime(2026, 11, 5, 23, 59, 59, tzinfo=beijing)
    store.record_scan(moment, [submission("a", arrival=moment)])
    assert store.last_scan() == moment
    assert store.submissions_for("2026-10")[0].arrival_at == moment


def test_the_same_bytes_in_one_folder_are_one_submission(store):
    store.record_scan(T0, [submission("a")])
    with pytest.raises(IntegrityError):
        store.record_scan(T0, [submission("a")])
    assert len(store.known()) == 1


def test_every_kind_of_value_comes_back_as_it_went_in(store):
    """The bulk write (COPY on PostgreSQL) stores what SQLAlchemy's insert did: money, dates,
    booleans, NULLs, text COPY would otherwise read as an escape or a NULL, JSON."""
    awkward = "制表\t换行\n反斜杠\\ \\N 'quotes\" ｜"
    decisions = [
        {"excel_row": 2, "decision_no": "D-1", "decision_date": dt.date(2026, 10, 9), "on_spot": True,
         "filed": False, "published_on": None, "fine": Decimal("1234567.89"), "state": "有效"},
        {"excel_row": 5, "decision_no": "D-2", "decision_date": dt.date(2000, 1, 1), "on_spot": None,
         "filed": None, "published_on": dt.date(2099, 12, 31), "fine": None, "state": None},
    ]
    trainings = [{"excel_row": 3, "name": awkward, "hours": 1.5}, {"excel_row": 4, "name": "", "hours": 6}]
    activities = [{"excel_row": 2, "held_on": dt.date(2026, 5, 6), "participants": 2_000_000_000}]
    info = {"单位编码": "ZRZY", "备注": awkward, "计数": {"a": [1, 2.5, None, True]}}
    warnings = [{"message": awkward, "row": 7, "value": None}]
    other = submission("b", unit="SFJ", rows={"decisions": [{**decisions[1], "excel_row": 9, "decision_no": "D-SFJ"}]})
    mine = submission("a", unit="ZRZY",
                      rows={"decisions": decisions, "trainings": trainings, "psych_activities": activities})
    mine = replace(mine, info=info, warnings=warnings)
    store.record_scan(T0, [other, mine])

    def stored(table):
        return [{k: v for k, v in row.items() if k not in ("id", "submission_id", "period")}
                for row in store.rows(table) if row["unit_code"] == "ZRZY"]

    assert [{k: r[k] for k in ("excel_row", *decisions[0])} for r in stored("decisions")] == decisions
    assert [type(r["fine"]) for r in stored("decisions")] == [Decimal, type(None)]
    assert [(r["name"], r["hours"]) for r in stored("trainings")] == [(awkward, 1.5), ("", 6.0)]
    assert [(r["held_on"], r["participants"]) for r in stored("psych_activities")] == [
        (dt.date(2026, 5, 6), 2_000_000_000)]
    assert [r["decision_no"] for r in store.rows("decisions") if r["unit_code"] == "SFJ"] == ["D-SFJ"]
    (known,) = [s for s in store.known().values() if s.unit_code == "ZRZY"]
    assert (known.info, known.warnings, known.errors, known.fill_date, known.arrival_at) == (
        info, warnings, [], dt.date(2026, 11, 3), T0)


def test_a_load_refused_midway_leaves_the_store_as_it_was(store):
    """The database refuses a row after whole tables and part of another were written (a
    missing 行号 here): nothing of the scan is kept, and the store takes the next scan."""
    store.record_scan(T0, [submission("a")])

    def counts():
        with store.engine.connect() as connection:
            return {name: connection.execute(select(func.count()).select_from(table)).scalar()
                    for name, table in {"scans": scans, "submissions": submissions, **data_tables}.items()}

    before = counts()
    progress = [{"excel_row": n, "task_no": n, "state": "长期坚持"} for n in range(2, 500)]
    refused = submission("b", arrival=T0 + dt.timedelta(hours=1))
    refused.rows["task_progress"] = [*progress, {"excel_row": None, "task_no": 1, "state": "长期坚持"}]
    with pytest.raises(IntegrityError):
        store.record_scan(T0 + dt.timedelta(hours=1), [submission("c", unit="ZRZY"), refused])
    assert counts() == before
    assert statuses(store) == {"a": "accepted"} and store.last_scan() == T0
    store.record_scan(T0 + dt.timedelta(hours=2), [submission("d", arrival=T0 + dt.timedelta(hours=2))])
    assert statuses(store) == {"a": "superseded", "d": "accepted"}
    assert [r["decision_no"] for r in store.rows("decisions")] == ["D-d"]
