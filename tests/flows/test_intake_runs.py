"""Intake and monthly runs over time: arrival, re-runs, dry runs, kills, limits."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectors.inbox import Inbox
from connectors.store import Store
from connectors.store_schema import data_tables, scans, submissions
from flows import intake_steps
from tests.builders import write_workbook
from tests.flows.conftest import at, by_path, set_mtime
from xzzf.settings import load_settings
from xzzf.units import SAMPLE_REGISTRY, load_registry


def tree(root: Path) -> dict:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def counts(db: str) -> tuple[int, int, int]:
    with Store(db).engine.connect() as connection:
        return tuple(connection.execute(select(func.count()).select_from(t)).scalar()
                     for t in (scans, submissions, data_tables["roster"]))


def test_a_copy_with_an_old_mtime_counts_from_the_scan_that_missed_it(env):
    write_workbook(env.inbox / "SFJ" / "a.xlsx")
    set_mtime(env.inbox / "SFJ" / "a.xlsx", at("2026-11-03"))
    first = env.intake(at("2026-11-06", "10:00"))
    late_copy = write_workbook(env.inbox / "ZRZY" / "a.xlsx", "ZRZY")
    set_mtime(late_copy, at("2026-11-01"))  # copied in after the 10:00 scan, keeping an old mtime
    before = tree(env.inbox)
    second = env.intake(at("2026-11-06", "11:00"))
    known = {sha: s for (_, sha), s in Store(env.db).known().items()}
    sfj, zrzy = (known[by_path(second)[p]["sha256"]] for p in ("SFJ/a.xlsx", "ZRZY/a.xlsx"))
    assert sfj.arrival_at == at("2026-11-03")  # first scan ever: the mtime alone
    assert zrzy.arrival_at == at("2026-11-06", "10:00")
    assert (first["units"]["SFJ"], second["units"]["ZRZY"]) == ("on_time", "late")
    assert tree(env.inbox) == before  # the inbox is never written to


def test_a_file_still_being_written_is_left_pending_for_the_next_run(env, tmp_path):
    path = set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx"), at("2026-11-03"))

    class GrowingInbox(Inbox):
        def read(self, item):
            data = super().read(item)
            with (self.root / item.path).open("ab") as out:  # the clerk's copy goes on
                out.write(b"\0")
            return data

    settings = load_settings(inbox=env.inbox, out=tmp_path / "o")
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    scan = intake_steps.examine(GrowingInbox(env.inbox), settings, load_registry(SAMPLE_REGISTRY),
                                store, at("2026-11-06"), at("2026-11-06"))
    assert [(e.path, e.status) for e in scan.entries] == [("SFJ/a.xlsx", "pending")] and not scan.new
    set_mtime(write_workbook(path), at("2026-11-03"))
    assert by_path(env.intake(at("2026-11-06")))["SFJ/a.xlsx"]["status"] == "accepted"


def test_a_dry_run_records_archives_and_loads_nothing(env):
    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx"), at("2026-11-03"))
    report = env.intake(at("2026-11-06"), dry_run=True)
    assert by_path(report)["SFJ/a.xlsx"]["status"] == "accepted"
    assert counts(env.db) == (0, 0, 0)
    assert not (env.out / "archive").exists()
    assert list((env.out / "runs").iterdir()) == [env.out / "runs" / "dry-run"]


def test_the_monthly_run_reports_the_period_for_only_the_units_asked(env):
    write_workbook(env.inbox / "SFJ" / "a.xlsx")
    write_workbook(env.inbox / "ZRZY" / "a.xlsx", "ZRZY")
    set_mtime(env.inbox / "SFJ" / "a.xlsx", at("2026-11-03"))
    report = env.monthly("2026-10", dt.date(2026, 11, 4), only_units=["SFJ", "SCJG"])
    assert report["units"] == {"SFJ": "on_time", "SCJG": "not_due"}
    assert [e["path"] for e in report["files"]] == ["SFJ/a.xlsx"]
    assert (env.out / "runs" / "2026-10" / "run-report.json").exists()
    tables = {key: json.loads(latest_artifact(key).data) for key in ("units-2026-10", "submissions-2026-10")}
    assert [(row["单位编码"], row["状态"]) for row in tables["units-2026-10"]] == [("SFJ", "按时"), ("SCJG", "未到期")]
    assert [row["文件"] for row in tables["submissions-2026-10"]] == ["SFJ/a.xlsx"]


def latest_artifact(key):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                                     sort=ArtifactSort.CREATED_DESC, limit=1)[0]


KILLER = """
import os, signal, sys
stage = sys.argv[1]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
import connectors.store, flows.intake_steps
if stage == "after-archive":
    connectors.store.Store.record_scan = die
