"""`xzzf doctor` (issue 24, item 6): a healthy setup — inbox, folders, a store at the newest
revision, registry, plan, calendar, a real SMTP server with login, a real Prefect server with
a worker on the pool — passes with exit code 0; each part broken on its own is the one line
that fails, in Chinese, saying what to do, with exit code 6 and no traceback. Nothing is
sent, created or upgraded."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from connectors.store import MIGRATIONS, Store
from tests.smtp import PASSWORD, USER, Server, free_port
from tests.test_deployments import PREFECT, login_header, prefect, prefect_server
from xzzf.catalog import load_catalog, task_entry
from xzzf.plans import Plan

pytestmark = pytest.mark.integration

XZZF = Path(sys.executable).with_name("xzzf")
HEALTHY_DAY = "2025-03-10"  # the seed plan's years, chinesecalendar's too (up to 2026)
INBOX = "收件文件夹（XZZF_INBOX）"
OUT = "输出文件夹（XZZF_OUT）"
RECEIPTS = "回执文件夹（XZZF_RECEIPTS）"
TEMPLATES = "模板文件夹（XZZF_TEMPLATES）"
REPORTS = "报告共享文件夹（XZZF_REPORTS）"
DATABASE = "数据库（XZZF_DATABASE_URL）"
UNITS = "单位名册（XZZF_UNITS）"
PLAN = "2025 年的行动方案"
CALENDAR = "节假日安排（XZZF_CALENDAR）"
SMTP = "邮件服务器（XZZF_SMTP_HOST）"
PREFECT_SERVER = "Prefect 服务器（PREFECT_API_URL）"
HEAD = Store("sqlite://").revisions()[1][-1]  # this program's newest schema revision
WORKER = "worker（工作池 xzzf）"


class Prefect:
    """The module's one Prefect server (foreman checking every second) with the pool `xzzf`,
    and its worker (a heartbeat every 2 s), started and stopped as a test needs."""

    def __init__(self, env: dict[str, str], processes: list):
        self.env, self.processes, self.worker = env, processes, None

    def workers(self) -> list[dict]:
        request = urllib.request.Request(f"{self.env['PREFECT_API_URL']}/work_pools/xzzf/workers/filter", data=b"{}",
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 **login_header(self.env)})
        return json.loads(urllib.request.urlopen(request, timeout=10).read())

    def _until(self, status: str) -> None:
        deadline = time.monotonic() + 120
        while not any(w["status"] == status for w in self.workers()) or (
                status == "OFFLINE" and any(w["status"] == "ONLINE" for w in self.workers())):
            assert time.monotonic() < deadline, f"no worker became {status}"
            time.sleep(0.5)

    def start_worker(self) -> None:
        if self.worker is None:
            self.worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", "xzzf"], env=self.env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.processes.append(self.worker)
        self._until("ONLINE")

    def stop_worker(self) -> None:
        self.worker.terminate()
        try:
            self.worker.wait(30)
        except subprocess.TimeoutExpired:  # seen once on a loaded machine: what is tested is the doctor, not its stop
            self.worker.kill()
            self.worker.wait()
        self.processes.remove(self.worker)
        self.worker = None
        self._until("OFFLINE")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect")
    quick = {"PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "2"}
    with mock_environ(quick), prefect_server(home) as (env, processes):
        prefect(env, "work-pool", "create", "xzzf", "--type", "process")
        yield Prefect(env, processes)


@contextlib.contextmanager
def mock_environ(values: dict[str, str]):
    from unittest import mock

    with mock.patch.dict(os.environ, values):
        yield


@pytest.fixture
def setup(tmp_path, server):
    """A healthy setup's settings: every folder its own, a store at the newest revision, the
    SMTP server of `smtp` (set by the test), the module's Prefect server with a worker online."""
    server.start_worker()
    (tmp_path / "inbox" / "SFJ").mkdir(parents=True)
    database = tmp_path / "store.db"
    Store(f"sqlite:///{database}").migrate()
    return {"XZZF_INBOX": str(tmp_path / "inbox"), "XZZF_OUT": str(tmp_path / "out"),
            "XZZF_RECEIPTS": str(tmp_path / "share" / "回执"), "XZZF_TEMPLATES": str(tmp_path / "share" / "模板"),
            "XZZF_REPORTS": str(tmp_path / "share" / "报告"), "XZZF_DATABASE_URL": f"sqlite:///{database}",
            "PREFECT_API_URL": server.env["PREFECT_API_URL"],
            "PREFECT_API_AUTH_STRING": server.env["PREFECT_API_AUTH_STRING"]}


