"""The `xzzf` command: runs the flows locally (Prefect's ephemeral API, no server needed)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="xzzf：行政执法月报的收取、校验、回执与年度报告", no_args_is_help=True,
                  pretty_exceptions_enable=False)

Inbox = Annotated[Path | None, typer.Option("--inbox", help="收件文件夹（XZZF_INBOX）")]
Units = Annotated[Path | None, typer.Option("--units", help="单位名册 units.yaml（XZZF_UNITS）")]
Db = Annotated[str | None, typer.Option("--db", help="数据库 URL（XZZF_DATABASE_URL）")]
Out = Annotated[Path | None, typer.Option("--out", help="输出文件夹（XZZF_OUT）")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="as-of 日期 YYYY-MM-DD（默认今天，北京时间）")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="只读取和校验，不记录、不归档、不入库、不发送")]


def _quiet_telemetry() -> None:
    """No telemetry and no downloads at run time; a lean temporary Prefect server."""
    for name, value in (("GX_ANALYTICS_ENABLED", "False"), ("DO_NOT_TRACK", "1"),
                        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
                        ("PREFECT_UI_ENABLED", "false")):  # nobody sees a temporary server's UI
        os.environ.setdefault(name, value)


def _run(call):
    """Run a flow; a wrong setting or input ends with its message and exit code 2."""
    from prefect.exceptions import ParameterTypeError

    from xzzf.settings import SettingsError
    from xzzf.units import RegistryError

    try:
        result = call()
    except (SettingsError, RegistryError, ParameterTypeError, ValueError, FileNotFoundError) as error:
        typer.secho(f"错误：{error}", err=True, fg="red")
        raise typer.Exit(2) from None
    typer.echo(result)


def _as_of(text: str | None):
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        typer.secho(f"错误：--as-of {text!r} 无效，应为 YYYY-MM-DD", err=True, fg="red")
        raise typer.Exit(2) from None


@app.command()
def intake(inbox: Inbox = None, units: Units = None, db: Db = None, out: Out = None,
           as_of: AsOf = None, dry_run: DryRun = False) -> None:
    """收取：扫描收件文件夹，读取、校验并入库新文件，写出运行报告。"""
    _quiet_telemetry()
    from flows.intake import intake as flow

    _run(lambda: flow(as_of=_as_of(as_of), dry_run=dry_run, inbox=_s(inbox), units=_s(units),
                      db=db, out=_s(out)))


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
    _quiet_telemetry()
    from flows.monthly import monthly as flow

    _run(lambda: flow(period=period, as_of=_as_of(as_of), only_units=_codes(only), dry_run=dry_run,
                      resend=resend, inbox=_s(inbox), units=_s(units), db=db, out=_s(out)))


def _codes(only: str | None) -> list[str] | None:
    return [code.strip() for code in only.split(",") if code.strip()] if only else None


def _s(path: Path | None) -> str | None:
    return str(path) if path is not None else None


@app.command()
def demo(out: Annotated[Path, typer.Option("--out", help="演示输出文件夹（会先清空）")] = Path("out/demo")) -> None:
    """演示：按场景表生成一年的示例收件文件夹，逐月运行收取和月度收集，再生成年度报告，并说明结果在哪里。"""
    _quiet_telemetry()
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
    _quiet_telemetry()
    from flows.templates import templates as flow

    _run(lambda: flow(period=period, out=str(out), only_units=_codes(only), units=_s(units), db=db))


@app.command()
def annual(
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="报告年度")],
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
    resend: Annotated[bool, typer.Option("--resend", help="重新发送已发送过的邮件")] = False,
) -> None:
    """年度报告：计算该年度指标，生成报告工作簿、Word 草稿、figures-<Y>.json 和公开数据，并发送给司法局。"""
    _quiet_telemetry()
    from flows.annual import annual as flow

    _run(lambda: flow(year=year, as_of=_as_of(as_of), resend=resend, units=_s(units), db=db, out=_s(out)))
