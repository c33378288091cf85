import contextlib
import datetime as dt
import json
import os
from pathlib import Path

import pytest

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _prefect(prefect_harness):
    """Every flow test runs real Prefect flow runs against the session's test API."""


def set_mtime(path: Path, moment: dt.datetime) -> Path:
    """The file arrives at `moment`: a run as of an earlier time does not see it."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BEIJING)


class Env:
    """An inbox, an output folder and a SQLite store for one test, set as a deployment sets
    them: XZZF_* in the environment."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.inbox, self.out = root / "inbox", root / "out"
        self.inbox.mkdir()
        self.db = f"sqlite:///{root / 'xzzf.db'}"
        self.monkeypatch = monkeypatch
        self.use(inbox=self.inbox, out=self.out, database_url=self.db)

    def use(self, **settings) -> None:
        """Change settings for the runs that follow (None: back to the default)."""
        for name, value in settings.items():
            if value is None:
                self.monkeypatch.delenv(f"XZZF_{name.upper()}", raising=False)
            else:
                self.monkeypatch.setenv(f"XZZF_{name.upper()}", str(value))

    def intake(self, as_of, **options) -> dict:
        from flows.intake import intake

        path = intake(as_of=as_of, **options)
        return json.loads(Path(path).read_text(encoding="utf-8"))

    def monthly(self, period, as_of, **options) -> dict:
        from flows.monthly import monthly

        path = monthly(period=period or "", as_of=as_of, **options)
        return json.loads(Path(path).read_text(encoding="utf-8"))

    def monthly_state(self, period, as_of, **options):
        """The monthly run's final state, as the API has it."""
        from prefect.client.orchestration import get_client

        from flows.monthly import monthly

        state = monthly(period=period, as_of=as_of, return_state=True, **options)
        with get_client(sync_client=True) as client:
            return client.read_flow_run(state.state_details.flow_run_id).state


@pytest.fixture
def env(tmp_path, monkeypatch):
    return Env(tmp_path, monkeypatch)


def by_path(report: dict) -> dict[str, dict]:
    return {entry["path"]: entry for entry in report["files"]}


def deployed(flow, **parameters):
    """Run `flow` as a worker runs a deployment's run: a flow run made first, then Prefect's
    engine with the run's logger for whatever escapes the flow. Its final state, as the API
    has it (what the run list shows)."""
    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow
    from prefect.logging.loggers import flow_run_logger

    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(flow, parameters=parameters)
    with contextlib.suppress(Exception):  # what a worker meets too; the state says what it was
        run_flow(flow, flow_run=flow_run, error_logger=flow_run_logger(flow_run))
    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run.id).state
