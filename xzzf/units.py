"""The units registry (`units.yaml`): who reports, and which folder is whose."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

UNIT_KINDS = ("部门", "乡镇", "街道")
_CODE = re.compile(r"^[A-Z0-9_-]+$")
SAMPLE_REGISTRY = Path(__file__).parent / "data" / "units.sample.yaml"


class RegistryError(ValueError):
    """A broken registry; the message names the entry and what is wrong."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    enforcement: bool
    reports: bool = True
    email: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Registry:
    units: tuple[Unit, ...]

    def __post_init__(self):
        object.__setattr__(self, "_by_code", {u.code: u for u in self.units})

    def get(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def by_name(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    @property
    def reporting(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.reports)

    def only(self, codes: list[str] | None) -> Registry:
        """The registry limited to `codes` (all of it when None); unknown codes are an error."""
        if not codes:
            return self
        unknown = [c for c in codes if c not in self]
        if unknown:
            raise RegistryError(f"未登记的单位编码：{'、'.join(unknown)}")
        return Registry(tuple(u for u in self.units if u.code in codes))


def load_registry(path: Path) -> Registry:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"单位名册文件不存在：{path}") from None
    except yaml.YAMLError as error:
        raise RegistryError(f"单位名册 {path} 不是有效的 YAML：{error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise RegistryError(f"单位名册 {path} 应包含 units 列表")
    units = [_parse_unit(index, entry) for index, entry in enumerate(data["units"], start=1)]
    seen: set[str] = set()
    for unit in units:
        if unit.code in seen:
            raise RegistryError(f"单位名册中单位编码 {unit.code} 重复")
        seen.add(unit.code)
    return Registry(tuple(units))


def _parse_unit(index: int, entry: object) -> Unit:
    where = f"单位名册第 {index} 项"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}应为包含 code、name、kind 的条目")
    code, name, kind = (str(entry.get(k, "") or "").strip() for k in ("code", "name", "kind"))
    where = f"{where}（{code or name or '无编码'}）"
    if not _CODE.match(code):
        raise RegistryError(f"{where}：单位编码只能由大写字母 A-Z、数字、'-' 和 '_' 组成")
    if not name:
        raise RegistryError(f"{where}：缺少单位名称 name")
    if kind not in UNIT_KINDS:
        raise RegistryError(f"{where}：单位类型 kind 应为 部门、乡镇 或 街道，而不是 {kind!r}")
    flags = {}
    for flag, default in (("enforcement", None), ("reports", True)):
        value = entry.get(flag, default)
        if not isinstance(value, bool):
            raise RegistryError(f"{where}：{flag} 应为 true 或 false")
        flags[flag] = value
    email = entry.get("email", [])
    if isinstance(email, str):
        email = [email]
    if not isinstance(email, list) or not all(isinstance(e, str) and "@" in e for e in email):
        raise RegistryError(f"{where}：email 应为邮箱地址列表")
    return Unit(code, name, kind, flags["enforcement"], flags["reports"], tuple(email))
