"""kill -9 at every stage after the store commit, then a re-run: each 回执 and each mail
exists exactly once, none cut short, beside the data recorded once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from connectors.store import Store
from tests.builders import write_workbook
from tests.faults.runner import MOMENTS
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server, StallsOnQuit

pytestmark = pytest.mark.faults

ROOT = Path(__file__).parents[2]
AS_OF = "2026-11-06"


def unit_files(inbox: Path) -> None:
    """SFJ and SCJG have addresses in the sample registry, ZRZY has none; SCJG's is rejected."""
    write_workbook(inbox / "SFJ" / "a.xlsx")
    write_workbook(inbox / "SCJG" / "a.xlsx", "SCJG", drop_sheets=["投诉举报"])
    write_workbook(inbox / "ZRZY" / "a.xlsx", "ZRZY")
    for path in inbox.rglob("*.xlsx"):
        set_mtime(path, at("2026-11-03"))


def mail_settings(port: int) -> dict[str, str]:
    return {"XZZF_SMTP_HOST": "127.0.0.1", "XZZF_SMTP_PORT": str(port), "XZZF_SMTP_SECURITY": "none",
            "XZZF_MAIL_FROM": "xzzf@hsb.example.gov.cn", "XZZF_MAIL_BACKOFF_S": "0", "XZZF_SMTP_TIMEOUT_S": "5"}


def killed_run(moment: str, inbox: Path, out: Path, database: str, port: int) -> None:
    from prefect.settings import PREFECT_API_URL

    environment = {**os.environ, **mail_settings(port), "PREFECT_API_URL": PREFECT_API_URL.value()}
    done = subprocess.run([sys.executable, "-m", "tests.faults.runner", moment, str(inbox), str(out), database,
                           AS_OF], cwd=ROOT, env=environment, capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr.decode()[-3000:]


def assert_exactly_once(out: Path, database: str, server: Server) -> None:
    receipts = sorted(p.relative_to(out / "feedback").as_posix() for p in (out / "feedback").rglob("*.xlsx"))
    # ZRZY's file repeats SFJ's 决定文书号 and 执法证号: accepted with data-quality signals, it
    # has a 标注 copy beside its 回执, as SCJG's rejected file has.
    assert [r.rsplit("/", 1)[0] for r in receipts] == ["SCJG/2026-10", "SCJG/2026-10", "SFJ/2026-10",
                                                        "ZRZY/2026-10", "ZRZY/2026-10"]
    for receipt in (out / "feedback").rglob("*.xlsx"):
        openpyxl.load_workbook(receipt)  # none cut short
    assert sorted(to for to, _ in server.inbox.messages) == [["scjg@hsb.example.gov.cn"],
                                                              ["sfj@hsb.example.gov.cn"]]
    store = Store(database)
    assert store.owed_receipts() == [] and store.unsent_emails() == []
    assert len(store.known()) == 3 and len(store.rows("roster")) == 4
    store.engine.dispose()


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_run_killed_after_its_commit_owes_nothing_to_the_next(moment, tmp_path, monkeypatch):
    killed_then_rerun(moment, f"sqlite:///{tmp_path / 'xzzf.db'}", tmp_path, monkeypatch)


def test_on_postgresql_too(postgres_url, tmp_path, monkeypatch):
    """The obligation is in the store's transaction, whichever store (one moment: the others
    take the same path)."""
    killed_then_rerun("after-receipts", postgres_url, tmp_path, monkeypatch)


def killed_then_rerun(moment: str, database_url: str, tmp_path: Path, monkeypatch) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    unit_files(inbox)
    with Server() as server:
        killed_run(moment, inbox, out, database_url, server.port)
        settings = {**mail_settings(server.port), "XZZF_INBOX": str(inbox), "XZZF_OUT": str(out),
                    "XZZF_DATABASE_URL": database_url}
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        from flows.intake import intake

        intake(as_of=AS_OF)
        intake(as_of=AS_OF)  # and a third: nothing more
    assert_exactly_once(out, database_url, server)


def test_a_run_killed_while_the_server_stalls_on_quit_does_not_send_again(tmp_path, monkeypatch):
    """Issue 20: the server has accepted the 回执 mail (250 to DATA) and does not answer QUIT;
    the run (the real command) is killed with SIGKILL while it waits. The delivery was recorded
    before QUIT: the next run does not send it again."""
    from prefect.settings import PREFECT_API_URL

    inbox, out, database = tmp_path / "inbox", tmp_path / "out", f"sqlite:///{tmp_path / 'xzzf.db'}"
    set_mtime(write_workbook(inbox / "SFJ" / "a.xlsx"), at("2026-11-03"))
    settings = {**mail_settings(0), "XZZF_INBOX": str(inbox), "XZZF_OUT": str(out), "XZZF_DATABASE_URL": database}
    stalls = StallsOnQuit()
    with Server(inbox=stalls) as server:
        settings["XZZF_SMTP_PORT"] = str(server.port)
        settings["XZZF_SMTP_TIMEOUT_S"] = "300"  # the client waits on QUIT until it is killed
        run = subprocess.Popen([str(Path(sys.executable).parent / "xzzf"), "intake", "--as-of", AS_OF], cwd=ROOT,
                               env={**os.environ, **settings, "PREFECT_API_URL": PREFECT_API_URL.value()},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert stalls.quitting.wait(180), "the run never reached QUIT"
        finally:
            run.kill()
        assert run.wait() == -9
        [(_, sent)] = server.inbox.messages
        stalls.stalling = False
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        from flows.intake import intake

        intake(as_of=AS_OF)
    assert [m["Message-ID"] for _, m in server.inbox.messages] == [sent["Message-ID"]]
    assert Store(database).unsent_emails() == []
