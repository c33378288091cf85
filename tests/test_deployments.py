"""The deployments for real: a `prefect server` on a free port, behind its login as in
deployments/, `prefect deploy --all`, a worker on the pool, and a monthly run with custom
parameters started through the API — what the UI's Custom Run does."""

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import free_port

ROOT = Path(__file__).parents[1]
PREFECT = str(Path(sys.executable).parent / "prefect")
DEPLOYMENTS = ROOT / "deployments"
LOGIN = ("PREFECT_SERVER_API_AUTH_STRING", "PREFECT_API_AUTH_STRING")  # the server's, the clients'
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@contextlib.contextmanager
def prefect_server(home: Path, *, ui: bool = False):
    """A `prefect server` on a free port, with the UI or without, its state and the inbox and
    output folders under `home`, asking for a login of its own as deployments/ sets it up;
    yields its environment (with that login for clients, see `login_header`) and the
    processes to stop afterwards (add a worker there)."""
    port, login = free_port(), f"admin:{secrets.token_urlsafe(24)}"
    env = {**os.environ, **dict.fromkeys(LOGIN, login), "PREFECT_HOME": str(home / "prefect-home"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "true" if ui else "false",
           "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "False", "XZZF_HOME": str(ROOT),
           "XZZF_INBOX": str(home / "inbox"), "XZZF_OUT": str(home / "out"), "XZZF_SETTLE_S": "0",
           "PREFECT_LOGGING_LEVEL": "INFO"}
    processes = [subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the Prefect server did not start"
                time.sleep(0.5)
        yield env, processes
    finally:
        # Workers before the server: a worker stopped after it spent 20 s trying to say goodbye
        # to a server already gone, then was killed (each module's teardown, three a run).
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def login_header(env) -> dict[str, str]:
    """The header Prefect's clients send with the login of `env`."""
    return {"Authorization": "Basic " + base64.b64encode(env["PREFECT_API_AUTH_STRING"].encode()).decode()}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with prefect_server(tmp_path_factory.mktemp("server")) as started:
        yield started


def prefect(env, *args, timeout=300):
    done = subprocess.run([PREFECT, "--no-prompt", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.integration
def test_a_custom_monthly_run_through_the_api_completes_with_its_report(server):
    env, processes = server
    set_mtime(write_workbook(Path(env["XZZF_INBOX"]) / "SFJ" / "a.xlsx"), at("2026-11-03"))
    prefect(env, "work-pool", "create", "xzzf", "--type", "process")
    prefect(env, "work-pool", "set-concurrency-limit", "xzzf", "1")
    deployed = prefect(env, "deploy", "--all")
    assert "monthly-collection" in deployed
    worker_log = Path(env["XZZF_OUT"]).parent / "worker.log"
    with worker_log.open("w") as log:
        processes.append(subprocess.Popen([PREFECT, "worker", "start", "--pool", "xzzf"], env=env, cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT))
    output = prefect(env, "deployment", "run", "monthly-collection/monthly-collection", "--param", "period=2026-10",
                     "--param", "as_of=2026-11-04", "--param", 'only_units=["SFJ"]', "--watch",
                     "--watch-timeout", "240", timeout=300)
    assert "Completed" in output, output[-2000:]
    report = json.loads((Path(env["XZZF_OUT"]) / "runs" / "2026-10" / "run-report.json").read_text(encoding="utf-8"))
    assert report["units"] == {"SFJ": "on_time"} and report["as_of"].startswith("2026-11-04")
    assert [f["status"] for f in report["files"]] == ["accepted"]
    request = urllib.request.Request(f"{env['PREFECT_API_URL']}/artifacts/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json", **login_header(env)})
    keys = {a["key"] for a in json.loads(urllib.request.urlopen(request, timeout=10).read())}
    assert {"units-2026-10", "submissions-2026-10"} <= keys
    # The worker and its run logged in, and said nothing of the login.
    assert env["PREFECT_API_AUTH_STRING"] not in deployed + output + worker_log.read_text(errors="replace")


def call(env, path, login: str | None = None, tls: ssl.SSLContext | None = None) -> int:
    """The status of GET `path` on the server's API, sent with `login` or with none."""
    headers = {"Authorization": "Basic " + base64.b64encode(login.encode()).decode()} if login else {}
    request = urllib.request.Request(env["PREFECT_API_URL"] + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30, context=tls) as response:
            return response.status
    except urllib.error.HTTPError as error:
        assert error.code != 401 or json.loads(error.read()) == {"exception_message": "Unauthorized"}
        return error.code


@pytest.mark.integration
def test_the_server_answers_only_with_its_login(server):
    env, _ = server
    assert call(env, "/admin/version") == 401
    assert call(env, "/admin/version", "admin:wrong") == 401
    assert call(env, "/admin/version", env["PREFECT_API_AUTH_STRING"]) == 200
    # Prefect leaves its health probe open (a monitor needs no login); it tells nothing.
    assert call(env, "/health") == 200


def one_line_refusal(done: subprocess.CompletedProcess) -> str:
    """The refusal of a command that stopped at a wrong setting: exit code 2, one Chinese line."""
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.mark.integration
def test_deploy_sh_without_the_login_or_with_a_wrong_one_refuses_in_one_line(server):
    env, _ = server
    without = {k: v for k, v in env.items() if k not in LOGIN}
    wrong = {**without, "PREFECT_API_AUTH_STRING": f"admin:{secrets.token_urlsafe(24)}"}
    cases = ((without, "但没有设置 PREFECT_API_AUTH_STRING"), (wrong, "PREFECT_API_AUTH_STRING 中的口令不对"))
    for given, says in cases:
        done = subprocess.run([str(DEPLOYMENTS / "deploy.sh")], env=given, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        line = one_line_refusal(done)
        assert says in line and "要求登录" in line and "generate-login.py" in line, line
        assert env["PREFECT_API_AUTH_STRING"] not in line and wrong["PREFECT_API_AUTH_STRING"] not in line


@pytest.mark.integration
def test_a_command_sent_to_the_server_without_its_login_refuses_in_one_line(server, tmp_path):
    env, _ = server
    without = {k: v for k, v in env.items() if k not in LOGIN}
    (tmp_path / "inbox").mkdir()
    done = subprocess.run([str(Path(sys.executable).parent / "xzzf"), "intake", "--dry-run", "--inbox",
                           str(tmp_path / "inbox"), "--out", str(tmp_path / "out")],
                          env=without, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "但没有设置 PREFECT_API_AUTH_STRING" in one_line_refusal(done)


def test_deploy_sh_with_no_server_answering_refuses_in_one_line(tmp_path):
    """The check deploy.sh makes first, with the server not started: one line naming it."""
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api", "PREFECT_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "flows.runtime"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert "连不上 Prefect 服务器" in one_line_refusal(done) and "systemctl start xzzf-server" in done.stderr


def settings_file(path: Path) -> dict[str, str]:
    """The NAME=value lines of a settings file, as bash reads them (quotes removed)."""
    found = re.findall(r"^([A-Z_]+)=(.*)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {name: value.strip("'\"") for name, value in found}


def test_the_example_settings_carry_no_login():
    example = settings_file(DEPLOYMENTS / "xzzf.env.example")
    assert example[LOGIN[0]] == example[LOGIN[1]] == ""


def generate_login(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(DEPLOYMENTS / "generate-login.py"), str(path)], capture_output=True,
                          text=True, timeout=60)


def test_generate_login_writes_one_random_login_for_server_and_clients_once_and_never_prints_it(tmp_path):
    settings = tmp_path / "xzzf.env"
    settings.write_text((DEPLOYMENTS / "xzzf.env.example").read_text(encoding="utf-8"), encoding="utf-8")
    settings.chmod(0o644)
    before = settings_file(settings)
    done = generate_login(settings)
    assert done.returncode == 0, done.stderr
    after = settings_file(settings)
    login = after[LOGIN[0]]
    assert re.fullmatch(r"admin:[A-Za-z0-9_-]{32}", login) and after[LOGIN[1]] == login
    assert {k: v for k, v in after.items() if k not in LOGIN} == {k: v for k, v in before.items() if k not in LOGIN}
    assert login not in done.stdout + done.stderr and "已生成登录口令" in done.stdout
    assert settings.stat().st_mode & 0o777 == 0o640  # no longer readable by every user
    # Run again (or by a second administrator): the login in use is kept.
    again = generate_login(settings)
    assert again.returncode == 0 and "未改变" in again.stdout and settings_file(settings)[LOGIN[1]] == login
    # Another machine's login is a different one.
    other = tmp_path / "other.env"
    other.write_text("XZZF_OUT=/var/lib/xzzf\n", encoding="utf-8")
    assert generate_login(other).returncode == 0
    assert settings_file(other)[LOGIN[0]] not in (login, "")


def test_generate_login_without_the_settings_file_refuses_in_one_line(tmp_path):
    line = one_line_refusal(generate_login(tmp_path / "xzzf.env"))
    assert "deployments/xzzf.env.example" in line


def test_the_server_unit_does_not_start_without_the_login():
    unit = (DEPLOYMENTS / "xzzf-server.service").read_text(encoding="utf-8")
    check = re.search(r"^ExecStartPre=/bin/sh -c '(.*)'$", unit, flags=re.MULTILINE).group(1).replace("$$", "$")
    without = {k: v for k, v in os.environ.items() if k not in LOGIN}
    refused = subprocess.run(["/bin/sh", "-c", check], env=without, capture_output=True, text=True)
    assert refused.returncode != 0 and "generate-login.py" in refused.stderr
    started = subprocess.run(["/bin/sh", "-c", check], env={**without, LOGIN[0]: "admin:x"}, capture_output=True)
    assert started.returncode == 0


@contextlib.contextmanager
def https_proxy(home: Path, server_url: str):
    """deployments/nginx-xzzf.conf as the administrator installs it, on free ports instead of 443
    and 80, with a self-signed certificate for 127.0.0.1, in front of the server at `server_url`;
    yields the proxy's address, the certificate, and the plain-HTTP address."""
    home.mkdir()
    cert, key = home / "xzzf.crt", home / "xzzf.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    port, plain = free_port(), free_port()
    site = (DEPLOYMENTS / "nginx-xzzf.conf").read_text(encoding="utf-8")
    here = (("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"), ("listen 80;", f"listen 127.0.0.1:{plain};"),
            ("/etc/xzzf/tls/xzzf.crt", str(cert)), ("/etc/xzzf/tls/xzzf.key", str(key)),
            ("http://127.0.0.1:4200", server_url.removesuffix("/api")))
    for example, ours in here:
        assert site.count(example) == 1, example
        site = site.replace(example, ours)
    (home / "xzzf.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {home / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # Around it, what /etc/nginx/nginx.conf gives a file in conf.d/ (the http block).
    user = "user root;" if os.geteuid() == 0 else ""  # its workers write the temp files here
    (home / "nginx.conf").write_text(f"{user} pid {home / 'nginx.pid'}; daemon off; events {{}}\n"
                                     f"http {{ access_log off; {temp} include {home / 'xzzf.conf'}; }}\n",
                                     encoding="utf-8")
    command = [NGINX, "-p", str(home), "-e", str(home / "error.log"), "-c", str(home / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"https://127.0.0.1:{port}", cert, f"http://127.0.0.1:{plain}"
    finally:
        nginx.terminate()
        nginx.wait(20)


@pytest.mark.integration
@pytest.mark.skipif(not Path(NGINX).exists(), reason="没有 nginx：跳过 HTTPS 代理示例的测试")
def test_the_https_proxy_example_passes_the_login_and_the_websockets_through(server, tmp_path):
    env, _ = server
    with https_proxy(tmp_path / "nginx", env["PREFECT_API_URL"]) as (proxy, cert, plain):
        through = {**env, "PREFECT_API_URL": f"{proxy}/api", "PREFECT_API_SSL_CERT_FILE": str(cert)}
        tls = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + 60
        while True:
            try:
                assert call(through, "/health", tls=tls) == 200
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, (tmp_path / "nginx" / "error.log").read_text()
                time.sleep(0.5)
        assert call(through, "/admin/version", tls=tls) == 401
        assert call(through, "/admin/version", env["PREFECT_API_AUTH_STRING"], tls=tls) == 200
        # Plain HTTP is sent to HTTPS, where the login is not readable on the way.
        request = urllib.request.Request(f"{plain}/api/health", method="HEAD")
        with pytest.raises(urllib.error.HTTPError) as moved:
            urllib.request.build_opener(NoRedirect).open(request, timeout=30)
        assert moved.value.code == 301 and moved.value.headers["Location"].startswith("https://")
        # A client on another machine (a second worker) through the proxy: its events go up a
        # WebSocket (/api/events/in), which the proxy must pass as one.
        name = f"xzzf.proxy-check.{secrets.token_hex(4)}"
        prefect(through, "events", "emit", name, "--resource-id", "xzzf.proxy-check")
        body = json.dumps({"filter": {"event": {"name": [name]}}}).encode()
        while True:
            request = urllib.request.Request(f"{env['PREFECT_API_URL']}/events/filter", data=body, method="POST",
                                             headers={"Content-Type": "application/json", **login_header(env)})
            if json.loads(urllib.request.urlopen(request, timeout=30).read())["events"]:
                break
            assert time.monotonic() < deadline + 60, f"the event {name} sent through the proxy never arrived"
            time.sleep(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
