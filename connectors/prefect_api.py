"""The Prefect server, as `xzzf doctor` asks it (read only): does its API answer, and which
workers of the work pool are online. The server is PREFECT_API_URL; unset, there is none to
ask (the command line then runs its flows on a temporary server of its own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
