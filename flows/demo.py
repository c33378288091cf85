"""`xzzf demo`: a year of a sample district from a fixed seed, driven by the scenario table
(flows/demo_scenario.csv): every month's files dropped into the inbox as the days go by, the
intake and the monthly collection run with the as-of date stepped through the year, then the
annual report. Mail goes to a local SMTP server the demo starts, which keeps each as .eml."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import socket
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser
from pathlib import Path

from connectors.store import Store
from connectors.xlsx_writer import write_sheets
from flows.adjustments import adjust, withdraw
from flows.annual import annual
from flows.intake import intake
from flows.monthly import monthly
from flows.reminders import reminders
from xzzf.adjustments import record_rows
from xzzf.calendars import period_days
from xzzf.catalog import assign
from xzzf.indicators import NAMES
from xzzf.periods import BEIJING, next_period_start
from xzzf.plans import plan_for_year
from xzzf.sample import as_sheets, submission
from xzzf.settings import SettingsError, load_settings
from xzzf.units import SAMPLE_REGISTRY, load_registry
from xzzf.vocabulary import UnitStatus

YEAR = 2025  # the plan's last year (2023–2025): its deadlines fall inside it, and every run is in the past
SCENARIO = Path(__file__).with_name("demo_scenario.csv")


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)


class _MailKeeper:
    """The demo's SMTP server (aiosmtpd on 127.0.0.1): every message kept as an .eml file."""

    def __init__(self, folder: Path):
        from aiosmtpd.controller import Controller

        self.folder = folder
        with socket.socket() as probe:  # a free port on this machine
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.folder.mkdir(parents=True, exist_ok=True)
        count = len(list(self.folder.glob("*.eml"))) + 1
        (self.folder / f"{count:03d}-{message['Subject'][:40]}.eml".replace("/", "-")).write_bytes(envelope.content)
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def settings(self) -> dict[str, str]:
        """The demo's mail settings, as an administrator would put them in the environment."""
        return {"XZZF_SMTP_HOST": "127.0.0.1", "XZZF_SMTP_PORT": str(self.port), "XZZF_SMTP_SECURITY": "none",
                "XZZF_MAIL_FROM": "xzzf@hsb.example.gov.cn", "XZZF_SFJ_RECIPIENTS": "sfj@hsb.example.gov.cn",
                "XZZF_MAIL_BACKOFF_S": "0"}


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """The demo's settings, as an administrator would put them in the environment, for the
    demo's runs only."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _drop(path: Path, sheets, arrived: dt.datetime) -> None:
    """A clerk's file: a workbook, or bytes (a file that is not one)."""
    if isinstance(sheets, bytes):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sheets)
    else:
        write_sheets(path, sheets)
    os.utime(path, (arrived.timestamp(), arrived.timestamp()))


def _plan(event: str, folder: Path, period: str, info: dict, tables: dict, drops: dict) -> None:
    """The files a scenario event puts in the unit's folder, by the day they arrive: the 3rd
    (before the intake of the 4th), the 5th (the usual due day) or the 9th (after it)."""
    good = as_sheets(info, tables)
    if event == "exempt":
        return
    if event in ("late", "late_extended"):
        drops[9].append((folder / f"{period}.xlsx", good))
        return
    if event in ("faulty_date_then_corrected", "extra_column_then_corrected", "xls_then_corrected"):
        drops[3].append(_faulty(event, folder, period, info, tables))
        drops[5].append((folder / f"{period}-更正.xlsx", good))
        return
    if event == "with_warnings":
        tables = json.loads(json.dumps(tables, default=str))
        tables["执法人员"][0]["证件状态"] = "暂扣"  # an enforcer without a valid card: a warning, not an error
        good = as_sheets(info, tables)
    drops[3].append((folder / f"{period}.xlsx", good))
    if event == "duplicate":
        drops[3].append((folder / f"{period}（副本）.xlsx", good))
    if event == "hostile":
        drops[3].append((folder / f"{period}-附件.xlsx", _bomb()))
    if event in ("corrected_after_acceptance", "correction_withdrawn"):
        drops[5].append((folder / f"{period}-更正.xlsx", good))


