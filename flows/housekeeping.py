"""The housekeeping flow, weekly: Prefect keeps every run's task runs, logs and artifacts, and
the hourly intake and the daily reminders make some 5,000 runs a year, which slow its pages
and fill its database. A run deletes the routine runs (ROUTINE) due more than
XZZF_PREFECT_KEEP_DAYS days before its as-of date, with their task runs, logs and artifacts,
then compacts Prefect's SQLite file. Every other run is kept with what its page shows: the
monthly collections and annual reports (their status tables and matrices are what the 司法局
looks back at), and the runs that decided or changed something (decisions, 复核, plans, a
resent 回执), which say who asked for what. It holds the store like every run, so it never
compacts while another run is writing."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from connectors import prefect_api
from flows.artifacts import answered, beijing, report_artifact, run_log
from flows.parameters import COUNT_ONLY, KEEP_AS_OF, AsOf
from flows.setup import prepare

# The flows whose old runs are deleted; any other flow's runs are kept for good.
ROUTINE = ("intake", "reminders", "templates", "plan-show", "backup", "housekeeping")


@flow(name="housekeeping", log_prints=True)
@answered
def housekeeping(as_of: AsOf = KEEP_AS_OF, dry_run: bool = COUNT_ONLY) -> str:
    """Delete the routine runs older than the setting before the as-of date; compact Prefect's file."""
    with prepare(as_of=as_of, dry_run=dry_run, needs_inbox=False, records=True) as run:
        days = run.settings.prefect_keep_days
        cutoff = run.as_of - dt.timedelta(days=days)
        counts = {name: prefect_api.count_old_runs([name], cutoff) for name in ROUTINE}
        found = "，".join(f"{name} {n} 个" for name, n in counts.items() if n) or "没有"
        lines = [f"保留 {days} 天（XZZF_PREFECT_KEEP_DAYS）：{beijing(cutoff)}以前的例行运行：{found}。",
                 "月度收集、年度报告、调整决定、复核、方案导入和重发回执的运行一律保留。"]
        if not run.dry_run:
            lines += _delete(cutoff)
        shown = report_artifact("housekeeping", f"Prefect 记录清理（数据截至 {run.as_of:%Y-%m-%d}）",
                                "\n\n".join(lines), run.dry_run)
    for line in lines:
        run_log().info("%s", line)
    return "\n".join([shown, *lines])


def _delete(cutoff: dt.datetime) -> list[str]:
    database = prefect_api.database_file()
    before = prefect_api.size(database) if database and database.exists() else None
    lines = [f"已删除 {prefect_api.delete_old_runs(ROUTINE, cutoff)} 个运行及其任务、日志和结果。"]
    if before is None:
        return [*lines, "Prefect 的数据库不是本机的 SQLite 文件（如 PostgreSQL）：删除后的空间由数据库自动回收再用；"
                        "要把空间还给磁盘，请在没有运行时对 Prefect 的数据库执行 VACUUM FULL。"]
    prefect_api.compact(database)
    return [*lines, f"Prefect 数据库 {database}：{_mb(before)} → {_mb(prefect_api.size(database))}。"]


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
