"""What re-sending a unit's 回执 of a month takes, checked the same way by the form's run
and by the command line before Prefect starts: a unit of the registry, 回执 in its folder,
and an address (the registry's or the one given)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xzzf.adjustments import AdjustmentError, unit_text
from xzzf.settings import Settings
from xzzf.units import Registry, Unit


@dataclass(frozen=True)
class ResendRequest:
    unit: Unit
    named: str  # 柳泉乡（LQX）
    folder: Path
    files: tuple[Path, ...]
    recipients: tuple[str, ...]


def resend_request(settings: Settings, registry: Registry, unit: str, period: str, to: str = "") -> ResendRequest:
    """The unit's 回执 files of `period` (every .xlsx in its 回执 folder: the 回执 and the 标注
    copies) and where they go; AdjustmentError, in Chinese, when there is nothing to send."""
    known = registry.get(unit)
    if known is None:
        raise AdjustmentError(f"单位名册中没有单位 {unit}：请核对单位编码")
    named = unit_text(registry, unit)
    folder = settings.receipts_dir / unit / period
    files = tuple(sorted(p for p in folder.glob("*.xlsx") if p.is_file())) if folder.is_dir() else ()
    if not files:
        raise AdjustmentError(f"{named} 没有 {period} 的回执（{settings.shown_path(folder)}）")
    recipients = (to.strip(),) if to.strip() else tuple(known.email)
    if not recipients:
        raise AdjustmentError(f"{named} 在单位名册（units.yaml）中没有邮箱：请填写要发到的邮箱")
    return ResendRequest(known, named, folder, files, recipients)
