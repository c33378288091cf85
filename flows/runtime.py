"""What a run stands on besides its settings: a store that answers, and — for the command
line — Prefect's temporary API server, which must not outlive the command, or the real one
(PREFECT_API_URL), which must let it in."""

from __future__ import annotations

import base64
import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import signal
import sqlite3
import subprocess
import sys
import types
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from connectors.store import Store
from xzzf.settings import Settings, SettingsError

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
START_LOCK = "xzzf-server-start.lock"  # in PREFECT_HOME, beside Prefect's database
SERVER_LOG = "xzzf-temporary-server.log"  # in PREFECT_HOME: what the temporary servers said
ENV_FILE = "/etc/xzzf/xzzf.env"  # the server's settings (deployments/xzzf.env.example)


def open_store(settings: Settings) -> Store:
    """The store, connected once: a URL that cannot connect is a wrong setting, named here
    rather than as a database traceback from the middle of a run."""
    if settings.database_url is None:  # the default SQLite file lives in the output folder
        try:
            settings.out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SettingsError(f"设置 XZZF_OUT（或 --out）无法创建输出文件夹 {settings.out}："
                                f"{error.strerror}") from None
    try:
        store = Store(settings.database)
        with store.engine.connect():
            pass
    except NoSuchModuleError:  # before ArgumentError: it is one
        reason = f"不支持的数据库类型 {make_url(settings.database).drivername}"
    except ArgumentError:
        reason = "地址格式无效，应如 postgresql+psycopg://user@host/db"
    except ImportError as error:  # the URL names a driver that is not installed
        reason = f"缺少数据库驱动 {error.name or error}"
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0]
    else:
        return store
    raise SettingsError(f"设置 XZZF_DATABASE_URL（或 --db）无法连接数据库：{reason}；"
                        "请检查地址、用户名和数据库是否存在")


