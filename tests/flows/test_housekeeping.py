"""Housekeeping (issue 24 item 5): the routine runs due more than XZZF_PREFECT_KEEP_DAYS before
the as-of date are deleted from Prefect with their task runs, logs and artifacts; the monthly
collections, annual reports and decisions are kept, and so is every newer or unfinished run;
Prefect's SQLite file shrinks. Runs are made through Prefect's API, dated in the past."""

import datetime as dt
import importlib

import pytest
import yaml
from prefect import Flow, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import ArtifactCreate, LogCreate
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
from prefect.exceptions import ObjectNotFound
from prefect.states import Completed, Failed, Running, Scheduled

from connectors import prefect_api
from flows.housekeeping import ROUTINE, housekeeping
from tests.test_prefect_yaml import ROOT

AS_OF = dt.date(2026, 1, 1)
CUTOFF = dt.datetime(2026, 1, 1, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(days=180)
OLD, NEW = CUTOFF - dt.timedelta(days=1), CUTOFF + dt.timedelta(days=1)


@task
def step():
    """A task of a made run (never called)."""


def made(client, flow_name: str, due: dt.datetime, end=Completed, lines: int = 150) -> dict:
    """A run of `flow_name` scheduled for `due`, ended as `end`, with two task runs, log lines
    of 1 kB (one page of the API's answer) and an artifact; its ids."""
    run = client.create_flow_run(Flow(lambda: None, name=flow_name), state=Scheduled(scheduled_time=due))
    client.set_flow_run_state(run.id, end(), force=True)
    tasks = [client.create_task_run(step, run.id, dynamic_key=str(n), state=Completed()).id for n in range(2)]
    client.create_logs([LogCreate(name="xzzf", level=20, message=f"{n:04d} " + "记" * 330, timestamp=due,
                                  flow_run_id=run.id, task_run_id=tasks[n % 2]) for n in range(lines)])
    artifact = client.create_artifact(ArtifactCreate(key=f"units-{flow_name}", type="markdown", data="## 表" * 200,
                                                     flow_run_id=run.id, task_run_id=tasks[0]))
    return {"run": run.id, "tasks": tasks, "artifact": artifact.id}


def held(client, ids: dict) -> tuple[bool, int, int, int]:
    """Whether the run is there, and how many of its task runs, artifacts and log lines."""
    try:
        client.read_flow_run(ids["run"])
    except ObjectNotFound:
        there = False
    else:
        there = True
    tasks = sum(1 for t in ids["tasks"] if _exists(client.read_task_run, t))
    artifacts = len(client.read_artifacts(artifact_filter=ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[ids["run"]]))))
    logs = len(client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[ids["run"]]))))
    return there, tasks, artifacts, logs


def _exists(read, object_id) -> bool:
    try:
        read(object_id)
    except ObjectNotFound:
        return False
    return True


def test_every_routine_flow_is_a_deployed_flow():
    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    names = set()
    for deployment in deployments:
        path, function = deployment["entrypoint"].split(":")
        names.add(getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), function).name)
    assert set(ROUTINE) <= names and {"monthly-collection", "annual-report", "adjust-month"} <= names - set(ROUTINE)


def test_old_routine_runs_go_with_their_tasks_logs_and_artifacts_the_rest_stay_and_the_file_shrinks(env):
    with get_client(sync_client=True) as client:
        old = [made(client, "intake", OLD - dt.timedelta(hours=h)) for h in range(4)]
        old.append(made(client, "reminders", OLD, end=Failed))
        kept = {name: made(client, name, OLD) for name in ("monthly-collection", "annual-report", "adjust-month")}
        kept["newer"] = made(client, "intake", NEW)
        kept["still running"] = made(client, "intake", OLD, end=Running)
    database = prefect_api.database_file()
    assert database and database.exists()

    dry = housekeeping(as_of=AS_OF, dry_run=True)
    assert "试运行" in dry and "intake 4 个，reminders 1 个" in dry
    with get_client(sync_client=True) as client:
        assert held(client, old[0]) == (True, 2, 1, 150)

    before = prefect_api.size(database)
    done = housekeeping(as_of=AS_OF)
    assert "已删除 5 个运行" in done and f"Prefect 数据库 {database}" in done
    with get_client(sync_client=True) as client:
        assert [held(client, ids) for ids in old] == [(False, 0, 0, 0)] * len(old)
        assert {name: held(client, ids) for name, ids in kept.items()} == {name: (True, 2, 1, 150) for name in kept}
    assert prefect_api.size(database) < before - 5 * 150 * 1000


@pytest.mark.parametrize("days", ["6", "x"])
def test_a_wrong_keep_setting_is_refused_and_nothing_is_deleted(env, days):
    env.use(prefect_keep_days=days)
    state = housekeeping(as_of=AS_OF, return_state=True)
    assert state.is_failed() and "XZZF_PREFECT_KEEP_DAYS" in state.message
