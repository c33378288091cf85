"""The checks of `xzzf doctor`: each thing a run needs, one small function each, asked the way
a run asks it (the same loaders and rules) but read only — nothing is created, migrated or
sent. Plain functions, no flow: the administrator runs them at the console after an install
or a change, and a deployed check would need the very worker it checks."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from connectors import prefect_api
from connectors.inbox import Inbox
from connectors.mail import MailError, SmtpMailer
from connectors.store import Store
from flows.runtime import check_server_login, open_store
from flows.setup import refuse_orphans
from xzzf.calendars import SETTING, calendar_notes, days_ahead, period_days
from xzzf.periods import BEIJING, period_of
from xzzf.plans import plan_in_force
from xzzf.settings import Settings, SettingsError, load_settings
from xzzf.units import RegistryError, load_registry
from xzzf.vocabulary import Health

MB = 1 << 20
UPGRADE = ("请停止 worker（systemctl stop xzzf-worker），备份（.venv/bin/xzzf backup --to 备份文件.zip），"
           "再运行一次 .venv/bin/xzzf intake："
           "运行开始时自动升级到最新结构；然后启动 worker")


@dataclass(frozen=True)
class Finding:
    item: str  # 检查项
    health: Health
    result: str  # 结果
    action: str = ""  # what to do, for a failure or a warning

    @property
    def line(self) -> str:
        return f"{self.health.mark} {self.item}：{self.result}" + (f"。处理：{self.action}" if self.action else "")


@dataclass(frozen=True)
class StoreState:
    """The store as the checks after it read it: `usable` False when it cannot be read as
    this program's (unreachable, another revision); `store` None before its tables exist."""

    usable: bool
    store: Store | None = None


def checkup(day: dt.date) -> list[Finding]:
    """Every check, in the order a run meets what it checks, as of `day` (a Beijing date)."""
    try:
        settings = load_settings()
    except SettingsError as error:
        return [Finding("设置（XZZF_*）", Health.FAILED, str(error), "改正该设置后重新检查"),
                Finding("其余各项", Health.SKIPPED, "设置有误，未检查")]
    findings = [inbox(settings), *(folder(settings, item, path) for item, path in shares(settings))]
    state, found = store(settings)
    findings += [found, registry(settings, state), plan(state, day), calendar(settings, day), mail(settings)]
    server = prefect_server()
    return [*findings, server, worker(server)]


def summary(findings: list[Finding]) -> str:
    """The last line: every check passed (with the warnings named), or which did not."""
    failed = [f.item for f in findings if f.health == Health.FAILED]
    if failed:
        return f"健康检查未通过（{len(failed)} 项）：{'、'.join(failed)}"
    warned = [f.item for f in findings if f.health == Health.WARNING]
    return "健康检查通过" + (f"，{len(warned)} 项警告：{'、'.join(warned)}" if warned else "")


def inbox(settings: Settings) -> Finding:
    item = "收件文件夹（XZZF_INBOX）"
    path = settings.inbox.absolute()
    try:
        Inbox(path).check()
        with os.scandir(path) as entries:
            folders = sum(1 for entry in entries if entry.is_dir())
    except FileNotFoundError:
        return Finding(item, Health.FAILED, f"{path} 不存在或不是文件夹",
                       "创建该文件夹并共享给各单位（每个单位一个子文件夹），或把 XZZF_INBOX 设为收件文件夹")
    except OSError as error:
        return Finding(item, Health.FAILED, f"{path} 无法读取（{_why(error)}）",
                       "让运行 xzzf 的用户可以读取该文件夹")
    return Finding(item, Health.OK, f"{path} 可以读取，其中有 {folders} 个单位文件夹")


def shares(settings: Settings) -> list[tuple[str, Path | None]]:
    """The folders runs write to, with the setting each is; XZZF_REPORTS may be unset."""
    return [("输出文件夹（XZZF_OUT）", settings.out),
            ("回执文件夹（XZZF_RECEIPTS）", settings.receipts_dir),
            ("模板文件夹（XZZF_TEMPLATES）", settings.templates_dir),
            ("报告共享文件夹（XZZF_REPORTS）", settings.reports)]


def folder(settings: Settings, item: str, path: Path | None) -> Finding:
    """Writable (a file is made and removed there, as root too: permissions alone would not
    say so), or creatable where it does not exist yet, with XZZF_MIN_FREE_MB free."""
    if path is None:
        return Finding(item, Health.OK, "未配置（可选：年度报告只保存在输出文件夹的 reports/ 下）")
    path = path.absolute()
    existing = next(p for p in (path, *path.parents) if os.path.exists(p))  # False, not raised, where denied
    later = "" if existing == path else "（尚不存在，首次运行时创建）"
    if not existing.is_dir():
        return Finding(item, Health.FAILED, f"{path} 无法创建：{existing} 不是文件夹", "把该设置改为一个文件夹")
    try:
        with tempfile.TemporaryFile(dir=existing, prefix=".xzzf-doctor-"):
            pass
    except OSError as error:
        return Finding(item, Health.FAILED, f"{path} 无法写入{later}（{_why(error)}）",
                       "让运行 xzzf 的用户可以写入该文件夹，或把该设置改为可写入的文件夹")
    free = shutil.disk_usage(existing).free
    if free < settings.min_free_mb * MB:
        return Finding(item, Health.FAILED, f"{path} 所在磁盘只剩 {_size(free)}，少于 {settings.min_free_mb} MB"
                       "（XZZF_MIN_FREE_MB）", "释放该磁盘的空间，或把该文件夹移到空间充足的磁盘")
    return Finding(item, Health.OK, f"{path} 可以写入{later}，剩余空间 {_size(free)}")


