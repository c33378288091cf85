"""prefect.yaml: every entrypoint imports as a flow, schedules fall at the right Beijing times."""

import asyncio
import datetime as dt
import importlib
import inspect
from pathlib import Path

import pytest
import yaml
from prefect import Flow

ROOT = Path(__file__).parents[1]
DEPLOYMENTS = {d["name"]: d for d in yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]}


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_every_entrypoint_is_a_flow_on_the_shared_pool(name):
    path, function = DEPLOYMENTS[name]["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert isinstance(getattr(module, function), Flow)
    assert DEPLOYMENTS[name]["work_pool"]["name"] == "xzzf"
    # The pool runs one at a time: a run started meanwhile shows as Late, which is no fault.
    assert "另一个运行正在使用数据库时，本运行排队等待（运行列表中显示为 Late）" in DEPLOYMENTS[name]["description"]
    # Every flow answers a refusal with a state (flows.artifacts.answered), not a traceback.
    assert getattr(module, function).fn.__wrapped__.__module__ == module.__name__


def next_runs(name, start, n):
    from prefect.server.schemas.schedules import CronSchedule

    [schedule] = DEPLOYMENTS[name]["schedules"]
    assert schedule["timezone"] == "Asia/Shanghai"
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    dates = cron.get_dates(n=n, start=start)
    dates = asyncio.run(dates) if inspect.iscoroutine(dates) else dates  # async in some Prefect versions
    return [dt.datetime.fromisoformat(str(d)).strftime("%m-%d %H:%M") for d in dates]


def test_the_schedules_fall_at_beijing_times():
    start = dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC)  # 00:00 on 6 November in Beijing
    assert next_runs("monthly-collection", start, 3) == ["11-06 08:00", "11-07 08:00", "11-08 08:00"]
    assert next_runs("monthly-collection", dt.datetime(2026, 11, 15, 1, tzinfo=dt.UTC), 1) == ["12-06 08:00"]
    assert next_runs("annual-report", start, 1) == ["01-10 09:00"]
    hourly = next_runs("intake", start, 14)
    assert hourly[0] == "11-06 08:00" and hourly[12] == "11-06 20:00" and hourly[13] == "11-07 08:00"
    assert "schedules" not in DEPLOYMENTS["templates"]
    # The backup after the day's last intake (20:00), every day.
    assert next_runs("backup", start, 2) == ["11-06 21:30", "11-07 21:30"]
