"""The `xzzf` command: runs the flows locally (Prefect's ephemeral API, no server needed).

The top of the house: it imports flows/ and connectors/, which import the domain (xzzf/).
Its flags are settings (XZZF_*), put in the environment where the flows read them."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from xzzf.vocabulary import Health, RunEnd

app = typer.Typer(help="xzzf：行政执法月报的收取、校验、回执与年度报告", no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  epilog="退出码：0 完成；2 设置或参数有误，或运行拒绝了请求；3 另一个运行正在使用数据库；"
                         "4 邮件未能发送（数据已保存）；5 磁盘已满（释放空间后重新运行）；"
                         "6 健康检查（doctor）有未通过的项；1 程序错误")

Inbox = Annotated[Path | None, typer.Option("--inbox", help="收件文件夹（XZZF_INBOX）")]
Units = Annotated[Path | None, typer.Option("--units", help="单位名册 units.yaml（XZZF_UNITS）")]
Db = Annotated[str | None, typer.Option("--db", help="数据库 URL（XZZF_DATABASE_URL）")]
Out = Annotated[Path | None, typer.Option("--out", help="输出文件夹（XZZF_OUT）")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="as-of 日期 YYYY-MM-DD（默认今天，北京时间）")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="只读取和校验，不记录、不归档、不入库、不发送")]


@app.callback()
def _local_prefect() -> None:
    """No telemetry and no downloads at run time; a lean temporary Prefect server, given time
    to start on a busy machine (Prefect's 20 s is not enough on two loaded cores). Set before
    any command starts: Prefect reads its settings once, when first imported (by the as-of
    check, before the command's flow), and what is put in the environment later is lost."""
    for name, value in (("GX_ANALYTICS_ENABLED", "False"), ("DO_NOT_TRACK", "1"),
                        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
                        ("PREFECT_UI_ENABLED", "false"),  # nobody sees a temporary server's UI
                        ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")):
        os.environ.setdefault(name, value)


def _say(message: str) -> None:
    typer.secho(f"错误：{' '.join(message.split())}", err=True, fg="red")  # one line, even a YAML error's


def _refuse(message: str, code: int = 2) -> NoReturn:
    """One line naming what stops the command: a wrong setting or flag (exit code 2), or
    another run holding the store (exit code 3)."""
    _say(message)
    raise typer.Exit(code)


FULL_DISK = 5  # the exit code of a command that found a disk full
UNHEALTHY = 6  # the exit code of `doctor` when a check failed
# The exit code of a run that ended in a state it chose, by the state's name (README 退出码).
EXIT_CODES = {RunEnd.REFUSED.label: 2, RunEnd.STORE_BUSY.label: 3, RunEnd.MAIL_UNSENT.label: 4}


def main() -> None:
    """The console command (pyproject's entry point). A full disk, met wherever the command
    writes (the store's lock in its checks, the database, a file in the flow), is no defect:
    one line naming where, exit code 5; what was done is kept, the next run does the rest."""
    from flows.runtime import full_disk, where_full

    try:
        app()
    except Exception as error:
        full = full_disk(error)
        if full is None:
            raise
        _say(f"磁盘已满，无法写入{where_full(full, _settings())}：请释放该磁盘的空间后重新运行；"
             "已完成的部分不会丢失，重新运行会补上其余的")
        sys.exit(FULL_DISK)


class _NoFullDiskTraceback(logging.Filter):
    """Prefect logs a failed task or flow run with its traceback; a full disk is the command's
    one line (main()), so the console keeps the log's message and drops its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flows.runtime import full_disk

        if record.exc_info and full_disk(record.exc_info[1]):
            record.exc_info, record.exc_text = None, None
        return True


def _use(**flags) -> None:
    """The flags given, as the settings they override: a flow takes where it runs from the
    environment (a deployed run from the deployment's), never from its parameters."""
    for name, value in flags.items():
        if value is not None:
            os.environ[f"XZZF_{name.upper()}"] = str(value)


def _settings():
    """The settings, flags included; a wrong one ends the command (exit code 2)."""
    from xzzf.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        _refuse(str(error))


def _store(settings):
    """The store, connected; last of the checks: connecting creates the default SQLite file."""
    from flows.runtime import open_store
    from xzzf.settings import SettingsError

    try:
        return open_store(settings)
    except SettingsError as error:
        _refuse(str(error))


def _hold(store, settings, command: str):
    """The store held for this command (`with`); a run that holds it for longer than
    XZZF_LOCK_WAIT_S ends the command with one line naming that run, exit code 3."""
    from connectors.store_lock import StoreBusy

    try:
        return store.lock(command, settings.lock_wait_s, dt.datetime.now(dt.UTC))
    except StoreBusy as error:
        _refuse(str(error), code=3)


def _check(*, only: list[str] | None = None, needs_inbox: bool = False, writer: str | None = None) -> None:
    """What the flow's prepare() needs, checked before Prefect starts: a wrong value ends here
    as one line naming it, instead of a flow-run traceback, and before any file is read. A
    command that writes (`writer`, its name) first waits here for a run that holds the store."""
    from connectors.inbox import Inbox as InboxFolder
    from xzzf.units import RegistryError, load_registry

    settings = _settings()
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
    store = _store(settings)
    if writer:  # only waits: held across Prefect's start it would shut out the flow's own hold
        with _hold(store, settings, writer):
            pass
    store.engine.dispose()


def _run(call, meanwhile=None):
    """Run a flow on a temporary Prefect server tied to this command (`meanwhile`: what to
    start while the command only waits for that server); `call` asks for the flow's final
    state (return_state=True). A run that ends in a state it chose ends the command as its
    name says (EXIT_CODES): a refusal — a wrong setting or decision the flow still meets —
    with code 2, a run that took the store since the checks with code 3, a run that did its
    work but could not send its own mail with code 4 (its message says the data are safe),
    each as one line; a full disk with code 5 (main()); anything else is a defect: its
    traceback and exit code 1."""
    from prefect.client.schemas.objects import State

    from flows.runtime import check_server_login, no_heartbeats_unheard, start_local_server
    from xzzf.adjustments import AdjustmentError
    from xzzf.settings import SettingsError
    from xzzf.units import RegistryError

    for handler in logging.getLogger().handlers:  # Prefect's console, set up as it was imported
        handler.addFilter(_NoFullDiskTraceback())
    try:
        check_server_login()  # a real server (PREFECT_API_URL) that asks for a login
    except SettingsError as error:
        _refuse(str(error))
    try:
        start_local_server(meanwhile)
    except SettingsError as error:
        _refuse(str(error))
    try:
        with no_heartbeats_unheard():
            result = call()
    except (SettingsError, RegistryError, AdjustmentError) as error:  # met outside a flow (the demo's checks)
        _refuse(str(error))
    if isinstance(result, State):
        if result.name in EXIT_CODES:
            _refuse(result.message or result.name, code=EXIT_CODES[result.name])
        result = result.result()  # a defect raises here
    typer.echo(result)


def _as_of(text: str | None, *, date_only: bool = False, records: bool = False):
    """The --as-of value; monthly and annual take a date, as their flows' as_of parameter does.
    A run that records may not be dated after today (flows.setup.refuse_future)."""
    from flows.setup import refuse_future
    from xzzf.periods import as_of_time, parse_as_of
    from xzzf.settings import SettingsError

    if text is None:
        return None
    try:
        value = parse_as_of(text)
    except ValueError as error:
        _refuse(f"--as-of {text} 无效：{error}")
    if date_only and isinstance(value, dt.datetime):
        _refuse(f"--as-of {text} 无效：应为日期 YYYY-MM-DD，如 2026-11-06")
    if records:
        now = dt.datetime.now(dt.UTC)
        try:
            refuse_future(f"--as-of {text}", as_of_time(value, now), now, dry_run="--dry-run")
        except SettingsError as error:
            _refuse(str(error))
    return value


def _period(text: str) -> str:
    from xzzf.periods import PERIOD_PATTERN, PERIOD_RULE, YEARS

    if not re.fullmatch(PERIOD_PATTERN, text):
        _refuse(f"--period {text} 无效：{PERIOD_RULE}")
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


@app.command()
def intake(inbox: Inbox = None, units: Units = None, db: Db = None, out: Out = None,
           as_of: AsOf = None, dry_run: DryRun = False) -> None:
    """收取：扫描收件文件夹，读取、校验并入库新文件，写出运行报告。"""
    moment = _as_of(as_of, records=not dry_run)
    _use(inbox=inbox, units=units, database_url=db, out=out)
    _check(needs_inbox=True, writer=None if dry_run else "intake")
    from flows.intake import intake as flow
    from flows.intake_steps import preload_rules

    _run(lambda: flow(as_of=moment, dry_run=dry_run, return_state=True), meanwhile=preload_rules)


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
    period, moment, codes = _period(period), _as_of(as_of, date_only=True, records=not dry_run), _codes(only)
    _use(inbox=inbox, units=units, database_url=db, out=out)
    _check(only=codes, needs_inbox=True, writer=None if dry_run else "monthly")
    from flows.intake_steps import preload_rules
    from flows.monthly import monthly as flow

    _run(lambda: flow(period=period, as_of=moment, only_units=codes or [], dry_run=dry_run, resend=resend,
                      return_state=True), meanwhile=preload_rules)


@app.command()
def remind(
    units: Units = None, db: Db = None, out: Out = None, as_of: AsOf = None,
    only: Annotated[str | None, typer.Option("--only", help="只提醒这些单位编码，逗号分隔（不发催报名单）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出应发的提醒，不发送、不记录")] = False,
) -> None:
    """提醒：截止日前提醒尚未报送的单位（附预填模板），截止日后催报并把名单发给司法局，
    任务完成时限前 30 天提醒责任单位；每项只发一次。"""
    moment, codes = _as_of(as_of, date_only=True, records=not dry_run), _codes(only)
    _use(units=units, database_url=db, out=out)
    _check(only=codes, writer=None if dry_run else "reminders")
    from flows.reminders import reminders as flow

    _run(lambda: flow(as_of=moment, only_units=codes or [], dry_run=dry_run, return_state=True))


DemoOut = Annotated[Path, typer.Option(
    "--out", help="演示输出文件夹：新的或空的文件夹，或之前演示生成的文件夹（会先清空）")]


@app.command()
def demo(out: DemoOut = Path("out/demo")) -> None:
    """演示：按场景表生成一年的示例收件文件夹，逐月运行收取和月度收集，再生成年度报告，并说明结果在哪里。"""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # the month-by-month progress is the output
    from flows.demo import check_folder, run_demo
    from xzzf.settings import SettingsError

    try:  # before Prefect starts; run_demo checks again as it empties the folder
        check_folder(out)
    except SettingsError as error:
        _refuse(str(error))
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
    _use(units=units, database_url=db, templates=out)
    _check(only=codes)
    from flows.templates import templates as flow

    _run(lambda: flow(period=period, only_units=codes or [], return_state=True))


@app.command()
def annual(
    year: Annotated[str, typer.Option("--year", metavar="YYYY", help="报告年度")],
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
    preview: Annotated[bool, typer.Option(
        "--preview", help="年度尚未结束时生成预览文件（标为“预览”，不记为已报送，不发送）")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="重新发送已发送过的邮件")] = False,
) -> None:
    """年度报告：计算该年度指标，生成报告工作簿、Word 草稿、figures-<Y>.json 和公开数据，并发送给司法局。"""
    number, moment = _year(year), _as_of(as_of, date_only=True)
    if not preview:  # a year not ended yet: refused here, before anything is opened, as the flow would
        from flows.annual_steps import refuse_unfinished
        from xzzf.periods import as_of_time
        from xzzf.settings import SettingsError

        try:
            refuse_unfinished(number, as_of_time(moment, dt.datetime.now(dt.UTC)), preview="--preview")
        except SettingsError as error:
            _refuse(str(error))
    _use(units=units, database_url=db, out=out)
    _check(writer="annual")
    from flows.annual import annual as flow

    _run(lambda: flow(year=number, as_of=moment, preview=preview, resend=resend, return_state=True))


Reason = Annotated[str, typer.Option("--reason", help="理由（必填，列入调整记录）")]
Operator = Annotated[str, typer.Option("--operator", help="经办人姓名（必填）")]
UnitCode = Annotated[str, typer.Option("--unit", help="单位编码")]


def _decision(kind, unit: str, period: str, reason: str, operator: str, until: dt.date | None = None) -> None:
    """A decision's own checks, before Prefect starts: the flow makes them again, with the store."""
    from xzzf.adjustments import AdjustmentError, check_adjustment
    from xzzf.periods import due_day
    from xzzf.units import load_registry

    settings = _settings()
    try:
        check_adjustment(kind, load_registry(settings.units), unit, period, reason, operator,
                         due_day(period, settings.due_day, settings.calendar()), until)
    except AdjustmentError as error:
        _refuse(str(error))


def _ready(kind, command: str, unit: str, period: str, reason: str, operator: str, as_of: str | None,
           units, db, out, until: dt.date | None = None) -> tuple[str, object]:
    """What every decision command checks before Prefect starts (its flow checks again, with
    the store): its month and as-of, its settings, the decision itself; then it waits for a
    run holding the store. The period and as-of its flow takes."""
    period, moment = _period(period), _as_of(as_of, date_only=True, records=True)
    _use(units=units, database_url=db, out=out)
    _decision(kind, unit, period, reason, operator, until)
    _check(writer=command)
    return period, moment


@app.command()
def adjust(
    unit: UnitCode, period: Annotated[str, typer.Option("--period", help="报送期间 YYYY-MM")],
    kind: Annotated[str, typer.Option("--kind", help="决定：延期 或 免报")],
    reason: Reason, operator: Operator,
    until: Annotated[str | None, typer.Option("--until", help="延期至 YYYY-MM-DD（仅延期）")] = None,
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """延期或免报：某单位某月延期至某日（该日前收到算按时），或该月免报（不计入应报送月数和按时报送率）。"""
    from xzzf.vocabulary import AdjustmentKind

    kinds = {k.label: k for k in (AdjustmentKind.EXTENSION, AdjustmentKind.EXEMPTION)}
    if kind not in kinds:
        _refuse(f"--kind {kind} 无效：应为 延期 或 免报")
    if until is not None and kinds[kind] == AdjustmentKind.EXEMPTION:
        _refuse("--until 只用于延期；免报不需要日期")
    try:
        day = dt.date.fromisoformat(until) if until else None
    except ValueError:
        _refuse(f"--until {until} 无效：延期至应为 YYYY-MM-DD，如 2026-11-20")
    period, moment = _ready(kinds[kind], "adjust", unit, period, reason, operator, as_of, units, db, out, day)
    from flows.adjustments import adjust as flow

    _run(lambda: flow(unit=unit, period=period, kind=kind, until=day, reason=reason, operator=operator,
                      as_of=moment, return_state=True))


@app.command()
def withdraw(
    unit: UnitCode, period: Annotated[str, typer.Option("--period", help="报送期间 YYYY-MM")],
    reason: Reason, operator: Operator,
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """撤销受理：撤销某单位某月在用文件的受理（文件和数据保留备查），此前受理的文件恢复有效，并给单位回执。"""
    from xzzf.vocabulary import AdjustmentKind

    period, moment = _ready(AdjustmentKind.WITHDRAWAL, "withdraw", unit, period, reason, operator, as_of,
                            units, db, out)
    from flows.adjustments import withdraw as flow

    _run(lambda: flow(unit=unit, period=period, reason=reason, operator=operator, as_of=moment, return_state=True))


@app.command()
def revoke(
    number: Annotated[int, typer.Option("--number", help="要撤回的决定编号（见调整记录）", min=1)],
    reason: Reason, operator: Operator,
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """撤回决定：此前的某项决定（延期、免报、撤销受理、复核）不再有效；原决定保留在调整记录中。"""
    _decide_on_number("revoke", number, reason, operator, as_of, units, db, out)


@app.command()
def verify(
    number: Annotated[int, typer.Option("--number", help="要核实的数据质量提醒编号（见“数据质量”表）", min=1)],
    reason: Reason, operator: Operator,
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """已核实：某条数据质量提醒的数据经核实无误，提醒关闭；决定列入调整记录，可用 revoke 撤回。"""
    _decide_on_number("verify", number, reason, operator, as_of, units, db, out)


def _decide_on_number(command: str, number: int, reason: str, operator: str, as_of: str | None,
                      units: Path | None, db: str | None, out: Path | None) -> None:
    """A decision about something the 司法局 names by its number (an earlier decision to revoke,
    a data-quality signal to verify): who and why checked before Prefect starts, then its flow."""
    moment = _as_of(as_of, date_only=True, records=True)
    _use(units=units, database_url=db, out=out)
    for value, words in ((operator, "请填写经办人姓名（--operator）"), (reason, "请填写理由（--reason）")):
        if not value.strip():
            _refuse(words)
    _check(writer=command)
    if command == "revoke":
        from flows.adjustments import revoke as flow
    else:
        from flows.quality import verify as flow

    _run(lambda: flow(number=number, reason=reason, operator=operator, as_of=moment, return_state=True))


@app.command()
def recheck(
    period: Annotated[str, typer.Option("--period", help="报送期间 YYYY-MM")],
    reason: Reason, operator: Operator,
    unit: Annotated[str, typer.Option("--unit", help="只复核这个单位的文件（留空为该月全部单位）")] = "",
    file: Annotated[str, typer.Option("--file", help="只复核这一个文件（运行报告中的“文件”）")] = "",
    as_of: AsOf = None, units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """复核：按现行规则重新读取、校验已收到的文件（一个文件、某单位某月或整月），结论改变的文件改按新结论计入，并给单位复核回执。"""
    from xzzf.vocabulary import AdjustmentKind

    period, moment = _ready(AdjustmentKind.RECHECK, "recheck", unit, period, reason, operator, as_of,
                            units, db, out)
    from flows.recheck import recheck as flow

    _run(lambda: flow(period=period, unit=unit, file=file, reason=reason, operator=operator, as_of=moment,
                      return_state=True))


@app.command("resend-receipts")
def resend_receipts(
    unit: UnitCode, period: Annotated[str, typer.Option("--period", help="报送期间 YYYY-MM")],
    to: Annotated[str, typer.Option("--to", help="改发到这个邮箱（默认：单位名册中该单位的邮箱）")] = "",
    units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """重发回执：把某单位某月的全部回执重新发到单位的邮箱，或 --to 给出的邮箱；每次运行发送一次。"""
    from xzzf.adjustments import AdjustmentError
    from xzzf.resend import resend_request
    from xzzf.units import load_registry

    period = _period(period)
    _use(units=units, database_url=db, out=out)
    _check(writer="resend-receipts")
    settings = _settings()
    try:
        resend_request(settings, load_registry(settings.units), unit, period, to)
    except AdjustmentError as error:
        _refuse(str(error))
    from flows.receipts import resend_receipts as flow

    _run(lambda: flow(unit=unit, period=period, to=to))


@app.command("calendar")
def calendar_command(
    year: Annotated[str, typer.Option("--year", metavar="YYYY", help="年度")],
    calendar_file: Annotated[Path | None, typer.Option("--calendar", help="节假日安排文件（XZZF_CALENDAR）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """节假日：列出该年度各月月报的截止日和首次提醒日，以及是否有官方节假日数据（chinesecalendar 或 XZZF_CALENDAR）。"""
    import json

    from xzzf.calendars import calendar_notes, year_days

    number = _year(year)
    _use(calendar=calendar_file)
    settings = _settings()
    calendar = settings.calendar()
    days = year_days(number, settings.due_day, settings.remind_days, calendar)
    notes = calendar_notes(calendar, [day for period in days for day in (period.remind_from, period.due)])
    if as_json:
        typer.echo(json.dumps({"year": number, "periods": {
            d.period: {"due": d.due.isoformat(), "remind_from": d.remind_from.isoformat(), "official": d.official}
            for d in days}}, ensure_ascii=False, indent=2))
        for note in notes:
            typer.echo(f"注意：{note}", err=True)
        return
    typer.echo(_calendar_table(number, days, calendar, settings.due_day, settings.remind_days, notes))


def _calendar_table(year: int, days, calendar, due_day: int, remind_days: int, notes: list[str]) -> str:
    """The year's due days and first reminder days, for the administrator who asked."""
    weekdays = "一二三四五六日"

    def shown(day: dt.date) -> str:
        return f"{day.isoformat()}（周{weekdays[day.weekday()]}）"

    def basis(d) -> str:
        sources = dict.fromkeys(calendar.source(day) for day in (d.remind_from, d.due))
        return ("官方数据：" + "；".join(sources)) if d.official else "无官方数据，按周一至周五推算"

    lines = [f"{year} 年各月月报：次月 {due_day} 日截止（遇节假日顺延至工作日），截止日前 {remind_days} 个工作日起提醒",
             "报送期间  截止日              首次提醒日          日期依据"]
    lines += [f"{d.period}   {shown(d.due)}  {shown(d.remind_from)}  {basis(d)}" for d in days]
    return "\n".join([*lines, *(f"注意：{note}" for note in notes)])


@app.command()
def doctor(
    inbox: Inbox = None, units: Units = None, db: Db = None, out: Out = None, as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """健康检查：逐项检查运行所需的文件夹、数据库、名册、方案、节假日、邮件和 Prefect（只读）；未通过时退出码为 6。"""
    import json

    from flows.doctor import checkup, summary
    from xzzf.periods import BEIJING, as_of_time

    moment = _as_of(as_of, date_only=True)
    _use(inbox=inbox, units=units, database_url=db, out=out)
    day = as_of_time(moment, dt.datetime.now(dt.UTC)).astimezone(BEIJING).date()
    findings = checkup(day)
    passed = all(f.health != Health.FAILED for f in findings)
    if as_json:
        typer.echo(json.dumps({"as_of": day.isoformat(), "passed": passed, "checks": [
            {"item": f.item, "status": f.health.value, "result": f.result, "action": f.action} for f in findings]},
            ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join([f"健康检查（as-of {day}）", *(f.line for f in findings)]))
    if not passed:
        _refuse(summary(findings), code=UNHEALTHY)
    if not as_json:
        typer.echo(summary(findings))


plan_app = typer.Typer(help="行动方案：导入新的任务分工方案，查看某年度适用的方案", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("import")
def plan_import(
    file: Annotated[Path, typer.Argument(help="方案文件（.txt 或 .docx）", show_default=False)],
    years: Annotated[str, typer.Option("--years", help="适用年度，如 2026-2028")],
    from_month: Annotated[str, typer.Option("--from", help="自哪个月起适用 YYYY-MM（默认适用年度的第一个月）")] = "",
    operator: Annotated[str, typer.Option("--operator", help="经办人（替换已有方案时必填）")] = "",
    reason: Annotated[str, typer.Option("--reason", help="理由（替换已有方案时必填）")] = "",
    units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """导入方案：读取任务分工方案，核对编号、完成时限和责任单位后存为这几年适用的方案；有问题逐条列出，不导入。"""
    from flows.plan_steps import import_plan
    from xzzf.plans import PlanError

    _use(units=units, database_url=db, out=out)
    _check(writer="plan-import")
    settings = _settings()
    store = _store(settings)
    with _hold(store, settings, "plan-import"):
        store.migrate()
        try:
            found = import_plan(store, _registry(settings), file, years, from_month, operator, reason,
                                dt.datetime.now(dt.UTC))
        except PlanError as error:
            _refuse(str(error))
    typer.echo(found)


@plan_app.command("show")
def plan_show(
    year: Annotated[str, typer.Option("--year", metavar="YYYY", help="年度")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """查看方案：某年度适用的方案，逐项列出任务、完成时限和责任单位（--json 为 JSON）。"""
    from flows.plan_steps import show_plan

    number = _year(year)
    _use(units=units, database_url=db, out=out)
    _check()
    settings = _settings()
    store = _store(settings)
    with _hold(store, settings, "plan-show"):
        store.migrate()
        shown = show_plan(store, _registry(settings), number, as_json)
    typer.echo(shown)


def _registry(settings):
    from xzzf.units import load_registry

    return load_registry(settings.units)  # checked by _check


@app.command("repair-scans")
def repair_scans(db: Db = None, out: Out = None) -> None:
    """修复：把晚于今天的扫描记录改回合理的时间，重算被它推迟的文件收到时间，并重新确定有效文件。"""
    from flows.setup import latest_as_of

    _use(database_url=db, out=out)
    settings = _settings()
    store = _store(settings)
    with _hold(store, settings, "repair-scans"):
        store.migrate()
        now = dt.datetime.now(dt.UTC)
        repair = store.repair_future_scans(latest_as_of(now))
    typer.echo(_repaired(repair, now))


def _repaired(repair, now: dt.datetime) -> str:
    """What repair-scans changed, for the administrator who ran it."""
    from xzzf.periods import BEIJING

    def shown(moment: dt.datetime) -> str:
        return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M}"

    if not repair.scans:
        return f"没有晚于今天（{now.astimezone(BEIJING):%Y-%m-%d}）的扫描记录，无需修复"
    lines = [f"已修正 {len(repair.scans)} 条晚于今天的扫描记录："]
    lines += [f"  扫描时间 {shown(old)} → {shown(new) if new else '已删除（它没有记录任何文件，之前也没有扫描）'}"
              for old, new in repair.scans]
    if not repair.arrivals:
        return "\n".join([*lines, "没有文件的收到时间因此被推迟，无需重算"])
    lines.append(f"已重算 {len(repair.arrivals)} 个文件的收到时间，并重新确定了各单位各期间的有效文件：")
    lines += [f"  {path}：{shown(old)} → {shown(new)}" for path, old, new in repair.arrivals]
    lines.append("已发出的回执上仍是原来的收到时间；报送状态以数据库为准，下次运行的报告即为修正后的状态")
    return "\n".join(lines)


@app.command()
def backup(
    to: Annotated[Path, typer.Option("--to", help="备份文件（.zip），如 /mnt/backup/xzzf-2026-12-06.zip")],
    units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """备份：把数据库、输出文件夹（文件存档、回执、运行报告、年度报告、邮件）、模板、单位名册、节假日安排和设置（不含密码）
    写入一个 .zip 文件，附每个文件的 SHA-256 清单；等其他运行结束后进行。"""
    from flows.backup_steps import make_backup

    if to.exists():
        _refuse(f"--to {to} 已存在：请换一个文件名，已有的备份不会被覆盖")
    if not to.parent.is_dir():
        _refuse(f"--to {to} 所在的文件夹不存在：请先创建 {to.parent}")
    _use(units=units, database_url=db, out=out)
    settings = _settings()
    store = _store(settings)
    now = dt.datetime.now(dt.UTC)
    with _hold(store, settings, "backup"):
        store.migrate()
        said = make_backup(settings, store, to, now)
    typer.echo(said)


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="备份文件（xzzf backup 生成的 .zip）", show_default=False)],
    db: Db = None,
    out: Annotated[Path, typer.Option("--out", help="恢复到的输出文件夹：新的或空的文件夹")] = ...,
) -> None:
    """恢复：校验备份文件的清单后，把数据库恢复到空数据库（--db，默认 <out>/xzzf.db），
    把文件恢复到空文件夹（--out）。"""
    from flows import backup_steps
    from xzzf.backup import BackupError

    if not file.is_file():
        _refuse(f"备份文件 {file} 不存在")
    try:
        backup_steps.refuse_filled(out)
        manifest = backup_steps.verified(file)  # before anything is made in --out
    except BackupError as error:
        _refuse(str(error))
    _use(database_url=db, out=out)
    settings = _settings()
    store = _store(settings)
    with _hold(store, settings, "restore"):
        try:
            said = backup_steps.restore(file, manifest, settings, store)
        except BackupError as error:
            _refuse(str(error))
    typer.echo(said)


store_app = typer.Typer(help="数据库：把 SQLite 数据库复制到 PostgreSQL", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("copy")
def store_copy(
    to: Annotated[str, typer.Option("--to", help="目标数据库 URL（空数据库），如 postgresql+psycopg://xzzf@127.0.0.1/xzzf")],
    units: Units = None, db: Db = None, out: Out = None,
) -> None:
    """复制数据库：把当前数据库（默认 <out>/xzzf.db）复制到一个空的 PostgreSQL 数据库，
    核对每张表的行数和各年度指标，并说明要改哪项设置。"""
    from flows.backup_steps import move_store
    from flows.runtime import open_store
    from xzzf.backup import BackupError
    from xzzf.settings import SettingsError

    _use(units=units, database_url=db, out=out)
    _check()
    settings = _settings()
    source = _store(settings)
    try:
        target = open_store(settings.model_copy(update={"database_url": to}))
    except SettingsError as error:
        _refuse(str(error).replace("XZZF_DATABASE_URL（或 --db）", "--to"))
    if target.engine.url == source.engine.url:
        _refuse("--to 与当前数据库相同：请给出一个新建的空数据库")
    now = dt.datetime.now(dt.UTC)
    with _hold(source, settings, "store-copy"):
        source.migrate()
        try:
            said = move_store(settings, source, target, now)
        except BackupError as error:
            _refuse(str(error))
    typer.echo(said)