# The administrator reads Chinese; the system's words stay for any other error.
_ERRNO_WORDS = {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "只读的文件系统",
                errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.ENOENT: "不存在",
                errno.EISDIR: "这是文件夹，不是文件", errno.ENOTDIR: "路径中有一项不是文件夹"}


def _why(error: OSError) -> str:
    return _ERRNO_WORDS.get(error.errno, error.strerror or type(error).__name__)


def _size(count: int) -> str:
    return f"{count / (1 << 30):.1f} GB" if count >= 1 << 30 else f"{count / MB:.0f} MB"


def store(settings: Settings) -> tuple[StoreState, Finding]:
    """Reachable and at this program's newest schema revision; read only: a store that is
    behind is upgraded by the next run, not here."""
    item = "数据库（XZZF_DATABASE_URL）"
    url = make_url(settings.database)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.exists(url.database):
        if settings.database_url and not os.path.isdir(Path(url.database).parent):  # the default's is the output folder
            return StoreState(False), Finding(item, Health.FAILED, f"{shown} 所在的文件夹不存在",
                                              "创建该文件夹，或改正 XZZF_DATABASE_URL")
        return StoreState(True), Finding(item, Health.OK, f"{shown} 尚未创建：首次运行时自动创建")
    try:
        connected = open_store(settings)
    except SettingsError as error:
        return StoreState(False), Finding(item, Health.FAILED, str(error))
    current, known = connected.revisions()
    head = known[-1]
    if current is None:
        return StoreState(True), Finding(item, Health.OK, f"{shown} 可以连接，尚未建表：首次运行时自动建表")
    if current == head:
        return StoreState(True, connected), Finding(item, Health.OK, f"{shown} 可以连接，结构版本 {head}（最新）")
    if current in known:
        return StoreState(False), Finding(item, Health.FAILED, f"{shown} 的结构版本 {current} 旧于本程序的 {head}",
                                          UPGRADE)
    return StoreState(False), Finding(item, Health.FAILED, f"{shown} 的结构版本 {current} 不是本程序所知的版本"
                                      f"（本程序最新为 {head}），数据库比程序新",
                                      "更新程序（git pull、make setup）后再运行")


def registry(settings: Settings, state: StoreState) -> Finding:
    """Loads as a run loads it, and owns every accepted file of the store (flows.setup)."""
    item = "单位名册（XZZF_UNITS）"
    try:
        units = load_registry(settings.units)
        if state.store:
            refuse_orphans(units, state.store)
    except RegistryError as error:
        return Finding(item, Health.FAILED, str(error), "改正名册文件后重新检查（见 README“Units registry”）")
    except OSError as error:  # there but not readable (a folder, permissions): runs would stop here too
        return Finding(item, Health.FAILED, f"{settings.units.absolute()} 无法读取（{_why(error)}）",
                       "让运行 xzzf 的用户可以读取该文件，或改正 XZZF_UNITS")
    return Finding(item, Health.OK, f"{settings.units.absolute()}：{len(units.units)} 个单位，"
                                    f"其中 {len(units.reporting)} 个报送单位")


def plan(state: StoreState, day: dt.date) -> Finding:
    """The plan in force in `day`'s month, as a run takes it: a year no plan covers fails
    (a run goes on with the last plan's ongoing tasks, and the year's dated tasks are lost)."""
    item = f"{day.year} 年的行动方案"
    if not state.usable:
        return Finding(item, Health.SKIPPED, "数据库不可用，未检查")
    found = plan_in_force(state.store.plans() if state.store else [], period_of(day))
    if found.notice:
        return Finding(item, Health.FAILED, found.notice.split("；请")[0],
                       f"用 .venv/bin/xzzf plan import 方案文件 --years {day.year}-{day.year + 2} 导入新方案"
                       "（见 README“Plans”）")
    return Finding(item, Health.OK, f"《{found.plan.name}》（{found.plan.years_text}），{len(found.tasks)} 项任务")


