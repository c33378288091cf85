"""The `xzzf` command: runs the flows locally (Prefect's ephemeral API, no server needed)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(help="xzzf：行政执法月报的收取、校验、回执与年度报告", no_args_is_help=True,
                  pretty_exceptions_enable=False)

Inbox = Annotated[Path | None, typer.Option("--inbox", help="收件文件夹（XZZF_INBOX）")]
Units = Annotated[Path | None, typer.Option("--units", help="单位名册 units.yaml（XZZF_UNITS）")]
Db = Annotated[str | None, typer.Option("--db", help="数据库 URL（XZZF_DATABASE_URL）")]
Out = Annotated[Path | None, typer.Option("--out", help="输出文件夹（XZZF_OUT）")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="as-of 日期 YYYY-MM-DD（默认今天，北京时间）")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="只读取和校验，不记录、不归档、不入库、不发送")]


def _local_prefect() -> None:
    """No telemetry and no downloads at run time; a lean temporary Prefect server, given time
    to start on a busy machine (Prefect's 20 s is not enough on two loaded cores)."""
    for name, value in (("GX_ANALYTICS_ENABLED", "False"), ("DO_NOT_TRACK", "1"),
                        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
                        ("PREFECT_UI_ENABLED", "false"),  # nobody sees a temporary server's UI
                        ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")):
        os.environ.setdefault(name, value)


def _refuse(message: str) -> NoReturn:
    """A wrong setting or flag: one line naming it, exit code 2."""
    typer.secho(f"错误：{' '.join(message.split())}", err=True, fg="red")  # one line, even a YAML error's
    raise typer.Exit(2)


def _check(*, inbox: Path | None = None, units: Path | None = None, db: str | None = None,
           out: Path | None = None, only: list[str] | None = None, needs_inbox: bool = False) -> None:
    """What the flow's prepare() needs, checked before Prefect starts: a wrong value ends here
    as one line naming it, instead of a flow-run traceback, and before any file is read."""
    from connectors.inbox import Inbox as InboxFolder
    from flows.runtime import open_store
    from xzzf.settings import SettingsError, load_settings
    from xzzf.units import RegistryError, load_registry

    try:
        settings = load_settings(inbox=inbox, units=units, database_url=db, out=out)
    except SettingsError as error:
        _refuse(str(error))
    try:
        registry = load_registry(settings.units)
    except RegistryError as error:
        _refuse(f"{error}（设置 XZZF_UNITS 或 --units）")
    try:
        registry.only(only)
    except RegistryError as error:
        _refuse(f"--only 无效：{error}")
    if needs_inbox:
        try:
            InboxFolder(settings.inbox).check()
        except FileNotFoundError as error:
            _refuse(str(error))
    try:  # last: connecting creates the default SQLite file, worth it only for a run that starts
        open_store(settings).engine.dispose()
    except SettingsError as error:
        _refuse(str(error))


def _run(call):
    """Run a flow on a temporary Prefect server tied to this command. A wrong setting the flow
    still meets (changed since the checks) exits with code 2; anything else is a defect: its
    traceback and exit code 1."""
    from flows.runtime import start_local_server
    from xzzf.settings import SettingsError
    from xzzf.units import RegistryError

    start_local_server()
    try:
        result = call()
    except (SettingsError, RegistryError) as error:
        _refuse(str(error))
    typer.echo(result)


def _as_of(text: str | None, *, date_only: bool = False):
    """The --as-of value; monthly and annual take a date, as their flows' as_of parameter does."""
    from xzzf.periods import parse_as_of

    if text is None:
        return None
    try:
        value = parse_as_of(text)
    except ValueError as error:
        _refuse(f"--as-of {text} 无效：{error}")
    if date_only and isinstance(value, dt.datetime):
        _refuse(f"--as-of {text} 无效：应为日期 YYYY-MM-DD，如 2026-11-06")
    return value


def _period(text: str) -> str:
    from xzzf.periods import PERIOD_PATTERN, YEARS

    if not re.fullmatch(PERIOD_PATTERN, text):
        _refuse(f"--period {text} 无效：报送期间应为 YYYY-MM，如 2026-10")
    if int(text[:4]) not in YEARS:
        _refuse(f"--period {text} 无效：年份应在 {YEARS[0]} 到 {YEARS[-1]} 之间")
    return text


def _year(text: str) -> int:
    from xzzf.periods import YEARS

    if not text.isdigit() or int(text) not in YEARS:
        _refuse(f"--year {text} 无效：报告年度应为 {YEARS[0]} 到 {YEARS[-1]} 之间的年份，如 2026")
    return int(text)


def _codes(only: str | None) -> list[str] | None:
    return [code.strip() for code in only.split(",") if code.strip()] if only else None


def _s(path: Path | None) -> str | None:
    return str(path) if path is not None else None


@app.command()
def intake(inbox: Inbox = None, units: Units = None, db: Db = None, out: Out = None,
           as_of: AsOf = None, dry_run: DryRun = False) -> None:
    """收取：扫描收件文件夹，读取、校验并入库新文件，写出运行报告。"""
    moment = _as_of(as_of)
    _check(inbox=inbox, units=units, db=db, out=out, needs_inbox=True)
    _local_prefect()
    from flows.intake import intake as flow

    _run(lambda: flow(as_of=moment, dry_run=dry_run, inbox=_s(inbox), units=_s(units), db=db, out=_s(out)))


@app.command()
def monthly(
    period: Annotated[str, typer.Option("--period", help="报送期间 YYYY-MM")],
    inbox: Inbox = None, units: Units = None, db: Db = None, out: Out = None,
    as_of: AsOf = None,
    only: Annotated[str | None, typer.Option("--only", help="只处理这些单位编码，逗号分隔")] = None,
    dry_run: DryRun = False,
    resend: Annotated[bool, typer.Option("--resend", help="重新发送已发送过的邮件")] = False,
) -> None:
    """月度收集：收取新文件，并给出该期间各单位的报送状态。"""
    period, moment, codes = _period(period), _as_of(as_of, date_only=True), _codes(only)
    _check(inbox=inbox, units=units, db=db, out=out, only=codes, needs_inbox=True)
    _local_prefect()
    from flows.monthly import monthly as flow

    _run(lambda: flow(period=period, as_of=moment, only_units=codes, dry_run=dry_run, resend=resend,
                      inbox=_s(inbox), units=_s(units), db=db, out=_s(out)))


@app.command()
def demo(out: Annotated[Path, typer.Option("--out", help="演示输出文件夹（会先清空）")] = Path("out/demo")) -> None:
    """演示：按场景表生成一年的示例收件文件夹，逐月运行收取和月度收集，再生成年度报告，并说明结果在哪里。"""
    _local_prefect()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # the month-by-month progress is the output
    from flows.demo import run_demo

    _run(lambda: run_demo(out))


@app.command()
def templates(
    period: Annotated[str, typer.Option("--period", help="报送期间 YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="模板输出文件夹")],
    units: Units = None, db: Db = None,
    only: Annotated[str | None, typer.Option("--only", help="只生成这些单位编码，逗号分隔")] = None,
) -> None:
    """模板：为每个报送单位生成该期间的月报模板（预填上月人员、未办结投诉和任务进展）。"""
    period, codes = _period(period), _codes(only)
    _check(units=units, db=db, only=codes)
    _local_prefect()
    from flows.templates import templates as flow

    _run(lambda: flow(period=period, out=str(out), only_units=codes, units=_s(units), db=db))


@app.command()
def annual(
    year: Annotated[str, typer.Option("--year", metavar="YYYY", help="报告年度")],
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
    resend: Annotated[bool, typer.Option("--resend", help="重新发送已发送过的邮件")] = False,
) -> None:
    """年度报告：计算该年度指标，生成报告工作簿、Word 草稿、figures-<Y>.json 和公开数据，并发送给司法局。"""
    number, moment = _year(year), _as_of(as_of, date_only=True)
    _check(units=units, db=db, out=out)
    _local_prefect()
    from flows.annual import annual as flow

    _run(lambda: flow(year=number, as_of=moment, resend=resend, units=_s(units), db=db, out=_s(out)))
