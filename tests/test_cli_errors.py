"""The `xzzf` command as an administrator meets it: a wrong setting or flag is one Chinese line
naming it (exit code 2) before any file is read; Prefect's temporary server starts on a busy
machine, one command's after another's, and never outlives the command."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.faults  # issue 9: configuration errors, a slow or killed start

XZZF = Path(sys.executable).with_name("xzzf")


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The test's own environment: no developer XZZF_* settings and no Prefect server of theirs."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("XZZF_", "PREFECT_"))}
    return {**kept, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "prefect-home"), **settings}


def xzzf(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    # cwd: no .env file of the repository's is read
    return subprocess.run([str(XZZF), *args], cwd=tmp_path, env=environment(tmp_path, **settings),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "SFJ").mkdir(parents=True)
    (folder / "SFJ" / "2026-10.xlsx").write_bytes(b"never read")
    return folder


REFUSED = {
    "database-refuses": (["intake"], {"XZZF_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/x"},
                         "设置 XZZF_DATABASE_URL（或 --db）无法连接数据库：connection failed"),
    "database-folder-missing": (["intake"], {"XZZF_DATABASE_URL": "sqlite:////nonexistent/dir/x.db"},
                                "设置 XZZF_DATABASE_URL（或 --db）无法连接数据库：unable to open database file；"
                                "请检查地址、用户名和数据库是否存在"),
    "database-url-malformed": (["intake", "--db", "foo://"], {},
                               "设置 XZZF_DATABASE_URL（或 --db）无法连接数据库：不支持的数据库类型 foo"),
    "period": (["monthly", "--period", "2025-13"], {}, "--period 2025-13 无效：报送期间应为 YYYY-MM，如 2026-10"),
    "due-day": (["intake"], {"XZZF_DUE_DAY": "40"}, "设置 XZZF_DUE_DAY 无效：应不大于 28（当前值：'40'）"),
    "as-of": (["intake", "--as-of", "9999-12-31"], {}, "--as-of 9999-12-31 无效：年份应在 2000 到 2100 之间"),
    "year": (["annual", "--year", "1900"], {}, "--year 1900 无效：报告年度应为 2000 到 2100 之间的年份"),
    "only": (["monthly", "--period", "2026-10", "--only", "SFJ,NOPE"], {}, "--only 无效：未登记的单位编码：NOPE"),
    "recheck-unit": (["recheck", "--period", "2025-12", "--unit", "NOPE", "--reason", "误判", "--operator", "张三"], {},
                     "未登记的单位编码：NOPE（请使用单位名册中的单位编码）"),
    "recheck-operator": (["recheck", "--period", "2025-12", "--reason", "误判", "--operator", " "], {},
                         "请填写经办人姓名（operator）"),
    "registry": (["intake", "--units", "/nonexistent/units.yaml"], {},
                 "单位名册文件不存在：/nonexistent/units.yaml（设置 XZZF_UNITS 或 --units）"),
    "inbox": (["intake", "--inbox", "/nonexistent/inbox"], {},
              "收件文件夹不存在：/nonexistent/inbox（设置 XZZF_INBOX 或 --inbox）"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_wrong_setting_or_flag_is_one_chinese_line_and_exit_code_2_before_any_file_is_read(
        tmp_path, inbox, case):
    args, settings, message = REFUSED[case]
    out = tmp_path / "out"
    if args[0] not in ("annual", "recheck") and "--inbox" not in args:
        args = [*args, "--inbox", str(inbox)]
    done = xzzf(tmp_path, *args, "--out", str(out), **settings)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"错误：{message}"), done.stderr
    assert not out.exists()  # nothing archived, recorded or reported


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has ended, it only waits for init to reap it


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.integration
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_command_killed_mid_way_leaves_no_prefect_server_running(tmp_path):
    (tmp_path / "inbox").mkdir()
    command = subprocess.Popen([str(XZZF), "intake", "--inbox", "inbox", "--out", "out", "--as-of", "2026-11-06"],
                               cwd=tmp_path, env=environment(tmp_path), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (servers := [p for p in children(command.pid) if "uvicorn" in cmdline(p)]):
            assert time.monotonic() < deadline and command.poll() is None, "no temporary server started"
            time.sleep(0.05)
        started = children(command.pid)
    finally:
        command.send_signal(signal.SIGKILL)
        command.wait()
    deadline = time.monotonic() + 5
    while any(alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert servers and not [p for p in started if alive(p)]


@pytest.mark.integration
def test_slow_a_command_on_a_machine_with_every_core_busy_still_starts_its_prefect_server(tmp_path):
    """Slow (about a minute): Prefect's 20 s for the temporary server to start is not enough here."""
    (tmp_path / "inbox").mkdir()
    busy = [subprocess.Popen([sys.executable, "-c", "import time\nend = time.monotonic() + 150\n"
                              "while time.monotonic() < end: pass"])
            for _ in range((os.cpu_count() or 2) + 1)]
    try:
        done = xzzf(tmp_path, "intake", "--inbox", "inbox", "--out", "out", "--as-of", "2026-11-06")
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "out" / "runs" / "intake").is_dir()


def waiting_for(lock: Path) -> int:
    """How many processes wait for the flock on `lock` (the kernel's list: "->" marks a waiter)."""
    inode = f":{lock.stat().st_ino} "
    return sum("->" in line and inode in line for line in Path("/proc/locks").read_text().splitlines())


