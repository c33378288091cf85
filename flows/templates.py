"""The templates flow: each reporting unit's workbook for a period, pre-filled."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_table_artifact

from connectors.template_writer import write_template
from flows.artifacts import answered
from flows.parameters import ONLY_UNITS, TEMPLATE_PERIOD, TemplatePeriod, Units
from flows.runtime import open_store
from xzzf.catalog import assign
from xzzf.periods import due_day
from xzzf.plans import plan_in_force
from xzzf.settings import load_settings
from xzzf.template import unit_template
from xzzf.units import load_registry

PREFILLED = ("roster", "complaints", "task_progress")


@flow(name="templates", log_prints=True)
@answered
def templates(period: TemplatePeriod = TEMPLATE_PERIOD, only_units: Units = ONLY_UNITS) -> str:
    """Write the template for `period` (YYYY-MM) of every unit that owes it into XZZF_TEMPLATES."""
    settings = load_settings()
    registry = load_registry(settings.units).only(only_units)
    out = settings.templates_dir
    store = open_store(settings)
    store.migrate()
    plan = plan_in_force(store.plans(), period)
    if plan.notice:
        print(plan.notice)
    assignment = assign(plan.tasks, registry)
    stored = {table: store.rows(table) for table in PREFILLED}
    due = due_day(period, settings.due_day, settings.calendar())
    written = []
    for unit in registry.owing(period):
        template = unit_template(unit, period, due, assignment, stored, registry)
        written.append(write_template(out / unit.code / template.file_name, template))
    create_table_artifact(key=f"templates-{period}", description=f"{period} 月报模板",
                          table=[{"单位": p.parent.name, "文件": settings.shown_path(p)} for p in written])
    print(f"已生成 {len(written)} 个单位的 {period} 月报模板：{settings.shown_path(out)}")
    return str(out)
