import datetime as dt
import json
import os
from pathlib import Path

import pytest

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _prefect(prefect_harness):
    """Every flow test runs real Prefect flow runs against the session's test API."""


def set_mtime(path: Path, moment: dt.datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BEIJING)


class Env:
    """An inbox, an output folder and a SQLite store for one test."""

    def __init__(self, root: Path):
        self.inbox, self.out = root / "inbox", root / "out"
        self.inbox.mkdir()
        self.db = f"sqlite:///{root / 'xzzf.db'}"

    def intake(self, as_of, **options) -> dict:
        from flows.intake import intake

        path = intake(as_of=as_of, inbox=str(self.inbox), out=str(self.out), db=self.db, **options)
        return json.loads(Path(path).read_text(encoding="utf-8"))

    def monthly(self, period, as_of, **options) -> dict:
        from flows.monthly import monthly

        path = monthly(period=period, as_of=as_of, inbox=str(self.inbox), out=str(self.out),
                       db=self.db, **options)
        return json.loads(Path(path).read_text(encoding="utf-8"))


@pytest.fixture
def env(tmp_path):
    return Env(tmp_path)


def by_path(report: dict) -> dict[str, dict]:
    return {entry["path"]: entry for entry in report["files"]}
