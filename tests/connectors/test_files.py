"""Many files written together (the archive of a scan): all take their names, durable, or
none does — a disk that fills half way leaves no file and no temporary behind."""

import subprocess

import pytest

from connectors.files import write_all


def test_every_file_takes_its_name(tmp_path):
    files = [(tmp_path / "ab" / f"{n}", bytes([n]) * 100) for n in range(5)]
    assert write_all(files) == [path for path, _ in files]
    assert [path.read_bytes() for path, _ in files] == [data for _, data in files]
    assert not list(tmp_path.rglob(".*.part"))


def test_a_disk_that_fills_half_way_leaves_nothing(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("needs a small tmpfs (root)")
    try:
        files = [(disk / "a", b"x" * 400_000), (disk / "b", b"y" * 400_000), (disk / "c", b"z" * 400_000)]
        with pytest.raises(OSError):
            write_all(files)
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)