def _faulty(event: str, folder: Path, period: str, info: dict, tables: dict) -> tuple[Path, object]:
    if event == "xls_then_corrected":  # saved in the old format: refused by its kind alone
        return folder / f"{period}.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    if event == "faulty_date_then_corrected":
        broken = json.loads(json.dumps(tables, default=str))
        broken["执法决定"][0]["决定日期"] = "某月某日"
        return folder / f"{period}-有误.xlsx", as_sheets(info, broken)
    # A column the clerk added to 心理健康活动.
    return folder / f"{period}-有误.xlsx", [
        (title, [[*row, "备注" if n == 0 else ""] for n, row in enumerate(rows)] if title == "心理健康活动" else rows)
        for title, rows in as_sheets(info, tables)]


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (200 << 20))
    return buffer.getvalue()


# The sample registry and one unit set up in the demo year (机构改革): it owes May onwards.
NEW_UNIT = f"  - {{code: HDJD, name: 弘德街道, kind: 街道, enforcement: true, from: {YEAR}-05-01}}\n"
OPERATOR = "演示管理员"
REMINDED_MONTH = 12  # reminders run for December: 报送提醒 before its due day, 催报 after it
# What the 司法局 decides for a scenario event, and on which day of the next month.
DECISIONS = {"late_extended": (6, "延期", "系统故障，单位书面申请延期"),
             "exempt": (6, "免报", "机构改革，当月暂停执法")}


MARKER = ".xzzf-demo"  # in the folder a demo made: the one folder a later demo may empty


def check_folder(out: Path) -> None:
    """The demo empties its folder first, so it takes only one that holds nothing of anyone
    else's: missing, empty, or made by an earlier demo (`--out .` or `--out ~` must never be
    wiped)."""
    if out.exists() and not (out.is_dir() and ((out / MARKER).is_file() or not any(out.iterdir()))):
        raise SettingsError(f"--out {out} 不是空文件夹，也不是之前演示生成的文件夹，演示不会清空它；"
                            "请指定一个新的或空的文件夹")


def prepare_folder(out: Path) -> None:
    """The demo's folder, empty and marked as the demo's."""
    check_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (out / MARKER).write_text("此文件夹由 xzzf demo 生成；再次运行演示会先清空它\n", encoding="utf-8")


