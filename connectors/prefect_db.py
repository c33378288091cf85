"""Prefect's own records, for housekeeping: the finished flow runs of some flows older than a
cutoff, deleted through Prefect's API with their task runs, logs and artifacts; and Prefect's
SQLite file compacted. Prefect keeps every run forever otherwise (its own clean-up of old runs
is off by default and cannot spare the runs worth keeping)."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Collection
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterId,
    FlowRunFilterState,
    FlowRunFilterStateType,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import StateType
from prefect.exceptions import ObjectNotFound
from prefect.settings import get_current_settings
from sqlalchemy.engine import make_url

FINISHED = [StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED]
PAGE = 200  # Prefect's API answers at most this many of anything at once
BULK = 50  # and deletes at most this many runs at once


def _old(flows: Collection[str], before: dt.datetime) -> dict:
    """The filter of the finished runs of `flows` due to start before `before` (a run that never
    started is still a run of its scheduled time); a run still going is never touched."""
    return {"flow_filter": FlowFilter(name=FlowFilterName(any_=list(flows))),
            "flow_run_filter": FlowRunFilter(expected_start_time=FlowRunFilterExpectedStartTime(before_=before),
                                             state=FlowRunFilterState(type=FlowRunFilterStateType(any_=FINISHED)))}


def count_old_runs(flows: Collection[str], before: dt.datetime) -> int:
    with get_client(sync_client=True) as client:
        return client.count_flow_runs(**_old(flows, before))


def delete_old_runs(flows: Collection[str], before: dt.datetime, logs_wait_s: float = 120) -> int:
    """Delete those runs, their artifacts first (Prefect keeps a deleted run's artifacts), then
    the runs BULK at a time (their task runs go with them, and Prefect deletes their logs soon
    after, on its own; one by one, a run takes Prefect most of a second); wait up to
    `logs_wait_s` for those logs to be gone, so that compacting next frees their room too. How
    many runs were deleted."""
    deleted: list[str] = []  # the ids, as the API gives them back
    with get_client(sync_client=True) as client:
        while runs := client.read_flow_runs(**_old(flows, before), limit=BULK):
            ids = [run.id for run in runs]
            artifacts = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=ids))
            while found := client.read_artifacts(artifact_filter=artifacts, limit=PAGE):
                for artifact in found:
                    with contextlib.suppress(ObjectNotFound):  # deleted meanwhile: gone either way
                        client.delete_artifact(artifact.id)
            chosen = FlowRunFilter(id=FlowRunFilterId(any_=ids)).model_dump(mode="json", exclude_unset=True)
            deleted += client.request("POST", "/flow_runs/bulk_delete",
                                      json={"flow_runs": chosen, "limit": BULK}).json()["deleted"]
        deadline = time.monotonic() + logs_wait_s
        while any(client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=deleted[i:i + PAGE])), limit=1)
                  for i in range(0, len(deleted), PAGE)) and time.monotonic() < deadline:
            time.sleep(1)
    return len(deleted)


def database_file() -> Path | None:
    """Prefect's SQLite file, as this machine's Prefect settings name it (the server's own on
    one server: the same PREFECT_HOME); None when Prefect keeps its records in PostgreSQL."""
    url = make_url(get_current_settings().server.database.connection_url.get_secret_value())
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def size(path: Path) -> int:
    """The file's bytes with its write-ahead log: what the disk holds."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def compact(path: Path, wait_s: float = 60) -> None:
    """Give the room of what was deleted back to the disk (VACUUM), waiting up to `wait_s` for
    the server's own writes; the write-ahead log is then emptied into the file."""
    with sqlite3.connect(path, timeout=wait_s, isolation_level=None) as connection:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
