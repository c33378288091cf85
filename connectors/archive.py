"""Our own copy of every file read, content-addressed by SHA-256, so every figure can be
traced to the exact bytes it came from."""

from __future__ import annotations

from pathlib import Path

from connectors.files import write_all


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put_all(self, files: list[tuple[str, bytes]]) -> None:
        """Store each file's bytes once, under a temporary name first so a crash leaves no
        partial copy under the final name; flushed to disk together (files.write_all)."""
        wanted = {sha256: data for sha256, data in files if not self.path_of(sha256).exists()}
        write_all([(self.path_of(sha256), data) for sha256, data in wanted.items()])

    def get(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()
