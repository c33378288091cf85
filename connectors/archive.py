"""Our own copy of every file read, content-addressed by SHA-256, so every figure can be
traced to the exact bytes it came from."""

from __future__ import annotations

from pathlib import Path

from connectors.files import write_bytes


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> Path:
        """Store the bytes once; written to a temporary name first so a crash leaves no
        partial copy under the final name."""
        target = self.path_of(sha256)
        if target.exists():
            return target
        return write_bytes(target, data)

    def get(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()
