"""The shared inbox folder: read-only to us. Lists files with what a scan needs to know.

Only regular files are ever opened: a symlink (to /etc/shadow, to a 2 GB file elsewhere),
a FIFO (opening one blocks for ever), a device or a socket is listed as ignored with the
reason, and a linked folder is not entered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

IGNORED_NAMES = {"thumbs.db", "desktop.ini"}
LINK = "这是快捷方式（符号链接），不予读取：请把文件本身（不是链接）放入本单位文件夹"
NOT_A_FILE = "不是普通文件（设备、管道或套接字），不予读取：请只放入 .xlsx 工作簿"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class InboxFile:
    path: str  # relative to the inbox, with '/', as text (see `shown`)
    folder: str | None  # the unit folder (first path part); None for a file at the top
    size: int
    mtime: dt.datetime
    ignored: bool  # lock, hidden and system files, links, devices: listed, never read
    # The wall clock just after the file was looked at: its mtime is at most this unless the
    # file came from a machine whose clock is ahead. How long a file has been still is told
    # from this, not from the run's start, so a file written while the run was starting (a
    # copy that restarted) is not taken for another machine's clock. Never an as-of.
    seen_at: dt.datetime
    reason: str | None = None  # why an ignored entry that a person should hear about was not read
    raw: str = ""  # the path as the file system names it (may hold undecodable bytes)


def shown(name: str) -> str:
    """A file-system name as text that any database and any mail can carry: bytes that are
    not UTF-8 (a name written by an old GBK client) become \\xNN and a backslash is doubled,
    so different names never look the same and the original bytes can be told back."""
    return name.replace("\\", "\\\\").encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


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
        """Every entry below the root, sorted by path (sub-folders read recursively, linked
        folders not entered); nothing is opened here."""
        found = []
        for directory, folders, names in os.walk(self.root):
            if self.only_folders is not None and Path(directory) == self.root:
                folders[:] = [f for f in folders if f in self.only_folders]
                names = []
            links = [f for f in folders if os.path.islink(os.path.join(directory, f))]
            folders[:] = sorted(f for f in folders if f not in links)
            for name in sorted([*names, *links]):
                item = self._entry(Path(directory, name))
                if item:
                    found.append(item)
        return sorted(found, key=lambda f: f.path)

    def _entry(self, full: Path) -> InboxFile | None:
        raw = full.relative_to(self.root).as_posix()
        path = shown(raw)
        try:
            status = full.lstat()
        except FileNotFoundError:  # removed while we looked
            return None
        reason = None
        if stat.S_ISLNK(status.st_mode):
            reason = LINK
        elif not stat.S_ISREG(status.st_mode):
            reason = NOT_A_FILE
        return InboxFile(
            path=path, folder=folder_of(path), size=status.st_size,
            mtime=dt.datetime.fromtimestamp(status.st_mtime, dt.UTC),
            ignored=bool(reason) or is_ignored(PurePosixPath(path)), reason=reason, raw=raw,
            seen_at=dt.datetime.now(dt.UTC))

    def read(self, item: InboxFile) -> bytes:
        return self._open(item).read()

    def sha256(self, item: InboxFile) -> str:
        """The file's SHA-256, read in chunks: a large file is never held in memory."""
        digest = hashlib.sha256()
        with self._open(item) as handle:
            while block := handle.read(_CHUNK):
                digest.update(block)
        return digest.hexdigest()

    def _open(self, item: InboxFile):
        # O_NOFOLLOW | O_NONBLOCK: a file swapped for a link or a FIFO after the scan is
        # refused, never followed and never waited on.
        descriptor = os.open(self.root / item.raw, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise OSError(f"{item.path} 已不是普通文件")
        return os.fdopen(descriptor, "rb")

    def unchanged(self, item: InboxFile) -> bool:
        """False when the file's size or mtime moved since the scan: still being written."""
        try:
            status = (self.root / item.raw).lstat()
        except FileNotFoundError:
            return False
        mtime = dt.datetime.fromtimestamp(status.st_mtime, dt.UTC)
        return status.st_size == item.size and mtime == item.mtime


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
