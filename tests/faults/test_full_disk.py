"""A full disk: the run keeps what it could do, owes the rest, and the run after the space is
freed writes each 回执 and sends each mail once. A real small tmpfs where the test may mount
one (root on Linux), otherwise a writer that raises ENOSPC for that folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import subprocess
from pathlib import Path

import openpyxl
import pytest

import connectors.files
from connectors.store import Store
from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server

pytestmark = pytest.mark.faults
AS_OF = dt.date(2026, 11, 6)


class SmallDisk:
    """A folder on a 2 MB disk that `fill()` fills and `free()` empties."""

    def __init__(self, folder: Path, monkeypatch):
        self.folder, self.monkeypatch, self.full = folder, monkeypatch, False
        folder.mkdir()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                                 capture_output=True)
        self.real = mounted.returncode == 0
        if not self.real:
            replacing = connectors.files.replacing

            @contextlib.contextmanager
            def refusing(path: Path):
                if self.full and folder in path.parents:
                    raise OSError(errno.ENOSPC, "No space left on device", str(path))
                with replacing(path) as temporary:
                    yield temporary

            monkeypatch.setattr(connectors.files, "replacing", refusing)
            for module in ("connectors.receipt_writer", "connectors.xlsx_writer"):
                monkeypatch.setattr(f"{module}.replacing", refusing)

    def fill(self) -> None:
        self.full = True
        if self.real:
            # Suppressed outside the file too: closing it flushes what the last write left buffered.
            with contextlib.suppress(OSError), (self.folder / "filler").open("wb") as out:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()

    def free(self) -> None:
        self.full = False
        (self.folder / "filler").unlink(missing_ok=True)

    def unmount(self) -> None:
        if self.real:
            subprocess.run(["umount", "--lazy", str(self.folder)], check=True)  # a closed handle may linger


@pytest.fixture
def disk(tmp_path, monkeypatch):
    small = SmallDisk(tmp_path / "disk", monkeypatch)
    yield small
    small.unmount()


@pytest.fixture
def mail(env, monkeypatch):
    for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_SECURITY", "none"),
                        ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"), ("XZZF_MAIL_BACKOFF_S", "0")):
        monkeypatch.setenv(name, value)
    for unit in ("SFJ", "SCJG", "ZRZY"):
        set_mtime(write_workbook(env.inbox / unit / "a.xlsx", unit), at("2026-11-03"))
    with Server() as server:
        monkeypatch.setenv("XZZF_SMTP_PORT", str(server.port))
        yield server


def test_receipts_on_a_full_share_are_written_and_mailed_once_when_space_is_freed(env, disk, mail, monkeypatch):
    monkeypatch.setenv("XZZF_RECEIPTS", str(disk.folder / "feedback"))
    disk.fill()
    report = env.intake(AS_OF)
    assert [f["status"] for f in report["files"]] == ["accepted"] * 3  # the data are in
    assert len(Store(env.db).owed_receipts()) == 3 and mail.inbox.messages == []
    disk.free()
    env.intake(AS_OF)
    env.intake(AS_OF)
    receipts = sorted((disk.folder / "feedback").rglob("*.xlsx"))
    # three 回执, and the 标注 copies of the files that repeat another unit's numbers (signals)
    assert len([r for r in receipts if r.name.endswith("-回执.xlsx")]) == 3
    assert all(openpyxl.load_workbook(r) for r in receipts)
    assert not list((disk.folder / "feedback").rglob("*.part"))  # nothing cut left behind
    assert sorted(m["To"] for _, m in mail.inbox.messages) == ["scjg@hsb.example.gov.cn", "sfj@hsb.example.gov.cn"]


def test_a_full_output_disk_fails_the_run_before_its_commit_and_the_next_run_does_it_all(env, disk, mail):
    env.out = disk.folder / "out"
    env.out.mkdir()
    env.use(out=env.out)
    disk.fill()
    with pytest.raises(OSError):
        env.intake(AS_OF)
    assert Store(env.db).known() == {}  # the archive could not be written: nothing recorded
    disk.free()
    env.intake(AS_OF)
    env.intake(AS_OF)
    assert len(list((env.out / "feedback").rglob("*-回执.xlsx"))) == 3
    assert len(mail.inbox.messages) == 2


@pytest.mark.parametrize("full", ["out", "database"])
def test_the_command_on_a_full_disk_says_which_in_one_line_and_exits_5(tmp_path, disk, full):
    """Through the real command: not a defect's traceback and exit code 1, but one line naming
    the full folder or database and what to do; nothing is recorded, so nothing is lost."""
    from tests.test_cli_errors import xzzf

    if not disk.real:
        pytest.skip("needs a real small disk (mount, as root): the command runs in a process of its own")
    inbox = tmp_path / "inbox"
    for unit in ("SFJ", "SCJG"):
        set_mtime(write_workbook(inbox / unit / "a.xlsx", unit), at("2026-11-03"))
    out, database = (disk.folder / "out", tmp_path / "xzzf.db") if full == "out" else \
        (tmp_path / "out", disk.folder / "xzzf.db")
    Store(f"sqlite:///{database}").migrate()
    Store(f"sqlite:///{database}").lock("setup", 0, dt.datetime.now(dt.UTC)).release()  # its lock file too
    disk.fill()
    done = xzzf(tmp_path, "intake", "--inbox", str(inbox), "--out", str(out), "--db", f"sqlite:///{database}",
                "--as-of", AS_OF.isoformat())
    assert done.returncode == 5, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    where = f"文件夹 {out / 'archive'}/" if full == "out" else f"数据库 {database}："
    said = [line for line in done.stderr.splitlines() if line.startswith("错误：")]
    assert len(said) == 1 and said[0].startswith(f"错误：磁盘已满，无法写入{where}"), said
    assert "请释放该磁盘的空间后重新运行；已完成的部分不会丢失" in said[0]
    assert Store(f"sqlite:///{database}").known() == {}