@pytest.fixture
def smtp(tmp_path):
    """A real SMTP server that wants STARTTLS and a login; what it received is `inbox.messages`."""
    with Server(tls_folder=tmp_path) as started:
        started.settings = {"XZZF_SMTP_HOST": "127.0.0.1", "XZZF_SMTP_PORT": str(started.port),
                            "XZZF_SMTP_SECURITY": "starttls", "XZZF_SMTP_USER": USER, "XZZF_SMTP_PASSWORD": PASSWORD,
                            "XZZF_SMTP_CA_FILE": str(started.cert), "XZZF_MAIL_FROM": USER, "XZZF_SMTP_TIMEOUT_S": "5"}
        yield started


def doctor(tmp_path: Path, settings: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("XZZF_", "PREFECT_"))}
    env = {**kept, "HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "prefect-home"), **settings}
    return subprocess.run([str(XZZF), "doctor", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)


def checks(tmp_path, settings, *args, as_of=HEALTHY_DAY) -> tuple[int, dict[str, dict]]:
    done = doctor(tmp_path, settings, "--json", "--as-of", as_of, *args)
    assert "Traceback" not in done.stderr, done.stderr
    shown = json.loads(done.stdout)
    assert shown["as_of"] == as_of and shown["passed"] == (done.returncode == 0)
    return done.returncode, {c["item"]: c for c in shown["checks"]}


def failed(found: dict[str, dict]) -> set[str]:
    return {item for item, check in found.items() if check["status"] == "failed"}


def test_the_pool_checked_is_the_one_the_deployments_run_on():
    import yaml

    from connectors.prefect_api import POOL

    deployments = yaml.safe_load((Path(__file__).parents[1] / "prefect.yaml").read_text(encoding="utf-8"))
    assert {d["work_pool"]["name"] for d in deployments["deployments"]} == {POOL}


def test_a_healthy_setup_passes_and_sends_nothing(tmp_path, setup, smtp):
    done = doctor(tmp_path, {**setup, **smtp.settings}, "--as-of", HEALTHY_DAY)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"健康检查（as-of {HEALTHY_DAY}）"
    assert lines[-1] == "健康检查通过"
    checked = lines[1:-1]
    assert len(checked) == 12 and all(line.startswith("✔ ") for line in checked), checked
    said = "\n".join(checked)
    assert f"✔ {SMTP}：127.0.0.1:{smtp.port} 应答正常" in said and f"以 {USER} 登录成功；未发送邮件" in said
    assert f"结构版本 {HEAD}（最新）" in said and "1 个在线" in said
    assert smtp.inbox.messages == []  # EHLO, AUTH and NOOP only
    assert not (tmp_path / "out").exists()  # read only: the output folder is not even created


def test_without_a_mail_server_or_a_prefect_server_it_passes_with_warnings(tmp_path, setup):
    settings = {k: v for k, v in setup.items() if k != "PREFECT_API_URL"}
    code, found = checks(tmp_path, settings)
    assert code == 0 and not failed(found)
    assert found[SMTP]["status"] == "warning" and found[SMTP]["result"].startswith("未配置：邮件只写成 .eml 文件")
    assert found[PREFECT_SERVER]["status"] == "warning" and found[PREFECT_SERVER]["result"].startswith("未配置")
    assert found[WORKER]["status"] == "skipped"
    done = doctor(tmp_path, settings, "--as-of", HEALTHY_DAY)
    assert done.stdout.splitlines()[-1] == f"健康检查通过，2 项警告：{SMTP}、{PREFECT_SERVER}"


def _under_a_file(tmp_path: Path, name: str) -> str:
    (tmp_path / "a-file").write_text("not a folder")
    return str(tmp_path / "a-file" / name)


BROKEN = {  # one part broken → the one line that fails, and what it says
    "inbox-missing": (lambda p: {"XZZF_INBOX": str(p / "nowhere")}, INBOX, "不存在或不是文件夹"),
    "inbox-under-a-file": (lambda p: {"XZZF_INBOX": _under_a_file(p, "inbox")}, INBOX, "不存在或不是文件夹"),
    "out-under-a-file": (lambda p: {"XZZF_OUT": _under_a_file(p, "out")}, OUT, "不是文件夹"),
    "receipts-under-a-file": (lambda p: {"XZZF_RECEIPTS": _under_a_file(p, "回执")}, RECEIPTS, "不是文件夹"),
    "too-little-space": (lambda p: {"XZZF_MIN_FREE_MB": str(1 << 40)}, OUT, "MB（XZZF_MIN_FREE_MB）"),
    "store-unreachable": (lambda p: {"XZZF_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x"},
                          DATABASE, "无法连接数据库"),
    "registry-invalid": (lambda p: {"XZZF_UNITS": _written(p / "units.yaml", "units: [")}, UNITS, "不是有效的 YAML"),
    "registry-missing": (lambda p: {"XZZF_UNITS": str(p / "none.yaml")}, UNITS, "单位名册文件不存在"),
    "smtp-down": (lambda p: {"XZZF_SMTP_HOST": "127.0.0.1", "XZZF_SMTP_PORT": str(free_port()),
                             "XZZF_SMTP_SECURITY": "none", "XZZF_MAIL_FROM": "x@hsb.example.gov.cn"},
                  SMTP, "邮件服务器无应答（ConnectionRefusedError"),
    "smtp-ca-missing": (lambda p: {"XZZF_SMTP_HOST": "127.0.0.1", "XZZF_SMTP_CA_FILE": str(p / "none.pem"),
                                   "XZZF_SMTP_SECURITY": "starttls", "XZZF_MAIL_FROM": "x@hsb.example.gov.cn"},
                        SMTP, "none.pem（不存在）"),
    "prefect-down": (lambda p: {"PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}, PREFECT_SERVER, "无应答"),
    "prefect-wrong-login": (lambda p: {"PREFECT_API_AUTH_STRING": "admin:wrong"}, PREFECT_SERVER, "口令不对"),
    "prefect-no-login": (lambda p: {"PREFECT_API_AUTH_STRING": ""}, PREFECT_SERVER, "没有设置 PREFECT_API_AUTH_STRING"),
}


def _written(path: Path, content: str) -> str:
    path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("case", BROKEN)
def test_each_broken_part_is_the_one_line_that_fails(tmp_path, setup, case):
    change, item, said = BROKEN[case]
    code, found = checks(tmp_path, {**setup, **change(tmp_path)})
    assert code == 6
    expected = {item} | ({OUT, RECEIPTS, TEMPLATES, REPORTS} if case == "too-little-space" else set())
    assert failed(found) == expected, found
    assert said in found[item]["result"], found[item]
    assert found[item]["action"] or "请" in found[item]["result"]  # what to do


def test_a_failure_is_one_chinese_line_with_what_to_do_and_the_exit_code_names_it(tmp_path, setup):
    done = doctor(tmp_path, {**setup, "XZZF_INBOX": str(tmp_path / "nowhere")}, "--as-of", HEALTHY_DAY)
    assert done.returncode == 6 and "Traceback" not in done.stdout + done.stderr
    assert f"✘ {INBOX}：{tmp_path / 'nowhere'} 不存在或不是文件夹。处理：创建该文件夹" in done.stdout
    assert done.stderr == f"错误：健康检查未通过（1 项）：{INBOX}\n"


def test_a_wrong_smtp_password_fails_the_login(tmp_path, setup, smtp):
    code, found = checks(tmp_path, {**setup, **smtp.settings, "XZZF_SMTP_PASSWORD": "wrong"})
    assert code == 6 and failed(found) == {SMTP}
    assert found[SMTP]["result"].startswith("邮件服务器拒绝登录（535）：请检查 XZZF_SMTP_USER 和 XZZF_SMTP_PASSWORD")
    assert smtp.inbox.messages == []


def _at_revision(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def _revision(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return found


def test_a_store_behind_the_newest_revision_says_to_upgrade_and_is_left_as_it_is(tmp_path, setup):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _at_revision(url, "0006")
    code, found = checks(tmp_path, {**setup, "XZZF_DATABASE_URL": url})
    assert code == 6 and failed(found) == {DATABASE}
    assert found[DATABASE]["result"].endswith(f"的结构版本 0006 旧于本程序的 {HEAD}")
    assert "xzzf backup --to" in found[DATABASE]["action"] and "自动升级" in found[DATABASE]["action"]
    assert found[PLAN]["status"] == "skipped"  # its table is not there yet
    assert _revision(url) == "0006"  # never migrated by the check


def test_a_store_newer_than_the_program_says_to_update_the_program(tmp_path, setup):
    url = setup["XZZF_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    code, found = checks(tmp_path, setup)
    assert code == 6 and failed(found) == {DATABASE}
    assert "结构版本 0099 不是本程序所知的版本" in found[DATABASE]["result"]
    assert found[DATABASE]["action"].startswith("更新程序")


def test_a_postgresql_store_at_the_newest_revision_passes(tmp_path, setup, postgres_url):
    Store(postgres_url).migrate()
    code, found = checks(tmp_path, {**setup, "XZZF_DATABASE_URL": postgres_url})
    assert code == 0 and found[DATABASE]["result"].endswith(f"可以连接，结构版本 {HEAD}（最新）")


def test_a_year_without_a_plan_fails_until_one_is_imported(tmp_path, setup):
    code, found = checks(tmp_path, setup, as_of="2026-03-10")
    plan = "2026 年的行动方案"
    assert code == 6 and failed(found) == {plan}
    assert found[plan]["result"].startswith("2026 年没有导入的行动方案")
    assert "xzzf plan import" in found[plan]["action"]
    _import_plan(setup["XZZF_DATABASE_URL"], (2026, 2028))
    code, found = checks(tmp_path, setup, as_of="2026-03-10")
    assert code == 0 and found[plan]["status"] == "ok"
    # 2027's holidays are not published in March 2026: December's due day in January 2027 is a warning
    assert found[CALENDAR]["status"] == "warning" and "2027 年的节假日安排尚无官方数据" in found[CALENDAR]["result"]


def _import_plan(url: str, years: tuple[int, int]) -> None:
    tasks = load_catalog()
    Store(url).record_plan(Plan("测试方案", years, tasks, f"{years[0]}-01", imported_at=dt.datetime.now(dt.UTC)),
                           [task_entry(t) for t in tasks])


def test_due_days_within_three_months_without_official_holidays_fail_until_the_calendar_file_has_them(
        tmp_path, setup):
    _import_plan(setup["XZZF_DATABASE_URL"], (2026, 2028))
    code, found = checks(tmp_path, setup, as_of="2026-11-10")
    assert code == 6 and failed(found) == {CALENDAR}
    assert "2027 年的节假日安排尚无官方数据" in found[CALENDAR]["result"]
    assert found[CALENDAR]["action"].startswith("填写 XZZF_CALENDAR")
    calendar = _written(tmp_path / "calendar.yaml", "years:\n  2027:\n"
                        "    notice: 国务院办公厅关于2027年部分节假日安排的通知\n"
                        "    holidays: [2027-01-01]\n    workdays: []\n")
    code, found = checks(tmp_path, {**setup, "XZZF_CALENDAR": calendar}, as_of="2026-11-10")
    assert code == 0 and found[CALENDAR]["status"] == "ok", found[CALENDAR]


def test_a_worker_that_stops_is_found_missing(tmp_path, setup, server):
    code, found = checks(tmp_path, setup)
    assert code == 0 and found[WORKER]["result"].startswith("1 个在线")
    server.stop_worker()
    try:
        code, found = checks(tmp_path, setup)
        assert code == 6 and failed(found) == {WORKER}
        assert found[WORKER]["result"].startswith("没有在线的 worker（最近一次心跳 ")
        assert "prefect worker start --pool xzzf" in found[WORKER]["action"]
    finally:
        server.start_worker()


@pytest.mark.parametrize("flag", ["ro", "size=1m"])
def test_a_read_only_or_nearly_full_share_fails(tmp_path, setup, flag):
    """Real file systems: a read-only tmpfs (root writes anywhere else) and a 1 MB one."""
    share = tmp_path / "mounted"
    share.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", flag, "tmpfs", str(share)], capture_output=True).returncode:
        pytest.skip("mount is not permitted here")
    try:
        code, found = checks(tmp_path, {**setup, "XZZF_REPORTS": str(share)})
    finally:
        subprocess.run(["umount", str(share)], check=True)
    assert code == 6 and failed(found) == {REPORTS}
    said = "无法写入（只读的文件系统）" if flag == "ro" else "所在磁盘只剩 1 MB，少于 1024 MB"
    assert said in found[REPORTS]["result"], found[REPORTS]


def test_a_wrong_setting_fails_first_and_nothing_else_is_checked(tmp_path):
    code, found = checks(tmp_path, {"XZZF_DUE_DAY": "40"})
    assert code == 6 and list(found) == ["设置（XZZF_*）", "其余各项"]
    assert found["设置（XZZF_*）"]["result"] == "设置 XZZF_DUE_DAY 无效：应不大于 28（当前值：'40'）"
    assert found["其余各项"]["status"] == "skipped"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as nobody")
def test_as_the_user_that_runs_it_permissions_count(tmp_path):
    """Permissions for real: root reads and writes anywhere, so the check runs as nobody, for
    whom the inbox is unreadable (mode 000) and the output folder read-only (root's 755)."""
    base = Path(tempfile.mkdtemp(prefix="xzzf-doctor-"))  # /tmp: pytest's own folder is root's alone
    try:
        base.chmod(0o755)
        for name, mode in (("inbox", 0o000), ("out", 0o755), ("share", 0o777), ("home", 0o777)):
            (base / name).mkdir()
            (base / name).chmod(mode)
        settings = {"XZZF_INBOX": str(base / "inbox"), "XZZF_OUT": str(base / "out"),
                    "XZZF_RECEIPTS": str(base / "share" / "回执"), "XZZF_TEMPLATES": str(base / "share" / "模板")}
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("XZZF_", "PREFECT_"))}
        env = {**kept, "HOME": str(base / "home"), "PREFECT_HOME": str(base / "home" / "prefect"), **settings}
        done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(XZZF), "doctor",
                               "--json", "--as-of", HEALTHY_DAY], cwd=base / "home", env=env, capture_output=True,
                              text=True, timeout=300)
    finally:
        shutil.rmtree(base)
    assert "Traceback" not in done.stderr, done.stderr
    found = {c["item"]: c for c in json.loads(done.stdout)["checks"]}
    assert done.returncode == 6 and failed(found) == {INBOX, OUT}
    assert found[INBOX]["result"].endswith("无法读取（没有权限）")
    assert found[OUT]["result"].endswith("无法写入（没有权限）")