@pytest.mark.integration
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/locks is Linux's")
def test_two_commands_started_together_start_their_prefect_servers_one_after_the_other(tmp_path):
    """A schedule and an administrator in the same second, on one fresh PREFECT_HOME: each
    temporary server would migrate Prefect's new database, and one of them died on the other's
    tables with a traceback. Here a third start holds the way until both commands wait at it,
    so that they go on at the same moment."""
    from flows.runtime import START_LOCK

    (tmp_path / "inbox").mkdir()
    lock = tmp_path / "prefect-home" / START_LOCK
    lock.parent.mkdir()
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        commands = [subprocess.Popen([str(XZZF), "intake", "--inbox", "inbox", "--out", out, "--as-of", "2026-11-06"],
                                     cwd=tmp_path, env=environment(tmp_path), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
                     for out in ("out-1", "out-2")]
        deadline = time.monotonic() + 120
        while waiting_for(lock) < 2:
            assert time.monotonic() < deadline and all(c.poll() is None for c in commands), \
                "a command started its temporary server while another was starting one"
            time.sleep(0.05)
    for command in commands:
        _, errors = command.communicate(timeout=300)
        assert command.returncode == 0 and "Traceback" not in errors, errors[-3000:]
    assert all((tmp_path / out / "runs" / "intake").is_dir() for out in ("out-1", "out-2"))


def test_the_demo_refuses_a_folder_it_did_not_make_and_leaves_every_file_in_it(tmp_path):
    """`xzzf demo --out .` in the repository, or `--out ~`, must not wipe it."""
    mine = tmp_path / "mine"
    (mine / "notes").mkdir(parents=True)
    (mine / "notes" / "a.txt").write_text("keep", encoding="utf-8")
    done = xzzf(tmp_path, "demo", "--out", str(mine))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"错误：--out {mine} 不是空文件夹，也不是之前演示生成的文件夹，演示不会清空它"), \
        done.stderr
    assert sorted(str(p.relative_to(mine)) for p in mine.rglob("*")) == ["notes", "notes/a.txt"]
    assert (mine / "notes" / "a.txt").read_text(encoding="utf-8") == "keep"


def said(done: subprocess.CompletedProcess) -> list[str]:
    """The command's own lines (Prefect's log lines go to stderr too)."""
    return [line for line in done.stderr.splitlines() if line.startswith("错误：")]


def test_a_refusal_met_inside_the_run_is_exit_code_2_and_its_line_without_a_traceback(tmp_path):
    """Checked before Prefect starts, the decision is sound; only the store knows there is no
    file to withdraw: the run ends 已拒绝, the command as every refusal does."""
    done = xzzf(tmp_path, "withdraw", "--unit", "SFJ", "--period", "2026-10", "--reason", "核实", "--operator",
                "张三", "--as-of", "2026-11-09", "--out", str(tmp_path / "out"),
                XZZF_DATABASE_URL=f"sqlite:///{tmp_path / 'xzzf.db'}")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert said(done) == ["错误：司法局（SFJ） 的 2026-10 没有在用（已受理）的文件，无可撤销"], done.stderr


def test_a_run_whose_mail_could_not_be_sent_is_exit_code_4_without_a_traceback(tmp_path):
    from tests.builders import write_workbook
    from tests.flows.conftest import at, set_mtime
    from tests.smtp import free_port

    set_mtime(write_workbook(tmp_path / "inbox" / "SFJ" / "2026-10.xlsx"), at("2026-11-03"))
    done = xzzf(tmp_path, "monthly", "--period", "2026-10", "--as-of", "2026-11-06", "--inbox",
                str(tmp_path / "inbox"), "--out", str(tmp_path / "out"),
                XZZF_DATABASE_URL=f"sqlite:///{tmp_path / 'xzzf.db'}", XZZF_SMTP_HOST="127.0.0.1",
                XZZF_SMTP_PORT=str(free_port()), XZZF_SMTP_SECURITY="none", XZZF_MAIL_ATTEMPTS="1",
                XZZF_MAIL_BACKOFF_S="0", XZZF_SFJ_RECIPIENTS="sfj@hsb.example.gov.cn")
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr, done.stderr[done.stderr.find("Traceback") - 2000:]
    [line] = said(done)
    assert line.startswith("错误：2026-10 汇总邮件未能发送："), done.stderr


def test_a_command_on_its_temporary_server_runs_its_flow_without_heartbeats(tmp_path):
    """Nobody hears a temporary server's heartbeats, and each flow would wait for the heartbeat
    thread at its end (flows.runtime.no_heartbeats_unheard)."""
    done = xzzf(tmp_path, "withdraw", "--unit", "SFJ", "--period", "2026-10", "--reason", "核实", "--operator",
                "张三", "--as-of", "2026-11-09", "--out", str(tmp_path / "out"),
                XZZF_DATABASE_URL=f"sqlite:///{tmp_path / 'xzzf.db'}", PREFECT_LOGGING_LEVEL="DEBUG")
    assert "Beginning flow run" in done.stderr, done.stderr  # the flow ran, logging at DEBUG
    assert "heartbeat" not in done.stderr.lower(), done.stderr


def test_a_temporary_server_that_does_not_start_in_time_is_one_line_naming_its_log(tmp_path):
    """Its own output is in a file of PREFECT_HOME, not on the administrator's screen (stopped
    with the command, it may log a traceback for records it was still writing)."""
    (tmp_path / "inbox").mkdir()
    done = xzzf(tmp_path, "intake", "--inbox", "inbox", "--out", "out", "--as-of", "2026-11-06",
                PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1")
    log = tmp_path / "prefect-home" / "xzzf-temporary-server.log"
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert said(done) == [f"错误：Prefect 临时服务器未能在 1 秒内启动，原因见 {log}：请运行 xzzf doctor 检查磁盘空间，"
                          "稍后重试"], done.stderr
    assert log.exists()