def run_demo(out: Path, echo=print) -> str:
    prepare_folder(out)
    inbox, results = out / "inbox", out / "results"
    inbox.mkdir()
    units = out / "units.yaml"
    units.write_text(SAMPLE_REGISTRY.read_text(encoding="utf-8") + NEW_UNIT, encoding="utf-8")
    registry = load_registry(units)
    assignment = assign(plan_for_year([], YEAR).tasks, registry)  # a new store: no plan imported
    events = {(row["unit"], int(row["month"])): row["event"]
              for row in csv.DictReader(SCENARIO.open(encoding="utf-8"))}
    where = {"XZZF_INBOX": str(inbox), "XZZF_OUT": str(results), "XZZF_UNITS": str(units)}
    with _MailKeeper(out / "mail") as mail, _environment({**mail.settings(), **where}):
        for month in range(1, 13):
            period = f"{YEAR}-{month:02d}"
            first = next_period_start(period)
            drops: dict[int, list[tuple[Path, list]]] = {3: [], 5: [], 9: []}  # day of next month → files
            mine = {unit.code: events.get((unit.code, month), "on_time") for unit in registry.owing(period)}
            for unit in registry.owing(period):
                if mine[unit.code] != "missing":
                    _plan(mine[unit.code], inbox / unit.code, period, *submission(unit, period, assignment), drops)
            reminded = month == REMINDED_MONTH
            if reminded:  # on the reminder day, before any file of the month came in
                settings = load_settings()
                days = period_days(period, settings.due_day, settings.remind_days, settings.calendar())
                reminders(as_of=days.remind_from)
            for path, sheets in drops[3]:
                _drop(path, sheets, _moment(first.replace(day=3), 9))
            intake(as_of=_moment(first.replace(day=4), 12))
            for code, event in mine.items():
                if event in DECISIONS:
                    day, kind, reason = DECISIONS[event]
                    adjust(unit=code, period=period, kind=kind, until=first.replace(day=9) if kind == "延期" else None,
                           reason=reason, operator=OPERATOR, as_of=first.replace(day=day))
            for day in (5, 9):
                if reminded and day == 9:  # the day after the due day: 催报 to whoever is still missing
                    reminders(as_of=days.due + dt.timedelta(days=1))
                for path, sheets in drops[day]:
                    _drop(path, sheets, _moment(first.replace(day=day), 9))
            report = json.loads(Path(monthly(period=period, as_of=first.replace(day=10)))
                                .read_text(encoding="utf-8"))
            for code in (code for code, event in mine.items() if event == "correction_withdrawn"):
                withdraw(unit=code, period=period, reason="更正文件误报了其他单位的数据", operator=OPERATOR,
                         as_of=first.replace(day=10))
            echo(f"{period}：{len(report['files'])} 个文件，" + "，".join(
                f"{UnitStatus.label_of(k)} {v}" for k, v in sorted(Counter(report["units"].values()).items())))
        intake(as_of=_moment(dt.date(YEAR + 1, 1, 13), 12))
        folder = Path(annual(year=YEAR, as_of=dt.date(YEAR + 1, 1, 20)))
    return _tour(out, inbox, results, folder, registry)


def _tour(out: Path, inbox: Path, results: Path, folder: Path, registry) -> str:
    figures = json.loads((folder / f"figures-{YEAR}.json").read_text(encoding="utf-8"))
    district = figures["district"]["indicators"]
    mails = sorted((out / "mail").glob("*.eml"))
    decisions = record_rows(Store(f"sqlite:///{results / 'xzzf.db'}").adjustments(), registry)[1:]
    changes = "；".join(f"{u.name}（{u.code}）{what}，{day.isoformat()}" for u, what, day in registry.changes_in(YEAR))
    return "\n".join([
        f"演示完成：{YEAR} 年，{len(figures['units'])} 个单位",
        f"收件文件夹：{inbox}", f"每月运行报告：{results / 'runs'}", f"回执：{results / 'feedback'}",
        f"年度报告：{folder}", f"邮件（本地 SMTP 服务器收到的 {len(mails)} 封）：{out / 'mail'}",
        f"全区：执法决定 {district['decisions_total']} 件，公开率 {district['publication_rate']:.1%}，"
        f"按时报送率 {district['submission_timeliness_rate']:.1%}",
        f"全区未达标指标：{'、'.join(NAMES[k] for k in figures['district']['failing']) or '无'}",
        f"单位变动：{changes or '无'}",
        f"提醒（{REMINDED_MONTH} 月月报截止日前后各运行一次，只发给名册中有邮箱的单位）："
        f"报送提醒 {_subjects(mails, '【报送提醒】')} 封，催报 {_subjects(mails, '【催报】')} 封，"
        f"任务提醒 {_subjects(mails, '【任务提醒】')} 封；"
        f"催报名单 {_subjects(mails, '【催报名单】')} 封（给司法局，列出所有逾期未报送的单位）",
        f"司法局的决定（调整记录，{len(decisions)} 项；年度报告工作簿“调整记录”表）：",
        *(f"  第 {number} 号 {kind}：{unit} {period}，{content}；{changes}；理由：{reason}"
          for number, kind, unit, period, content, changes, reason, *_ in decisions),
    ])


def _subjects(mails: list[Path], prefix: str) -> int:
    return sum(BytesParser(policy=policy.default).parsebytes(m.read_bytes())["Subject"].startswith(prefix)
               for m in mails)
