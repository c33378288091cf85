"""Benchmarks: scripts that print numbers, never timed tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from xzzf.periods import BEIJING

YEAR = 2026


def synthetic_registry(root: Path, units: int) -> Path:
    """N law-enforcement units, one in five a town: a registry file for a benchmark."""
    path = root / "units.yaml"
    path.write_text(yaml.safe_dump({"units": [
        {"code": f"U{n:04d}", "name": f"单位{n:04d}", "kind": "部门" if n % 5 else "乡镇", "enforcement": True}
        for n in range(1, units + 1)]}, allow_unicode=True), encoding="utf-8")
    return path


def arrival(month: int, year: int = YEAR) -> dt.datetime:
    """A month's workbook arrives on the 3rd of the next month: on time."""
    return dt.datetime(year + (month == 12), month % 12 + 1, 3, 10, tzinfo=BEIJING)