def full_disk(error: BaseException | None) -> BaseException | None:
    """The error in `error`'s chain that says a disk is full: ENOSPC (or a quota) from a write,
    or SQLite's "database or disk is full", which SQLAlchemy wraps in its own."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return error
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return error
        error = error.__cause__ or error.__context__ or getattr(error, "orig", None)
    return None


def where_full(full: BaseException, settings: Settings) -> str:
    """What a full disk stopped writing, as the administrator who frees space looks for it: the
    database, the folder of the file (connectors.files names ours), else the output folder."""
    if not isinstance(full, OSError):
        return f"数据库 {make_url(settings.database).database}"
    return f"文件夹 {Path(full.filename).parent if full.filename else settings.out}"


def check_server_login() -> None:
    """The real Prefect server named by PREFECT_API_URL answers and takes this process's
    login (PREFECT_API_AUTH_STRING, as Prefect's clients send it), or SettingsError says what
    to set: met here as one line, not as a 401 traceback from the middle of a deploy or run.
    No server named: the command's temporary one, which asks for no login."""
    from prefect.settings import get_current_settings

    settings = get_current_settings().api
    if not settings.url:
        return
    login = settings.auth_string.get_secret_value() if settings.auth_string else ""
    # /admin/version: the cheapest path behind the login (/health and /ready are not).
    request = urllib.request.Request(f"{settings.url.rstrip('/')}/admin/version")
    if login:
        request.add_header("Authorization", "Basic " + base64.b64encode(login.encode()).decode())
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except urllib.error.HTTPError as error:
        if error.code != 401:
            raise SettingsError(f"Prefect 服务器 {settings.url} 回答 HTTP {error.code}：请检查 PREFECT_API_URL"
                                "（应如 http://127.0.0.1:4200/api）") from None
        how = (f"请在 {ENV_FILE} 的环境中运行（set -a; . {ENV_FILE}; set +a）；口令由 deployments/generate-login.py "
               "写进该文件，服务器的 PREFECT_SERVER_API_AUTH_STRING 与之相同，改过后要重启 xzzf-server")
        wrong = "PREFECT_API_AUTH_STRING 中的口令不对" if login else "但没有设置 PREFECT_API_AUTH_STRING"
        raise SettingsError(f"Prefect 服务器 {settings.url} 要求登录，{wrong}：{how}") from None
    except (OSError, ValueError) as error:  # ValueError: an address urllib cannot read
        reason = getattr(error, "reason", error)
        raise SettingsError(f"连不上 Prefect 服务器 {settings.url}（PREFECT_API_URL）：{reason}；"
                            "请先启动它（systemctl start xzzf-server）或改正地址") from None


def start_local_server(meanwhile: Callable[[], None] | None = None) -> None:
    """Start Prefect's temporary API server now, tied to this process: the kernel kills it when
    the command dies, even by kill -9, instead of leaving it running under init. `meanwhile`
    is called once the server's process is started, before waiting seconds for it to answer
    (not before: until then this process imports Prefect's server, and a thread of Python
    work would take turns with it and delay the start).

    Started here, from the main thread, because the kernel signals the server when the thread
    that started it ends, and the main thread lives until the command exits; Prefect would
    otherwise start it from whichever thread first needs an API client."""
    from prefect.server.api import server
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        PREFECT_SERVER_EPHEMERAL_ENABLED,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    )

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value() \
            or not sys.platform.startswith("linux"):  # a real server, none at all, or no prctl
        return

    home = PREFECT_HOME.value()
    home.mkdir(parents=True, exist_ok=True)
    log = home / SERVER_LOG

    # Defined here, not at the top: importing Prefect's server takes seconds, and open_store()
    # serves the checks that must answer at once.
    class TiedServer(server.SubprocessASGIServer):
        def _run_uvicorn_command(self):
            # Prefect builds the server's Popen itself, with no hook for the child's set-up. For
            # this one call its module sees a `subprocess` whose Popen adds one, so the command,
            # its arguments and environment stay Prefect's own. Its output goes to a file: stopped
            # with the command, it may log a traceback for the records it was still writing
            # (its own, in its own database), which the administrator must not take for a fault.
            with log.open("ab") as output:  # appended: two commands may start servers together
                tied = functools.partial(subprocess.Popen, preexec_fn=_dies_with(os.getpid()), stdout=output,
                                         stderr=subprocess.STDOUT)
                server.subprocess = types.SimpleNamespace(Popen=tied)
                try:
                    process = super()._run_uvicorn_command()
                finally:
                    server.subprocess = subprocess
            if meanwhile:
                meanwhile()
            return process

    # The first instance is the one Prefect's clients get back from SubprocessASGIServer().
    with _one_start_at_a_time(home):
        try:
            TiedServer().start()
        except RuntimeError:  # Prefect's "Timed out while attempting to connect…"
            raise SettingsError(f"Prefect 临时服务器未能在 {PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()} "
                                f"秒内启动，原因见 {log}：请运行 xzzf doctor 检查磁盘空间，稍后重试") from None


def no_heartbeats_unheard():
    """Prefect's flow-run heartbeats tell a real server that a run is alive; a temporary server
    dies with the command, so none is heard — and each flow waits at its end for the heartbeat
    thread's one-second sleep (measured: 1.14 s a trivial flow with them, 0.17 s without). Off
    for a command on its temporary server; on where PREFECT_API_URL names a real one."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value():
        return contextlib.nullcontext()
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


@contextlib.contextmanager
def _one_start_at_a_time(home: Path) -> Iterator[None]:
    """Held while a temporary server starts: until it answers, it has migrated Prefect's
    database in `home` and registered its blocks. Two commands started together (a schedule
    and an administrator) would otherwise migrate one SQLite database at once, and one server
    would die on the other's tables ("table automation already exists") before Prefect
    restarts it. A flock: the kernel lets go of it when the command dies."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / START_LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # closing the file lets go of it
        yield


def _dies_with(parent: int):
    """What the server's process runs between fork and exec: SIGKILL for it when `parent` dies."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, only called after

    def tie() -> None:
        # SIGKILL: with the command gone nobody is left to serve, and its SQLite survives a kill.
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the command died before prctl: no signal will come
            os._exit(1)

    return tie


if __name__ == "__main__":  # deployments/deploy.sh, before it deploys: one line, exit code 2
    try:
        check_server_login()
    except SettingsError as refused:
        print(f"错误：{refused}", file=sys.stderr)
        sys.exit(2)
