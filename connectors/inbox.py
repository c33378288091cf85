"""The shared inbox folder: read-only to us. Lists files with what a scan needs to know."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

IGNORED_NAMES = {"thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class InboxFile:
    path: str  # relative to the inbox, with '/'
    folder: str | None  # the unit folder (first path part); None for a file at the top
    size: int
    mtime: dt.datetime
    ignored: bool  # lock, hidden and system files: listed, never read


def folder_of(path: str) -> str | None:
    """The unit folder a file sits in (first path part); None for a file at the top."""
    parts = PurePosixPath(path).parts
    return parts[0] if len(parts) > 1 else None


def is_ignored(relative: PurePosixPath) -> bool:
    name = relative.name
    return (
        name.startswith("~$")
        or any(part.startswith(".") for part in relative.parts)
        or name.lower() in IGNORED_NAMES
    )


class Inbox:
    def __init__(self, root: Path, only_folders: frozenset[str] | None = None):
        self.root = Path(root)
        self.only_folders = only_folders  # a run limited to some units sees only their folders

    def check(self) -> None:
        if not self.root.is_dir():
            raise FileNotFoundError(f"收件文件夹不存在：{self.root}（设置 XZZF_INBOX 或 --inbox）")

    def scan(self) -> list[InboxFile]:
        """Every regular file below the root, sorted by path (sub-folders read recursively)."""
        found = []
        for directory, folders, names in os.walk(self.root):
            if self.only_folders is not None and Path(directory) == self.root:
                folders[:] = [f for f in folders if f in self.only_folders]
                names = []
            folders.sort()
            for name in sorted(names):
                full = Path(directory, name)
                relative = PurePosixPath(full.relative_to(self.root).as_posix())
                try:
                    status = full.stat()
                except FileNotFoundError:  # removed while we looked
                    continue
                found.append(InboxFile(
                    path=str(relative),
                    folder=folder_of(str(relative)),
                    size=status.st_size,
                    mtime=dt.datetime.fromtimestamp(status.st_mtime, dt.UTC),
                    ignored=is_ignored(relative),
                ))
        return sorted(found, key=lambda f: f.path)

    def read(self, item: InboxFile) -> bytes:
        return (self.root / item.path).read_bytes()

    def unchanged(self, item: InboxFile) -> bool:
        """False when the file's size or mtime moved since the scan: still being written."""
        try:
            status = (self.root / item.path).stat()
        except FileNotFoundError:
            return False
        mtime = dt.datetime.fromtimestamp(status.st_mtime, dt.UTC)
        return status.st_size == item.size and mtime == item.mtime


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
