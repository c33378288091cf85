"""The forms' lists of units follow the registry (units.yaml): deployments/deploy.sh writes
them after deploying (`python -m flows.unit_choices`), and every deployed run, which reads the
registry anyway, writes them again when the registry has changed since."""

from __future__ import annotations

import sys

import httpx

from connectors.prefect_api import offer_choices
from flows.parameters import unit_choice
from xzzf.settings import SettingsError, load_settings
from xzzf.units import Registry, RegistryError, load_registry


def refresh_unit_choices(registry: Registry) -> list[str]:
    """Every deployment form's unit fields offer the registry's units; the deployments changed."""
    return offer_choices([unit_choice(unit) for unit in registry.units])


def refresh_in_run(registry: Registry, log) -> None:
    """A deployed run's refresh: a server that cannot be reached is said and the run goes on;
    its work does not depend on the form of the next one."""
    try:
        changed = refresh_unit_choices(registry)
    except httpx.HTTPError as error:
        log.warning("表单中的单位列表未能更新（%s）：下次运行时再更新", error)
        return
    if changed:
        log.info("单位名册已变化：已更新 %s 个部署表单中的单位列表（%s）", len(changed), "、".join(changed))


def main() -> int:
    try:
        registry = load_registry(load_settings().units)
    except (SettingsError, RegistryError) as error:
        print(f"未更新表单中的单位列表：{error}", file=sys.stderr)
        return 2
    changed = refresh_unit_choices(registry)
    print(f"表单中的单位列表：{len(registry.units)} 个单位，已写入 {len(changed)} 个部署")
    return 0


if __name__ == "__main__":
    sys.exit(main())
