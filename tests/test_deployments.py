"""The deployments for real: a `prefect server` on a free port, `prefect deploy --all`, a
worker on the pool, and a monthly run with custom parameters started through the API — what
the UI's Custom Run does."""

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import free_port

ROOT = Path(__file__).parents[1]
PREFECT = str(Path(sys.executable).parent / "prefect")


@contextlib.contextmanager
def prefect_server(home: Path, *, ui: bool = False):
    """A `prefect server` on a free port, with the UI or without, its state and the inbox and
    output folders under `home`; yields its environment and the processes to stop afterwards
    (add a worker there)."""
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home / "prefect-home"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "true" if ui else "false",
           "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "False", "XZZF_HOME": str(ROOT),
           "XZZF_INBOX": str(home / "inbox"), "XZZF_OUT": str(home / "out"), "XZZF_SETTLE_S": "0",
           "PREFECT_LOGGING_LEVEL": "INFO"}
    processes = [subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the Prefect server did not start"
                time.sleep(0.5)
        yield env, processes
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def server(tmp_path):
    with prefect_server(tmp_path) as started:
        yield started


def prefect(env, *args, timeout=300):
    done = subprocess.run([PREFECT, "--no-prompt", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.integration
def test_a_custom_monthly_run_through_the_api_completes_with_its_report(server, tmp_path):
    env, processes = server
    set_mtime(write_workbook(Path(env["XZZF_INBOX"]) / "SFJ" / "a.xlsx"), at("2026-11-03"))
    prefect(env, "work-pool", "create", "xzzf", "--type", "process")
    prefect(env, "work-pool", "set-concurrency-limit", "xzzf", "1")
    deployed = prefect(env, "deploy", "--all")
    assert "monthly-collection" in deployed
    processes.append(subprocess.Popen([PREFECT, "worker", "start", "--pool", "xzzf"], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    output = prefect(env, "deployment", "run", "monthly-collection/monthly-collection", "--param", "period=2026-10",
                     "--param", "as_of=2026-11-04", "--param", 'only_units=["SFJ"]', "--watch",
                     "--watch-timeout", "240", timeout=300)
    assert "Completed" in output, output[-2000:]
    report = json.loads((Path(env["XZZF_OUT"]) / "runs" / "2026-10" / "run-report.json").read_text(encoding="utf-8"))
    assert report["units"] == {"SFJ": "on_time"} and report["as_of"].startswith("2026-11-04")
    assert [f["status"] for f in report["files"]] == ["accepted"]
    request = urllib.request.Request(f"{env['PREFECT_API_URL']}/artifacts/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    keys = {a["key"] for a in json.loads(urllib.request.urlopen(request, timeout=10).read())}
    assert {"units-2026-10", "submissions-2026-10"} <= keys
