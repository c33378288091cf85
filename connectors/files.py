"""Writing our own output files so that a crash or a full disk never leaves a cut file
under its final name: each is written beside it under a temporary name, then renamed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path to write `path`'s new content to; it takes `path`'s place only when
    the block ends without an error (a rename, atomic on one file system)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_bytes(path: Path, data: bytes) -> Path:
    with replacing(path) as temporary, temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return path
