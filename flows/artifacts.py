"""What a run shows on its page in the Prefect UI: artifacts in Chinese for the period asked,
its log lines through the run logger, and the state it ends in. A dry run's artifacts carry
their own keys and say 试运行, so they never replace a real run's latest ones."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import re
from contextvars import ContextVar
from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.schemas.objects import State
from prefect.exceptions import FailedRun, MissingContextError
from prefect.logging import get_run_logger
from prefect.states import Completed, Failed

from connectors.store_lock import StoreBusy
from xzzf.adjustments import AdjustmentError
from xzzf.backup import BackupError
from xzzf.intake import FileEntry
from xzzf.matrix import ReportingMatrix
from xzzf.periods import BEIJING
from xzzf.plans import PlanError
from xzzf.problems import count
from xzzf.quality import HOW_TO_CLOSE, quality_rows
from xzzf.receipt import first_problem
from xzzf.settings import SettingsError
from xzzf.tables import markdown_table
from xzzf.units import Registry, RegistryError
from xzzf.vocabulary import FileStatus, RunEnd, UnitStatus

DRY_RUN = "试运行"


def run_log() -> logging.Logger | logging.LoggerAdapter:
    """The run logger: its lines are on the flow run's page, not only in the worker's output."""
    try:
        return get_run_logger()
    except MissingContextError:  # called outside a run (a test of one step)
        return logging.getLogger("xzzf")


# What a run may answer instead of doing what was asked: each the state it then ends in.
REFUSALS = {SettingsError: RunEnd.REFUSED, RegistryError: RunEnd.REFUSED, AdjustmentError: RunEnd.REFUSED,
            PlanError: RunEnd.REFUSED, BackupError: RunEnd.REFUSED, StoreBusy: RunEnd.STORE_BUSY}

_written = ContextVar[list[Path] | None]("xzzf_mail_written", default=None)


def answered(flow_function):
    """Under every @flow: a refusal ends the run Failed, named as REFUSALS says, with the
    Chinese reason as its message and in one log line — an answer, not a crash, so no
    traceback (any other exception is a defect and keeps Prefect's). A run that wrote its
    mail to files because no mail server is set ends Completed, named 未配置邮件."""

    @functools.wraps(flow_function)
    def run(*args, **kwargs):
        written = []  # appended to by this run's tasks too: they share the list, not the variable
        token = _written.set(written)
        try:
            result = flow_function(*args, **kwargs)
        except tuple(REFUSALS) as error:
            reason = str(error)
            run_log().error("%s", reason)
            return Failed(name=next(end for kind, end in REFUSALS.items() if isinstance(error, kind)).label,
                          message=reason)
        finally:
            _written.reset(token)
        if written and not isinstance(result, State):  # a state it chose (邮件未发送) stands
            return _no_mail_server(result, written)
        return result

    # Resolved here: Prefect would resolve the flow's annotations (text, in its module) in
    # this module, where its parameter types are unknown.
    run.__signature__ = inspect.signature(flow_function, eval_str=True)
    return run


def mail_written(eml: Path) -> None:
    """A mail of this run written to a file because no mail server is set (XZZF_SMTP_HOST)."""
    if (written := _written.get()) is not None:
        written.append(eml)


def _no_mail_server(result, written: list[Path]):
    message = (f"未设置邮件服务器（XZZF_SMTP_HOST）：本次运行的 {len(written)} 封邮件没有发出，只写成了文件"
               f"（{written[0].parent}）。运行的其他工作已完成；设置邮件服务器后，请把这些文件中的邮件另行发出")
    create_markdown_artifact(key="mail-not-configured", description=f"{RunEnd.NO_MAIL_SERVER.label}：邮件没有发出",
                             markdown=f"## {RunEnd.NO_MAIL_SERVER.label}\n\n{message}：\n\n"
                                      + "\n".join(f"- {path.name}" for path in written))
    return Completed(name=RunEnd.NO_MAIL_SERVER.label, message=message, data=result)


class _NoTracebackForAnswers(logging.Filter):
    """A run that ends in a state it chose (已拒绝, 邮件未发送) is re-raised by Prefect's engine
    in a deployed run as FailedRun, logged as an "unexpected exception" with its traceback;
    a refusal raised in a task is logged by the task with its traceback. Both are answers the
    run's own line already gives: dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, (FailedRun, *REFUSALS))


for _name in ("prefect.flow_runs", "prefect.task_runs"):
    logging.getLogger(_name).addFilter(_NoTracebackForAnswers())


def beijing(moment: dt.datetime) -> str:
    """A moment as every artifact shows it: to the minute, in Beijing time, saying so."""
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M}（北京时间）"


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
    units_artifact(statuses, reasons, registry, period, as_of, dry_run, notes)


def units_artifact(statuses: dict[str, UnitStatus], reasons: dict[str, str], registry: Registry, period: str,
                   as_of: str, dry_run: bool, notes: list[str]) -> None:
    """The status of every unit that owes the period, by name and code, with its reason."""
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
    title = f"{matrix.year} 年报送情况（数据截至 {beijing(matrix.as_of)}）"
    create_markdown_artifact(key=_key(f"reporting-matrix-{matrix.year}", dry_run),
                             description=_description(title, dry_run),
                             markdown=matrix.markdown(f"【{DRY_RUN}】{title}" if dry_run else title))


def report_artifact(key: str, title: str, body: str, dry_run: bool) -> str:
    """What a run did, under its title (a reminders run: what it owed and what became of each
    mail); returns the title as shown (a dry run's marked)."""
    shown = _description(title, dry_run)
    create_markdown_artifact(key=_key(key, dry_run), description=shown, markdown=f"## {shown}\n\n{body}")
    return shown


def quality_artifact(run, view=None) -> None:
    """The data-quality signals open as of the run (flows.setup.Run; `view`: its view, when
    the caller has it), for the run's page: the same list as the summary's 数据质量 sheet."""
    rows = quality_rows(run.open_signals(view=view), run.registry)
    body = markdown_table(rows) if len(rows) > 1 else "没有待核实的数据质量提醒。"
    create_markdown_artifact(key=_key("data-quality", run.dry_run),
                             description=_description("数据质量提醒（待核实）", run.dry_run),
                             markdown=f"## 数据质量提醒（截至 {beijing(run.as_of)}）\n\n{HOW_TO_CLOSE}\n\n{body}")
