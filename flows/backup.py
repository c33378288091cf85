"""The scheduled backup: every night the store and its files into one archive in the backup
folder (XZZF_BACKUPS), keeping the newest XZZF_BACKUP_KEEP of its own backups."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.artifacts import answered, code_span
from flows.backup_steps import make_backup
from flows.runtime import open_store
from xzzf.backup import backup_name, expired
from xzzf.settings import SettingsError, load_settings


@flow(name="backup", log_prints=True)
@answered
def backup() -> str:
    """Back up the store, held as a run holds it (never mid-run), then delete the oldest of
    this flow's own backups beyond the number kept; nothing else in the folder is touched."""
    settings = load_settings()
    if settings.backups is None:
        raise SettingsError("未设置 XZZF_BACKUPS：请在 /etc/xzzf/xzzf.env 中设为保存备份的文件夹（最好在另一块磁盘上）")
    store = open_store(settings)
    now = dt.datetime.now(dt.UTC)
    folder = settings.backups
    with store.lock("backup", settings.lock_wait_s, now):
        store.migrate()  # as every run: the backup is of the schema this version reads
        folder.mkdir(parents=True, exist_ok=True)
        said = make_backup(settings, store, folder / backup_name(now), now)
    old = expired([path.name for path in folder.iterdir()], settings.backup_keep)
    for name in old:
        (folder / name).unlink()
    kept = f"保留最近 {settings.backup_keep} 份备份" + (f"，删除了更早的 {len(old)} 份" if old else "")
    print(f"{said}\n{kept}")
    create_markdown_artifact(key="backup", description="本次备份",
                             markdown=f"{said}\n\n{kept}（文件夹 {code_span(settings.shown_path(folder))}）")
    return str(folder / backup_name(now))
