"""What a backup holds and how it is named: the layout of its archive, the settings it keeps
(never a secret), and which older backups the scheduled one deletes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from xzzf.periods import BEIJING

FORMAT = 1  # the archive's layout; a later layout says so in its manifest
MANIFEST = "manifest.json"
STORE = "store/xzzf.db"  # the store as a SQLite file, whatever the store was (README 备份与恢复)
# Folders in the archive, and where a restore puts each under the restored output folder.
TREES = {"out": ".", "receipts": "feedback", "templates": "templates"}
CONFIG = "config"  # the registry, the calendar file and the settings, as they were
SETTINGS_FILE = "xzzf.env"

NAME = re.compile(r"^xzzf-backup-\d{8}-\d{6}\.zip$")  # the scheduled backup's own files, and no others
PARTIAL = re.compile(r"^\.xzzf-backup-\d{8}-\d{6}\.zip\.partial$")  # one cut short (the writer's name for it)
# Names of settings never written into a backup: the SMTP password (kept as a Prefect Secret,
# but also settable as XZZF_SMTP_PASSWORD), Prefect's auth string and encryption key, tokens.
SECRET = re.compile(r"PASSWORD|AUTH_STRING|ENCRYPTION_KEY|SECRET|TOKEN|API_KEY", re.IGNORECASE)
URL_PASSWORD = re.compile(r"(://[^/:@\s]*):[^/@\s]*@")


class BackupError(ValueError):
    """A backup that cannot be made or restored as asked; the message says what to do."""


def backup_name(moment: dt.datetime) -> str:
    """The scheduled backup's file name: its time in Beijing, so the names sort by age."""
    return f"xzzf-backup-{moment.astimezone(BEIJING):%Y%m%d-%H%M%S}.zip"


def partial_name(name: str) -> str:
    """What a backup is called while it is written: hidden, and never taken for a whole one."""
    return f".{name}.partial"


def expired(names: Iterable[str], keep: int) -> list[str]:
    """Of the files in the backup folder, the scheduled backups beyond the newest `keep`, and
    any it left cut short (a killed run): anything else in that folder is not its own and stays."""
    names = list(names)
    own = sorted(name for name in names if NAME.match(name))
    cut = [name for name in names if PARTIAL.match(name)]  # the store held: no backup is being written
    return cut + (own[:-keep] if len(own) > keep else [])


def without_secrets(environment: Mapping[str, str]) -> dict[str, str]:
    """The XZZF_* and PREFECT_* settings worth restoring, minus every secret: a backup leaves
    the building on a disk, and a password in a database URL is masked as ***."""
    return {name: URL_PASSWORD.sub(r"\1:***@", value) for name, value in sorted(environment.items())
            if name.startswith(("XZZF_", "PREFECT_")) and not SECRET.search(name)}


def env_file(settings: Mapping[str, str]) -> str:
    """Settings as lines of an env file like /etc/xzzf/xzzf.env, each value single-quoted
    (a share name's backslashes survive systemd and bash)."""
    lines = ["# xzzf 备份时的设置（不含密码等机密；需要时请重新填写）"]
    lines += [f"{name}='{value}'" for name, value in settings.items()]
    return "\n".join(lines) + "\n"


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
