import datetime as dt

import pytest
from sqlalchemy import func, select

from connectors.store import NewSubmission, Store
from connectors.store_schema import data_tables

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
    from sqlalchemy.exc import IntegrityError

    store.record_scan(T0, [submission("a")])
    with pytest.raises(IntegrityError):
        store.record_scan(T0, [submission("a")])
    assert len(store.known()) == 1
