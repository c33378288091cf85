"""The Prefect server: as `xzzf doctor` asks it (read only) — does its API answer, and which
workers of the work pool are online —, the deployment forms' unit lists, and its own records
for housekeeping. The server is PREFECT_API_URL; unset, there is none to ask (the command line
then runs its flows on a temporary server of its own).

The forms: Prefect builds a deployment's form from the flow's signature when it is deployed,
so a list that follows the registry is written into the stored form afterwards — by
deployments/deploy.sh, and by any deployed run whose registry differs from it. Both of
Prefect's UIs render a JSON-schema `enum` as a select (an `enum` in `items`: one that takes
several) and show each value as it is; neither shows titles beside values, so a value carries
the unit's name (flows.parameters.unit_choice). The server validates a run's parameters
against the same schema: a value not in the list is refused before a run exists.

Its records: Prefect keeps every run forever otherwise (its own clean-up of old runs is off by
default and cannot spare the runs worth keeping); housekeeping deletes the finished flow runs
of some flows older than a cutoff, with their task runs, logs and artifacts, through the API,
and compacts Prefect's SQLite file."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import sqlite3
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentUpdate
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
from prefect.client.schemas.objects import StateType, WorkerStatus
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, get_current_settings
from sqlalchemy.engine import make_url

# The JSON-schema keyword (unknown to validators and forms, which ignore it) marking a
# field that names units: its choices are the registry's.
UNIT_FIELD = "xzzf_unit_field"
POOL = "xzzf"  # the work pool of prefect.yaml's deployments, created by deployments/deploy.sh


@dataclass(frozen=True)
class Worker:
    name: str
    online: bool  # the server's judgement: heartbeats arrive as often as the worker promised
    last_heartbeat: dt.datetime | None


def api_url() -> str | None:

    return PREFECT_API_URL.value() or None


def unanswered() -> str | None:
    """Why the server's health endpoint did not answer; None: it did."""

    with get_client(sync_client=True) as client:
        error = client.api_healthcheck()
    return None if error is None else (str(error).strip().splitlines() or [type(error).__name__])[0]


def pool_workers(pool: str = POOL) -> list[Worker] | None:
    """The workers the server knows in `pool` (None: no such pool), most recent heartbeat first."""

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            return None
        found = client.read_workers_for_work_pool(pool)
    workers = [Worker(w.name, w.status == WorkerStatus.ONLINE, w.last_heartbeat_time) for w in found]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(workers, key=lambda w: w.last_heartbeat or oldest, reverse=True)


def with_choices(schema: dict, choices: list[str]) -> dict:
    """`schema` (a deployment's parameter schema) with every unit field limited to `choices`."""
    schema = copy.deepcopy(schema)
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        if not field.get(UNIT_FIELD):
            continue
        if field.get("type") == "array":
            field["items"] = {"type": "string", "enum": list(choices)}
        else:
            field["enum"] = list(choices)
            if name not in required:
                # An optional one's empty default ("": all units) is not a choice: the form
                # would start with a value the server refuses. Left out, the flow's default holds.
                field.pop("default", None)
    return schema


def offer_choices(choices: list[str]) -> list[str]:
    """Write `choices` into every deployment's unit fields where they differ; the names of
    the deployments changed."""

    changed = []
    with get_client(sync_client=True) as client:
        for deployment in client.read_deployments():
            schema = deployment.parameter_openapi_schema or {}
            wanted = with_choices(schema, choices)
            if wanted != schema:
                client.update_deployment(deployment.id, DeploymentUpdate(parameter_openapi_schema=wanted))
                changed.append(deployment.name)
    return changed


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
