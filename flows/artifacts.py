"""What a run shows on its page in the Prefect UI: artifacts in Chinese for the period asked,
and its log lines through the run logger. A dry run's artifacts carry their own keys and
say 试运行, so they never replace a real run's latest ones."""

from __future__ import annotations

import logging
import re

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger

from xzzf.intake import FileEntry
from xzzf.matrix import ReportingMatrix
from xzzf.problems import count
from xzzf.receipt import first_problem
from xzzf.units import Registry
from xzzf.vocabulary import FileStatus, UnitStatus

DRY_RUN = "试运行"


def run_log() -> logging.Logger | logging.LoggerAdapter:
    """The run logger: its lines are on the flow run's page, not only in the worker's output."""
    try:
        return get_run_logger()
    except MissingContextError:  # called outside a run (a test of one step)
        return logging.getLogger("xzzf")


def code_span(text: str) -> str:
    """`text` as a markdown code span: shown and copied as it is — a share path's backslashes
    too, which the UI would otherwise take for escapes — whatever backticks it holds."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"{fence}{text}{fence}"


def _key(key: str, dry_run: bool) -> str:
    return f"dry-run-{key}" if dry_run else key


def _description(text: str, dry_run: bool) -> str:
    return f"【{DRY_RUN}，未记录】{text}" if dry_run else text


def _unit(code: str | None, registry: Registry) -> str:
    if code is None:
        return "（未识别）"
    return registry.get(code).name if code in registry else code


def period_artifacts(entries: list[FileEntry], statuses: dict[str, UnitStatus], reasons: dict[str, str],
                     registry: Registry, period: str, as_of: str, dry_run: bool, notes: list[str]) -> None:
    """The period's files and the status of every unit that owes the period, by name and code,
    with the reason of every rejection, 免报 and 延期; `notes`: what its description must also
    say (the calendar its due days rest on)."""
    mine = [e for e in entries if e.period == period]
    others = len(entries) - len(mine)
    create_table_artifact(
        key=_key(f"submissions-{period}", dry_run),
        description=_description(f"{period} 报送文件（数据截至 {as_of}；其他期间或未识别期间的文件 {others} 个未列出）",
                                 dry_run),
        table=[{"单位编码": e.unit or "", "单位": _unit(e.unit, registry), "文件": e.path,
                "状态": FileStatus.label_of(e.status), "错误数": count(e.errors), "提醒数": count(e.warnings),
                "退回原因（第一处错误）": first_problem(e.errors) or "—"} for e in mine])
    create_table_artifact(
        key=_key(f"units-{period}", dry_run),
        description=_description(f"{period} 各单位报送状态（数据截至 {as_of}）" + noted(notes), dry_run),
        table=[{"单位编码": code, "单位": _unit(code, registry), "状态": status.label,
                "说明": reasons.get(code, "—")}
               for code, status in statuses.items()])


def noted(notes: list[str]) -> str:
    """Notes that go with an artifact, each its own paragraph after its title."""
    return "".join(f"\n\n注意：{note}" for note in notes)


def matrix_artifact(matrix: ReportingMatrix, dry_run: bool) -> None:
    """The year's reporting matrix, units × months."""
    title = f"{matrix.year} 年报送情况（数据截至 {matrix.as_of:%Y-%m-%d %H:%M}）"
    create_markdown_artifact(key=_key(f"reporting-matrix-{matrix.year}", dry_run),
                             description=_description(title, dry_run),
                             markdown=matrix.markdown(f"【{DRY_RUN}】{title}" if dry_run else title))


def reminders_artifact(title: str, body: str, dry_run: bool) -> str:
    """What a reminders run owed and what became of each mail; returns the title as shown (a
    dry run's marked)."""
    shown = _description(title, dry_run)
    create_markdown_artifact(key=_key("reminders", dry_run), description=shown, markdown=f"## {shown}\n\n{body}")
    return shown
