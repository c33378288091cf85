"""A backup's one file: a zip archive whose manifest lists every other member with its
SHA-256. A zip rather than a tar.gz: each member can be checked and taken out on its own
(a damaged member is named, the rest still read), its CRC is checked on every read, and a
Windows PC opens it without any tool — where an administrator looks into a backup."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from connectors.files import naming
from xzzf.backup import MANIFEST, BackupError, partial_name

BLOCK = 1024 * 1024
# Already compressed (workbooks, documents, archives): stored as they are, not deflated again.
COMPRESSED = {".xlsx", ".xls", ".docx", ".zip", ".gz", ".png", ".jpg", ".pdf"}


class BackupWriter:
    """Members written one by one, hashed as they are written; `close` adds the manifest and
    only then gives the archive its name, so a cut backup never looks like a whole one."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.partial = self.path.with_name(partial_name(self.path.name))
        self.zip = zipfile.ZipFile(self.partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.sums: dict[str, str] = {}

    def add_file(self, source: Path, name: str) -> None:
        info = zipfile.ZipInfo.from_file(source, name, strict_timestamps=False)  # a file dated before 1980: 1980
        info.compress_type = zipfile.ZIP_STORED if source.suffix.lower() in COMPRESSED else zipfile.ZIP_DEFLATED
        digest = hashlib.sha256()
        with naming(self.partial), source.open("rb") as reading, self.zip.open(info, "w", force_zip64=True) as member:
            while block := reading.read(BLOCK):
                digest.update(block)
                member.write(block)
        self.sums[name] = digest.hexdigest()

    def add_tree(self, root: Path, name: str, skip=lambda path: False) -> int:
        """Every file under `root` (none when it does not exist), as `name`/<its path>; how many."""
        added = 0
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and not skip(p)) if root.is_dir() else ():
            self.add_file(path, f"{name}/{path.relative_to(root).as_posix()}")
            added += 1
        return added

    def add_text(self, name: str, content: str) -> None:
        data = content.encode("utf-8")
        with naming(self.partial):
            self.zip.writestr(name, data)
        self.sums[name] = hashlib.sha256(data).hexdigest()

    def close(self, manifest: dict) -> Path:
        with naming(self.partial):
            self.zip.writestr(MANIFEST, json.dumps({**manifest, "files": self.sums}, ensure_ascii=False, indent=1))
            self.zip.close()
            with self.partial.open("rb") as written:  # on disk before it takes its name
                os.fsync(written.fileno())
            os.replace(self.partial, self.path)
        return self.path

    def discard(self) -> None:
        self.zip.close()
        self.partial.unlink(missing_ok=True)


def read_manifest(path: Path) -> dict:
    """The backup's manifest, once every member it lists is there with its SHA-256 and no
    other member is: BackupError naming the first file that is missing, damaged or extra."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            listed = manifest["files"]
            for name in sorted(set(archive.namelist()) - set(listed) - {MANIFEST}):
                raise BackupError(f"备份文件 {path} 已损坏：{name} 不在清单 {MANIFEST} 中；请换用另一份备份")
            for name, sha256 in listed.items():
                if _sha256(archive, name) != sha256:
                    raise BackupError(f"备份文件 {path} 已损坏：{name} 的 SHA-256 与清单不符；请换用另一份备份")
    except KeyError as error:  # a member the manifest lists, or the manifest itself, is missing
        raise BackupError(f"备份文件 {path} 不完整：缺少 {error.args[0]}；请换用另一份备份") from None
    except (zipfile.BadZipFile, zlib.error, json.JSONDecodeError, EOFError) as error:
        raise BackupError(f"{path} 不是完整的 xzzf 备份文件（{error}）；请换用另一份备份") from None
    return manifest


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(name) as member:
            while block := member.read(BLOCK):
                digest.update(block)
    except (zipfile.BadZipFile, zlib.error, EOFError):  # a CRC or the deflated stream itself broken
        return ""
    return digest.hexdigest()


def extract(path: Path, where: Callable[[str], Path | None]) -> int:
    """Each member that `where` places (a path; None: not one to write) written there with its
    folders and its modification time; how many were written."""
    written = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            target = where(info.filename)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with naming(target), archive.open(info) as member, target.open("wb") as out:
                shutil.copyfileobj(member, out, BLOCK)
            moment = time.mktime((*info.date_time, 0, 0, -1))  # a zip keeps local time
            os.utime(target, (moment, moment))
            written += 1
    return written