def calendar(settings: Settings, day: dt.date) -> Finding:
    """The due and first reminder days of the next three months rest on official data (a
    failure: they are near); so should next January's, for the annual report (a warning until
    then: the 国务院 publishes a year's holidays in the autumn before)."""
    item = f"节假日安排（{SETTING}）"
    work = settings.calendar()
    near = days_ahead(day, settings.due_day, settings.remind_days, work)
    january = period_days(f"{day.year}-12", settings.due_day, settings.remind_days, work)
    days = [d for p in (*near, january) for d in (p.remind_from, p.due)]
    notes = calendar_notes(work, days)
    action = f"填写 {SETTING}（见 README“Calendars”），再用 .venv/bin/xzzf calendar --year 年份 核对"
    if missing := [p.period for p in near if not p.official]:
        return Finding(item, Health.FAILED, f"{'、'.join(missing)} 月报：" + "；".join(notes), action)
    if notes:
        return Finding(item, Health.WARNING, "；".join(notes), action)
    last = max((*near, january), key=lambda p: p.due)
    return Finding(item, Health.OK, f"至 {last.due}（{last.period} 月报截止日）的截止日和提醒日均有官方数据")


def mail(settings: Settings) -> Finding:
    """The SMTP server answers and takes the login, as a run's send would; nothing is sent."""
    from flows.mail_steps import SECRET_BLOCK, smtp_password

    item = "邮件服务器（XZZF_SMTP_HOST）"
    if not settings.smtp_host:
        outbox = settings.out.absolute() / "outbox"
        return Finding(item, Health.WARNING, f"未配置：邮件只写成 .eml 文件保存在 {outbox}，不发送（运行照常完成）",
                       "需要发送邮件时设置 XZZF_SMTP_HOST 等（见 README“Configuration”）")
    try:
        password = smtp_password(settings)
    except Exception as error:  # the Prefect API that keeps the block: down, refused, …
        return Finding(item, Health.FAILED, f"无法读取 Prefect Secret 块 {SECRET_BLOCK}（{type(error).__name__}）",
                       "检查 Prefect 服务器，或设置 XZZF_SMTP_PASSWORD")
    try:
        with SmtpMailer(settings, password) as mailer:
            greeting = mailer.greet()
    except MailError as error:
        return Finding(item, Health.FAILED, str(error))
    except OSError as error:  # before connecting: XZZF_SMTP_CA_FILE missing or not a certificate
        return Finding(item, Health.FAILED, f"无法读取 XZZF_SMTP_CA_FILE {settings.smtp_ca_file}（{_why(error)}）",
                       "改正 XZZF_SMTP_CA_FILE（PEM 格式的 CA 证书）")
    login = f"，以 {settings.smtp_user} 登录成功" if settings.smtp_user else ""
    return Finding(item, Health.OK, f"{settings.smtp_host}:{mailer.port} 应答正常（{greeting}）{login}；未发送邮件")


def prefect_server() -> Finding:
    item = "Prefect 服务器（PREFECT_API_URL）"
    url = prefect_api.api_url()
    if not url:
        return Finding(item, Health.WARNING, "未配置：没有定时运行（命令行的每次运行使用自己的临时服务器）",
                       "上线时把 PREFECT_API_URL 设为服务器的地址，如 http://127.0.0.1:4200/api")
    problem = prefect_api.unanswered()
    if problem:
        return Finding(item, Health.FAILED, f"{url} 无应答（{problem}）",
                       "启动服务器（systemctl start xzzf-server），或改正 PREFECT_API_URL")
    try:  # its health answers anyone; everything else asks for the login
        check_server_login()
    except SettingsError as error:
        return Finding(item, Health.FAILED, str(error))
    return Finding(item, Health.OK, f"{url} 应答正常，登录口令正确")


def worker(server: Finding) -> Finding:
    """The work pool has an online worker: the server's judgement of its heartbeats."""
    item = f"worker（工作池 {prefect_api.POOL}）"
    if server.health != Health.OK:
        why = "未配置" if server.health == Health.WARNING else "未通过"
        return Finding(item, Health.SKIPPED, f"Prefect 服务器{why}，未检查")
    try:
        workers = prefect_api.pool_workers()
    except Exception as error:  # it answered its health a moment ago: whatever fails now is the server's
        return Finding(item, Health.FAILED, f"无法读取工作池 {prefect_api.POOL}（{type(error).__name__}: {error}）",
                       "检查 Prefect 服务器的日志（journalctl -u xzzf-server）")
    if workers is None:
        return Finding(item, Health.FAILED, f"工作池 {prefect_api.POOL} 不存在",
                       "运行 deployments/deploy.sh（创建工作池并部署）")
    online = [w for w in workers if w.online]
    if not online:
        last = f"（最近一次心跳 {_beijing(workers[0].last_heartbeat)}）" if workers else ""
        return Finding(item, Health.FAILED, f"没有在线的 worker{last}",
                       f"启动 worker（systemctl start xzzf-worker，或 .venv/bin/prefect worker start --pool "
                       f"{prefect_api.POOL}）")
    return Finding(item, Health.OK, f"{len(online)} 个在线：{'、'.join(w.name for w in online)}"
                                    f"（最近一次心跳 {_beijing(online[0].last_heartbeat)}）")


def _beijing(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}" if moment else "无"
