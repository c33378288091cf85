"""The Prefect server's API: as `xzzf doctor` asks it (read only) — does its API answer, and
which workers of the work pool are online — and the deployment forms' unit lists. The server
is PREFECT_API_URL; unset, there is none to ask (the command line then runs its flows on a
temporary server of its own). Prefect is imported inside each function: `xzzf doctor` without
a server never pays for importing it.

The forms: Prefect builds a deployment's form from the flow's signature when it is deployed,
so a list that follows the registry is written into the stored form afterwards — by
deployments/deploy.sh, and by any deployed run whose registry differs from it. Both of
Prefect's UIs render a JSON-schema `enum` as a select (an `enum` in `items`: one that takes
several) and show each value as it is; neither shows titles beside values, so a value carries
the unit's name (flows.parameters.unit_choice). The server validates a run's parameters
against the same schema: a value not in the list is refused before a run exists."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

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
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def unanswered() -> str | None:
    """Why the server's health endpoint did not answer; None: it did."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        error = client.api_healthcheck()
    return None if error is None else (str(error).strip().splitlines() or [type(error).__name__])[0]


def pool_workers(pool: str = POOL) -> list[Worker] | None:
    """The workers the server knows in `pool` (None: no such pool), most recent heartbeat first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import WorkerStatus
    from prefect.exceptions import ObjectNotFound

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
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentUpdate

    changed = []
    with get_client(sync_client=True) as client:
        for deployment in client.read_deployments():
            schema = deployment.parameter_openapi_schema or {}
            wanted = with_choices(schema, choices)
            if wanted != schema:
                client.update_deployment(deployment.id, DeploymentUpdate(parameter_openapi_schema=wanted))
                changed.append(deployment.name)
    return changed
