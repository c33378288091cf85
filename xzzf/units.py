"""The units registry (`units.yaml`): who reports, and which folder is whose."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from xzzf.periods import period_end

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
    # Units over time (机构改革): the unit exists from `start` to `end` (both included; None:
    # always has); `replaces` are the codes it takes over on `start` (a merger or a rename).
    start: dt.date | None = None
    end: dt.date | None = None
    replaces: tuple[str, ...] = field(default=())
    # Other names a plan may call the unit by (a 分工方案 written before a rename, a short form).
    aliases: tuple[str, ...] = field(default=())

    def exists_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def has_month(self, period: str) -> bool:
        """The one rule for which months are a unit's: those it exists on the last day of. A
        unit set up on 20 May has May; one abolished on 15 June has May but not June (its
        successor has June). A file for a month not its own is refused, and a registry that
        takes a month from a unit that reported it is refused."""
        return self.exists_on(period_end(period))

    def owes(self, period: str) -> bool:
        """A reporting unit owes the workbook of each month that is its own (`has_month`)."""
        return self.reports and self.has_month(period)

    def exists_in(self, year: int) -> bool:
        return ((self.start is None or self.start <= dt.date(year, 12, 31))
                and (self.end is None or self.end >= dt.date(year, 1, 1)))


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
        """The unit called `name`, by its name or one of its aliases."""
        return next((u for u in self.units if u.name == name), None) or next(
            (u for u in self.units if name in u.aliases), None)

    @property
    def reporting(self) -> tuple[Unit, ...]:
        """Every unit that reports at some time (those of a given month: `owing`)."""
        return tuple(u for u in self.units if u.reports)

    def owing(self, period: str) -> tuple[Unit, ...]:
        """The units that owe `period`'s workbook (reporting and in existence at its end)."""
        return tuple(u for u in self.units if u.owes(period))

    def in_year(self, year: int) -> tuple[Unit, ...]:
        """The units that exist at some time in `year`: the annual report's units."""
        return tuple(u for u in self.units if u.exists_in(year))

    def successors(self, code: str) -> tuple[Unit, ...]:
        """The units that took `code` over (a merger, a rename)."""
        return tuple(u for u in self.units if code in u.replaces)

    def history(self, code: str) -> tuple[str, ...]:
        """`code` and every code whose history it carries: what it replaces, and so on back
        through a chain of mergers (C replaces B, which replaced A: C carries A's months)."""
        codes, todo = [code], [code]
        while todo:
            unit = self.get(todo.pop())
            for old in unit.replaces if unit else ():
                if old not in codes:
                    codes.append(old)
                    todo.append(old)
        return tuple(codes)

    def changes_in(self, year: int) -> list[tuple[Unit, str, dt.date]]:
        """The units set up, abolished or merged in `year`: (unit, what, when), by date."""
        found = [(unit, what, day) for unit in self.units for what, day in self.changes_of(unit, year)]
        return sorted(found, key=lambda item: (item[2], item[0].code))

    def changes_of(self, unit: Unit, year: int) -> list[tuple[str, dt.date]]:
        """What happened to `unit` in `year` (set up, merged into it, abolished) and when."""
        found = []
        if unit.start and unit.start.year == year:
            what = f"合并/更名，承接{'、'.join(self._name(c) for c in unit.replaces)}" if unit.replaces else "设立"
            found.append((what, unit.start))
        if unit.end and unit.end.year == year:
            successors = [u.name for u in self.successors(unit.code)]
            found.append((f"撤销，并入{'、'.join(successors)}" if successors else "撤销", unit.end))
        return found

    def _name(self, code: str) -> str:
        unit = self.get(code)
        return f"{unit.name}（{code}）" if unit else code

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
    registry = Registry(tuple(units))
    _check_history(registry)
    return registry


def _check_history(registry: Registry) -> None:
    """A merger names units of the registry that end before the new one starts."""
    for unit in registry.units:
        for old in unit.replaces:
            where = f"单位名册中 {unit.code}（{unit.name}）的 replaces"
            predecessor = registry.get(old)
            if predecessor is None:
                raise RegistryError(f"{where}：{old} 不在名册中（被合并的单位请保留在名册中，并写明 until 撤销日期）")
            if old == unit.code or unit.code in registry.history(old):
                raise RegistryError(f"{where}：{old} 与 {unit.code} 互相承接，请检查")
            if unit.start is None:
                raise RegistryError(f"{where}：承接其他单位的单位应写明 from（承接日期）")
            if predecessor.end is None or predecessor.end >= unit.start:
                raise RegistryError(f"{where}：被承接的 {old} 应写明 until，且早于 {unit.code} 的 from "
                                    f"{unit.start.isoformat()}")


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
    start, end = (_date(where, key, entry.get(key)) for key in ("from", "until"))
    if start and end and end < start:
        raise RegistryError(f"{where}：until {end.isoformat()} 早于 from {start.isoformat()}")
    replaces = entry.get("replaces", [])
    if isinstance(replaces, str):
        replaces = [replaces]
    if not isinstance(replaces, list) or not all(isinstance(c, str) and _CODE.match(c) for c in replaces):
        raise RegistryError(f"{where}：replaces 应为被承接单位的编码列表")
    aliases = entry.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise RegistryError(f"{where}：aliases 应为该单位其他名称的列表")
    return Unit(code, name, kind, flags["enforcement"], flags["reports"], tuple(email),
                start, end, tuple(replaces), tuple(a.strip() for a in aliases))


def _date(where: str, key: str, value: object) -> dt.date | None:
    """YAML reads 2026-05-01 as a date; a quoted one is text."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RegistryError(f"{where}：{key} 应为日期 YYYY-MM-DD，而不是 {value!r}") from None