elif stage == "inside-load":
    insert = connectors.store.Store._insert_rows
    def insert_then_die(connection, rows):
        insert(connection, dict(list(rows.items())[:2]))  # some tables written, then killed
        die()
    connectors.store.Store._insert_rows = staticmethod(insert_then_die)
elif stage == "before-report":
    flows.intake_steps.write_run_report = die
from cli import app
app(["intake", *sys.argv[2:]])
"""


@pytest.mark.parametrize("stage", ["after-archive", "inside-load", "before-report"])
def test_a_run_killed_at_any_stage_leaves_no_half_loaded_submission(env, tmp_path, stage):
    from prefect.settings import get_current_settings

    for unit in ("SFJ", "ZRZY", "NYNC"):
        set_mtime(write_workbook(env.inbox / unit / "a.xlsx", unit), at("2026-11-03"))
    environment = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url),
                   "PREFECT_HOME": str(tmp_path / "prefect-home")}
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, stage, "--inbox", str(env.inbox), "--out", str(env.out),
         "--db", env.db, "--as-of", "2026-11-06"],
        env=environment, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-2000:]
    expected_after_kill = (1, 3, 6) if stage == "before-report" else (0, 0, 0)
    assert counts(env.db) == expected_after_kill
    report = env.intake(dt.date(2026, 11, 6))
    assert [e["status"] for e in report["files"]] == ["accepted"] * 3
    assert counts(env.db) == (expected_after_kill[0] + 1, 3, 6)


def test_a_wrong_setting_stops_the_command_naming_it(env, monkeypatch):
    from typer.testing import CliRunner

    from cli import app

    monkeypatch.setenv("XZZF_DUE_DAY", "35")
    result = CliRunner().invoke(app, ["intake", "--inbox", str(env.inbox), "--out", str(env.out)])
    assert result.exit_code == 2 and "XZZF_DUE_DAY" in result.output
    monkeypatch.delenv("XZZF_DUE_DAY")
    result = CliRunner().invoke(app, ["monthly", "--period", "2025-13", "--inbox", str(env.inbox),
                                      "--out", str(env.out)])
    assert result.exit_code == 2 and "period" in result.output  # fails before any file is read
    result = CliRunner().invoke(app, ["intake", "--inbox", str(env.inbox / "nope"), "--out", str(env.out)])
    assert result.exit_code == 2 and "收件文件夹不存在" in result.output


def test_the_command_runs_the_flow_and_prints_the_report_path(env):
    from typer.testing import CliRunner

    from cli import app

    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx"), at("2026-11-03"))
    env.use(inbox=None, out=None, database_url=None)  # the flags alone: the store is the default under --out
    result = CliRunner().invoke(app, ["monthly", "--period", "2026-10", "--inbox", str(env.inbox),
                                      "--out", str(env.out), "--as-of", "2026-11-04", "--only", "SFJ"])
    assert result.exit_code == 0, result.output
    report = json.loads(Path(result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8"))
    assert report["units"] == {"SFJ": "on_time"} and (env.out / "xzzf.db").exists()


def test_a_defect_inside_a_run_is_not_a_user_error(env, monkeypatch):
    """A ValueError raised by our own code inside a flow is a defect: exit code 1 with its
    traceback, not exit code 2 with a message that blames the settings."""
    from typer.testing import CliRunner

    from cli import app
    from flows import intake_steps

    def broken(*args, **kwargs):
        raise ValueError("a bug of ours")

    monkeypatch.setattr(intake_steps, "examine", broken)
    result = CliRunner().invoke(app, ["intake", "--inbox", str(env.inbox), "--out", str(env.out),
                                      "--db", env.db, "--as-of", "2026-11-06"])
    assert result.exit_code == 1 and isinstance(result.exception, ValueError)
