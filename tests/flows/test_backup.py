"""Issue 24 item 2: the scheduled backup. It waits for a run that holds the store and then
stops naming it (never a backup of a run half done), keeps the newest XZZF_BACKUP_KEEP of its
own backups and deletes only those; without XZZF_BACKUPS it refuses in one line."""

import datetime as dt
import json
import zipfile
from pathlib import Path

from connectors.store import Store
from tests.flows.conftest import deployed
from xzzf.vocabulary import RunEnd


def test_the_scheduled_backup_keeps_its_newest_backups_and_nothing_else_is_touched(env):
    from flows.backup import backup

    folder = env.out / "backups"  # inside the output folder: never a backup of the backups
    folder.mkdir(parents=True)
    older = ["xzzf-backup-20261101-213000.zip", "xzzf-backup-20261102-213000.zip", "xzzf-backup-20261103-213000.zip"]
    others = ["手工备份.zip", "xzzf-backup-latest.zip", "README.txt"]
    for name in older + others:
        (folder / name).write_bytes(b"kept by someone")
    (env.out / "archive" / "ab").mkdir(parents=True)
    (env.out / "archive" / "ab" / ("ab" + "0" * 62)).write_bytes(b"a file read")
    env.use(backups=folder, backup_keep=2)

    made = backup()
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted([older[-1], Path(made).name, *others])
    with zipfile.ZipFile(made) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert f"out/archive/ab/ab{'0' * 62}" in manifest["files"] and "store/xzzf.db" in manifest["files"]
        assert not any(name.startswith("out/backups") for name in archive.namelist())


def test_the_backup_waits_for_a_run_that_holds_the_store_then_stops_naming_it(env, tmp_path):
    from flows.backup import backup

    env.use(backups=tmp_path / "backups", lock_wait_s=0)
    store = Store(env.db)
    store.migrate()
    with store.lock("intake", 0, dt.datetime.now(dt.UTC)):
        state = deployed(backup)
    assert state.name == RunEnd.STORE_BUSY.label and "intake" in state.message
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_without_a_backup_folder_the_backup_refuses_in_one_line(env):
    from flows.backup import backup

    state = deployed(backup)
    assert state.name == RunEnd.REFUSED.label and "XZZF_BACKUPS" in state.message and "\n" not in state.message


def test_a_backup_holds_the_shares_outside_the_output_folder_and_no_secret(env, tmp_path):
    """The 回执 and template shares (XZZF_RECEIPTS, XZZF_TEMPLATES) and the calendar file are in
    the backup and restored under the new output folder; the SMTP password is nowhere in it."""
    from typer.testing import CliRunner

    from cli import app

    receipts, templates = tmp_path / "share" / "回执", tmp_path / "share" / "模板"
    for folder, name in ((receipts, "SFJ/2026-10/a-回执.xlsx"), (templates, "SFJ/司法局2026-11月报.xlsx")):
        (folder / name).parent.mkdir(parents=True)
        (folder / name).write_bytes(name.encode())
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text("years:\n  2031:\n    notice: 通知\n    holidays: [2031-01-01]\n    workdays: []\n",
                        encoding="utf-8")
    env.use(receipts=receipts, templates=templates, calendar=calendar, smtp_password="Correct-Horse-42",
            database_url=None)  # the store in the output folder
    result = CliRunner().invoke(app, ["backup", "--to", str(tmp_path / "b.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert {"receipts/SFJ/2026-10/a-回执.xlsx", "templates/SFJ/司法局2026-11月报.xlsx",
                "config/calendar.yaml"} <= set(archive.namelist())
        assert not any(b"Correct-Horse-42" in archive.read(name) for name in archive.namelist())

    cut = tmp_path / "cut.zip"  # a copy to a USB disk that stopped halfway
    cut.write_bytes((tmp_path / "b.zip").read_bytes()[:(tmp_path / "b.zip").stat().st_size // 2])
    result = CliRunner().invoke(app, ["restore", str(cut), "--out", str(tmp_path / "never")])
    assert result.exit_code == 2 and "不是完整的 xzzf 备份文件" in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "never").exists()  # nothing made: the same folder can be used with a sound backup

    restored = tmp_path / "restored"
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "b.zip"), "--out", str(restored)])
    assert result.exit_code == 0, result.output
    receipt = restored / "feedback" / "SFJ" / "2026-10" / "a-回执.xlsx"
    assert receipt.read_bytes() == "SFJ/2026-10/a-回执.xlsx".encode()
    assert (restored / "templates" / "SFJ" / "司法局2026-11月报.xlsx").exists()
    assert (restored / "config" / "calendar.yaml").read_text(encoding="utf-8") == calendar.read_text(encoding="utf-8")
    assert f"原在 {receipts}" in result.output
