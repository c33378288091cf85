"""Issue 10, item 1, in the store: a scan dated in the future counts for nothing when a later
scan asks for the last scan, and repair_future_scans undoes what it did (SQLite and PostgreSQL)."""

import datetime as dt

import pytest

from connectors.store import NewSubmission, Store

UTC = dt.UTC
LIMIT = dt.datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC)  # the end of a Beijing day
FUTURE = dt.datetime(2099, 12, 31, 15, 59, 59, tzinfo=UTC)


def t(day: int, hour: int = 2) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=UTC)


def new(sha: str, mtime: dt.datetime, arrival: dt.datetime, *, unit: str = "SFJ") -> NewSubmission:
    return NewSubmission(
        folder=unit, sha256=sha, path=f"{unit}/{sha}.xlsx", size=1, mtime=mtime, arrival_at=arrival,
        unit_code=unit, period="2026-10", fill_date=dt.date(2026, 11, 3), accepted=True,
        info={"单位编码": unit}, errors=[], warnings=[], rows={})


@pytest.fixture
def store(database_url):
    store = Store(database_url)
    store.migrate()
    yield store
    store.engine.dispose()


def test_the_last_scan_for_a_scan_is_the_latest_at_or_before_it(store):
    store.record_scan(t(4), [])
    store.record_scan(FUTURE, [])
    assert store.last_scan(t(6)) == t(4)
    assert store.last_scan(t(4)) == t(4)
    assert store.last_scan(t(3)) is None


def test_future_scans_are_re_dated_or_removed_and_the_arrivals_they_raised_recomputed(store):
    store.record_scan(FUTURE, [])  # the very first scan, nothing recorded: nothing to date it by
    store.record_scan(t(2), [])
    store.record_scan(FUTURE + dt.timedelta(days=1), [new("own", t(3), t(3))])  # it saw a file of 3 November
    store.record_scan(t(6), [
        new("late", t(1), FUTURE + dt.timedelta(days=1)),  # an old mtime: arrives after the scan before its own
        new("early", t(4), FUTURE + dt.timedelta(days=1)),
        new("skewed", FUTURE + dt.timedelta(days=9), FUTURE + dt.timedelta(days=9), unit="ZRZY"),  # a wrong clock
    ])
    store.record_scan(t(7), [new("fix", t(7), t(7))])  # a correction for SFJ, sitting under "early"
    assert {sha: s.status for (_, sha), s in store.known().items()}["fix"] == "superseded"

    repair = store.repair_future_scans(LIMIT)

    assert repair.scans == [(FUTURE, None), (FUTURE + dt.timedelta(days=1), t(3))]
    assert repair.arrivals == [("SFJ/late.xlsx", FUTURE + dt.timedelta(days=1), t(3)),
                               ("SFJ/early.xlsx", FUTURE + dt.timedelta(days=1), t(4))]
    known = {sha: s for (_, sha), s in store.known().items()}
    assert {sha: s.arrival_at for sha, s in known.items()} == {
        "own": t(3), "late": t(3), "early": t(4), "skewed": FUTURE + dt.timedelta(days=9), "fix": t(7)}
    assert {sha: s.status for sha, s in known.items()} == {
        "own": "superseded", "late": "superseded", "early": "superseded", "skewed": "accepted", "fix": "accepted"}
    assert store.last_scan() == t(7)
    assert store.repair_future_scans(LIMIT) == type(repair)([], [])
