"""The Prefect UI as the 司法局 uses it: a real `prefect server` with its UI, the deployments
made by deployments/deploy.sh, a worker on the pool (its mail going to a real SMTP server,
aiosmtpd), and headless Chromium (Debian's, driven by Playwright) filling the Custom run forms
— a unit chosen from the registry's list — and reading the runs' states and artifacts.
Cheaper tests read the forms' schemas from the API and start runs through it.

Screenshots are saved in the test's tmp folder, and with XZZF_UPDATE_SCREENSHOTS=1 also as
docs/ui-*.png:

    XZZF_UPDATE_SCREENSHOTS=1 .venv/bin/pytest -q tests/ui -p no:cacheprovider
"""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server
from tests.test_deployments import PREFECT, ROOT, login_header, prefect_server
from xzzf.units import SAMPLE_REGISTRY, load_registry

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    expect = sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
DEPLOYMENTS = {"intake", "monthly-collection", "reminders", "annual-report", "templates", "adjust-month",
               "withdraw-submission", "recheck-files", "revoke-adjustment", "plan-import", "plan-show",
               "resend-receipts", "housekeeping", "backup", "verify-signal"}
NO_FORM = {"backup"}  # nothing to choose: where it writes and how many it keeps are settings
# Where runs read and write is the worker's environment, never a field of the form.
NOT_IN_THE_FORM = {"inbox", "units", "db", "out"}
# The fields that name units, by deployment: each a list of the registry's units.
UNIT_FIELDS = {"monthly-collection": "only_units", "reminders": "only_units", "templates": "only_units",
               "adjust-month": "unit", "withdraw-submission": "unit", "recheck-files": "unit",
               "resend-receipts": "unit"}
SHARE = "\\\\fileserver\\行政执法"
CJK = re.compile(r"[\u4e00-\u9fff]")
MS = 1000

pytestmark = pytest.mark.integration


def update_screenshots() -> bool:
    return os.environ.get("XZZF_UPDATE_SCREENSHOTS") == "1"


@dataclass
class Deployed:
    env: dict[str, str]
    ui: str  # the UI's address, e.g. http://127.0.0.1:4321
    deployments: dict[str, dict]  # by name, as the API gives them
    home: Path
    smtp: Server  # where the worker's mail goes


def api(env, method, path, body=None):
    """(status, JSON) of one call to the server's API; an error status is returned, not raised."""
    request = urllib.request.Request(env["PREFECT_API_URL"] + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **login_header(env)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The server with its UI, deployed by deployments/deploy.sh, one workbook of SFJ for
    2026-10 in the inbox (arrived 2026-11-03), and a worker on the pool."""
    home = tmp_path_factory.mktemp("prefect-ui")
    with prefect_server(home, ui=True) as (env, processes), Server() as smtp:
        # The registry a test changes; the output folder is the share the staff PCs open.
        shutil.copyfile(SAMPLE_REGISTRY, home / "units.yaml")
        env.update({"XZZF_UNITS": str(home / "units.yaml"), "XZZF_SHARE_ROOT": env["XZZF_OUT"],
                    "XZZF_SHARE_NAME": SHARE, "XZZF_SMTP_HOST": "127.0.0.1", "XZZF_SMTP_PORT": str(smtp.port),
                    "XZZF_SMTP_SECURITY": "none", "XZZF_MAIL_FROM": "xzzf@hsb.example.gov.cn"})
        set_mtime(write_workbook(Path(env["XZZF_INBOX"]) / "SFJ" / "a.xlsx"), at("2026-11-03"))
        done = subprocess.run([str(ROOT / "deployments" / "deploy.sh")], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert env["PREFECT_API_AUTH_STRING"] not in done.stdout + done.stderr
        status, found = api(env, "POST", "/deployments/filter", {})
        assert status == 200, found
        deployments = {d["name"]: d for d in found}
        # No schedule may start a run while the tests run: the pool runs one at a time.
        for deployment in deployments.values():
            assert api(env, "POST", f"/deployments/{deployment['id']}/pause_deployment")[0] == 200
        log = (home / "worker.log").open("w")
        processes.append(subprocess.Popen([PREFECT, "worker", "start", "--pool", "xzzf"], env=env, cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT))
        yield Deployed(env, env["PREFECT_API_URL"].removesuffix("/api"), deployments, home, smtp)
        log.close()
        assert env["PREFECT_API_AUTH_STRING"] not in (home / "worker.log").read_text(errors="replace")


def test_every_field_of_every_form_is_a_business_choice_labelled_and_explained_in_chinese(deployed):
    assert set(deployed.deployments) == DEPLOYMENTS
    for name, deployment in deployed.deployments.items():
        properties = deployment["parameter_openapi_schema"].get("properties", {})
        assert properties or name in NO_FORM, name
        assert not NOT_IN_THE_FORM & set(properties), f"{name}: {sorted(NOT_IN_THE_FORM & set(properties))}"
        for field, schema in properties.items():
            title, description = schema.get("title") or "", schema.get("description") or ""
            assert CJK.search(title) and title != field, f"{name}.{field}: title {title!r}"
            assert CJK.search(description), f"{name}.{field}: description {description!r}"


def test_a_decision_cannot_be_submitted_without_its_reason_and_operator(deployed):
    """Issue 15: who decided and why are required parameters — the form marks them so (no
    "(Optional)" beside the label) and the server refuses a run without them."""
    wanted = {"adjust-month": {"unit", "period", "kind", "reason", "operator"},
              "withdraw-submission": {"unit", "period", "reason", "operator"},
              "recheck-files": {"period", "reason", "operator"},
              "revoke-adjustment": {"number", "reason", "operator"}}
    for name, fields in wanted.items():
        deployment = deployed.deployments[name]
        assert set(deployment["parameter_openapi_schema"].get("required", ())) == fields, name
        values = {"unit": "SFJ 司法局", "period": "2026-10", "kind": "免报", "number": 1}
        status, refused = api(deployed.env, "POST", f"/deployments/{deployment['id']}/create_flow_run",
                              {"parameters": {k: v for k, v in values.items() if k in fields}})
        assert status in (409, 422) and "reason" in str(refused["detail"]), (name, status, refused)


def test_a_wrong_period_is_refused_before_the_run_starts(deployed):
    monthly = deployed.deployments["monthly-collection"]
    status, refused = api(deployed.env, "POST", f"/deployments/{monthly['id']}/create_flow_run",
                          {"parameters": {"period": "2025-13"}})
    assert status in (409, 422), refused
    print(f"create_flow_run period=2025-13 → {status}: {refused['detail']}")
    assert "period" in str(refused["detail"])
    _, runs = api(deployed.env, "POST", "/flow_runs/filter", {"deployments": {"id": {"any_": [monthly["id"]]}}})
    assert not [r for r in runs if r["parameters"].get("period") == "2025-13"]


def choices(deployed, name):
    """The units a deployment's form offers, as the server has its schema now."""
    _, deployment = api(deployed.env, "GET", f"/deployments/{deployed.deployments[name]['id']}")
    schema = deployment["parameter_openapi_schema"]["properties"][UNIT_FIELDS[name]]
    return (schema["items"] if schema["type"] == "array" else schema)["enum"]


def test_every_field_naming_a_unit_offers_the_registrys_units_and_the_server_refuses_others(deployed):
    registry = [f"{unit.code} {unit.name}" for unit in load_registry(SAMPLE_REGISTRY).units]
    for name in UNIT_FIELDS:
        assert choices(deployed, name) == registry, name
    assert "SFJ 司法局" in registry
    unknown = {"monthly-collection": {"only_units": ["NOSUCH"]},
               "adjust-month": {"unit": "NOSUCH", "period": "2026-10", "kind": "免报", "reason": "测试",
                                "operator": "张三"},
               "resend-receipts": {"unit": "NOSUCH", "period": "2026-10"}}
    for name, parameters in unknown.items():
        status, refused = api(deployed.env, "POST", f"/deployments/{deployed.deployments[name]['id']}/create_flow_run",
                              {"parameters": parameters})
        assert status in (409, 422) and "NOSUCH" in str(refused["detail"]), (name, status, refused)


def start(deployed, name, parameters, job_variables=None):
    """A run of deployment `name` through the API, as the form would start it; its end."""
    status, run = api(deployed.env, "POST", f"/deployments/{deployed.deployments[name]['id']}/create_flow_run",
                      {"parameters": parameters, "job_variables": job_variables or {}})
    assert status == 201, run
    return wait_for_the_end(deployed.env, run["id"])


def logs(deployed, run, awaited: str) -> str:
    """The run's log, once it holds `awaited`: a run's last lines reach the server after its
    final state (they are sent in batches)."""
    deadline = time.monotonic() + 60
    while True:
        _, found = api(deployed.env, "POST", "/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}})
        said = "\n".join(line["message"] for line in found)
        if awaited in said or time.monotonic() > deadline:
            return said
        time.sleep(1)


def artifacts(deployed, run) -> dict[str, dict]:
    _, found = api(deployed.env, "POST", "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}})
    return {artifact["key"]: artifact for artifact in found}


def log_in(page, login: str) -> None:
    """Type `login` into the prompt the UI shows until it has one (both of Prefect's UIs)."""
    page.get_by_placeholder("admin:pass").fill(login)
    page.get_by_role("button", name="Login", exact=True).click()


def logged_in(browser, deployed: Deployed, path: str):
    """A new window of the 司法局's browser (Chinese, Beijing time: a picked date must stay that
    date) on the UI's `path`, after the login prompt the UI shows first."""
    page = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    page.set_default_timeout(30 * MS)
    page.goto(deployed.ui + path)
    log_in(page, deployed.env["PREFECT_API_AUTH_STRING"])
    page.wait_for_url(deployed.ui + path)
    # Opened afresh: the notices of the prompt ("Authentication failed." for the first look
    # without a login) would otherwise stay on the page and in its pictures.
    page.goto(deployed.ui + path)
    return page


def field(page, title):
    """One field of the schema form, found by its label (the parameter's title)."""
    label = page.locator(":scope > .p-label__header .schema-form-property__label", has_text=title)
    return page.locator(".schema-form-property").filter(has=label)


def choose(page, where, option):
    """Pick `option` from the field's list; it opens from the keyboard (a click on it does
    not, headless)."""
    where.locator(".p-select-button__control").first.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()


def screenshot(page, tmp_path, name, width=VIEWPORT["width"], whole=True):
    """The page into tmp_path, and into docs/ when asked to. The UI scrolls inside
    .app-router-view, so for the whole page the window is grown to fit it; not `whole`: the
    window as it is (a toast, at its bottom, stays in sight)."""
    height = page.evaluate("() => document.querySelector('.app-router-view')?.scrollHeight ?? 0") if whole else 0
    page.set_viewport_size({"width": width, "height": max(VIEWPORT["height"], height)})
    page.wait_for_load_state("networkidle")
    page.screenshot(path=tmp_path / name)
    page.set_viewport_size(VIEWPORT)
    if update_screenshots():
        shutil.copyfile(tmp_path / name, ROOT / "docs" / name)


def wait_for_the_end(env, run_id, timeout=240):
    deadline = time.monotonic() + timeout
    while True:
        _, run = api(env, "GET", f"/flow_runs/{run_id}")
        if run["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return run
        assert time.monotonic() < deadline, f"the run is still {run['state_name']} after {timeout} s"
        time.sleep(1)


@pytest.mark.skipif(sync_playwright is None, reason="没有安装 playwright（Python 包，make setup 会安装）：跳过界面测试")
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"没有 {CHROMIUM}（.ci/run 会安装）：跳过界面测试")
def test_a_custom_run_through_the_form_completes_and_shows_its_statuses_in_chinese(deployed, tmp_path):
    monthly = deployed.deployments["monthly-collection"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = logged_in(browser, deployed, f"/deployments/deployment/{monthly['id']}/run")
            page.wait_for_load_state("networkidle")

            # Each field shows its Chinese title as the label and its description.
            period = field(page, "报送期间")
            expect(period.locator(".schema-form-property__label").first).to_have_text(re.compile(r"^报送期间"))
            expect(period).to_contain_text("报送期间应为 YYYY-MM，如 2026-10")
            as_of, only_units = field(page, "数据截至日期"), field(page, "只处理这些单位")
            expect(as_of).to_contain_text("YYYY-MM-DD")
            expect(only_units).to_contain_text("留空为全部单位")

            # A wrong period: marked under the field, in words, and no run is created.
            period.locator("textarea").fill("2025-13")
            tried = []
            page.on("response", lambda r: tried.append(r) if r.url.endswith("/create_flow_run") else None)
            page.get_by_role("button", name="Submit").click()
            expect(period).to_contain_text("'2025-13' does not match '^(?=|报送期间应为 YYYY-MM，如 2026-10)")
            screenshot(page, tmp_path, "ui-form-error.png", whole=False)
            assert not tried

            # The right values, on a fresh form (the refusal stays under the field until the
            # next check): period and date typed, no units (all of them).
            page.reload()
            page.wait_for_load_state("networkidle")
            period.locator("textarea").fill("2026-10")
            as_of.locator("textarea, input").first.fill("2026-11-04")
            # The units: the registry's list, each with its code and name; a unit picked
            # twice is taken off again — this run is for all of them (the decisions' test
            # submits units chosen from the list).
            choose(page, only_units, "SFJ 司法局")
            screenshot(page, tmp_path, "ui-units.png", whole=False)
            expect(only_units).to_contain_text("SFJ 司法局")
            page.get_by_role("option", name="SFJ 司法局", exact=True).click()
            page.get_by_text("Parameters", exact=True).click()  # closes the list
            expect(page.get_by_role("option", name="ZRZY 自然资源局")).to_be_hidden()
            expect(only_units).to_contain_text("No items selected")
            screenshot(page, tmp_path, "ui-form.png")
            with page.expect_response(lambda r: r.url.endswith("/create_flow_run")) as created:
                page.get_by_role("button", name="Submit").click()
            assert created.value.status == 201, created.value.text()
            run = created.value.json()
            assert run["parameters"] == {"period": "2026-10", "as_of": "2026-11-04", "only_units": [],
                                         "dry_run": False, "resend": False}

            run = wait_for_the_end(deployed.env, run["id"])
            worker_log = (deployed.home / "worker.log").read_text(errors="replace")[-3000:]
            assert run["state_type"] == "COMPLETED", f"{run['state_name']}: {run['state']['message']}\n{worker_log}"

            # The run's Artifacts tab lists the reporting matrix; it reads in Chinese.
            page.goto(f"{deployed.ui}/runs/flow-run/{run['id']}")
            page.locator(".p-tab", has_text="Artifacts").click()
            matrix = page.locator(".artifact-card").filter(has_text=re.compile(r"reporting-matrix-"))
            expect(matrix).to_contain_text("报送情况", timeout=20 * MS)
            screenshot(page, tmp_path, "ui-artifacts.png")
            matrix.click()
            page.wait_for_url(re.compile(r"/artifacts/artifact/"))
            heading = page.locator(".markdown-renderer").locator("h1, h2, h3").first
            expect(heading).to_contain_text("报送情况")
            expect(page.get_by_role("cell", name="按时", exact=True).first).to_be_attached()
            expect(page.get_by_role("cell", name="未到期", exact=True).first).to_be_attached()
            expect(page.locator("table")).not_to_contain_text("on_time")
            # The matrix (a unit per row, a month per column) is wider than what a 1400 px
            # window leaves it beside the run's details: widen the window for the picture.
            table = page.locator(".markdown-renderer__table").first
            overflow = table.evaluate("e => e.scrollWidth - e.clientWidth")
            wide = VIEWPORT["width"] + (overflow + 40 if overflow > 0 else 0)
            screenshot(page, tmp_path, "ui-matrix.png", width=wide)

            # The 回执 the run wrote: unit, file, where the staff PCs find it, and its mail.
            page.goto(f"{deployed.ui}/runs/flow-run/{run['id']}")
            page.locator(".p-tab", has_text="Artifacts").click()
            page.locator(".artifact-card").filter(has_text="本次运行写出的回执").click()
            page.wait_for_url(re.compile(r"/artifacts/artifact/"))
            expect(page.locator("table")).to_contain_text(f"{SHARE}\\feedback\\SFJ\\2026-10")
            expect(page.locator("table")).to_contain_text("司法局（SFJ）")
            screenshot(page, tmp_path, "ui-receipts.png", width=1700)  # the 邮件 column too
        finally:
            browser.close()

    _, artifacts = api(deployed.env, "POST", "/artifacts/filter",
                       {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}})
    matrices = [a for a in artifacts if a["key"].startswith("reporting-matrix-")]
    assert len(matrices) == 1 and re.match(r"#+ .*报送情况", matrices[0]["data"]), matrices


@pytest.mark.skipif(sync_playwright is None, reason="没有安装 playwright（Python 包，make setup 会安装）：跳过界面测试")
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"没有 {CHROMIUM}（.ci/run 会安装）：跳过界面测试")
def test_a_decision_is_taken_through_the_form_with_its_reason_and_shows_in_the_record(deployed, tmp_path):
    """Issue 15: the administrator's 免报 from the Custom run form; a decision without a
    reason is marked under the field; the 调整记录 artifact lists the decision in Chinese."""
    adjust = deployed.deployments["adjust-month"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = logged_in(browser, deployed, f"/deployments/deployment/{adjust['id']}/run")
            page.wait_for_load_state("networkidle")
            unit, period, kind = field(page, "单位"), field(page, "报送期间"), field(page, "决定")
            reason, operator = field(page, "理由"), field(page, "经办人")
            expect(kind).to_contain_text("免报：该月不需报送")
            choose(page, unit, "ZRZY 自然资源局")
            period.locator("textarea, input").first.fill("2026-10")
            # The list of the two kinds opens from the keyboard (a click on it does not, headless).
            choose(page, kind, "免报")
            operator.locator("textarea, input").first.fill("张三")
            tried = []
            page.on("response", lambda r: tried.append(r) if r.url.endswith("/create_flow_run") else None)
            page.get_by_role("button", name="Submit").click()
            expect(reason).to_contain_text("请填写理由")
            assert not tried
            # The right values, on a fresh form (the refusal stays under the field until the next check).
            def exempt(choice: str, why: str) -> None:
                """The form filled for 免报 of October for the unit listed as `choice`."""
                choose(page, unit, choice)
                for where, value in ((period, "2026-10"), (operator, "张三"), (reason, why)):
                    where.locator("textarea, input").first.fill(value)
                choose(page, kind, "免报")

            page.reload()
            page.wait_for_load_state("networkidle")
            exempt("ZRZY 自然资源局", "机构改革，当月暂停执法")
            screenshot(page, tmp_path, "ui-decision-form.png")
            with page.expect_response(lambda r: r.url.endswith("/create_flow_run")) as created:
                page.get_by_role("button", name="Submit").click()
            assert created.value.status == 201, created.value.text()
            run = wait_for_the_end(deployed.env, created.value.json()["id"])
            worker_log = (deployed.home / "worker.log").read_text(errors="replace")[-3000:]
            assert run["state_type"] == "COMPLETED", f"{run['state_name']}: {run['state']['message']}\n{worker_log}"

            page.goto(f"{deployed.ui}/runs/flow-run/{run['id']}")
            page.locator(".p-tab", has_text="Artifacts").click()
            record = page.locator(".artifact-card").filter(has_text=re.compile(r"adjustments"))
            expect(record).to_contain_text("调整记录", timeout=20 * MS)
            record.click()
            page.wait_for_url(re.compile(r"/artifacts/artifact/"))
            expect(page.get_by_role("cell", name="免报", exact=True).first).to_be_attached()
            expect(page.get_by_role("cell", name="报送状态 未报送 → 免报", exact=True)).to_be_attached()
            table = page.locator(".markdown-renderer__table").first
            overflow = table.evaluate("e => e.scrollWidth - e.clientWidth")
            screenshot(page, tmp_path, "ui-adjustments.png", width=VIEWPORT["width"] + max(overflow + 40, 0))

            # The decision's effect, on its own run's page: the year's matrix has ZRZY's October 免报.
            matrix = artifacts(deployed, run)["reporting-matrix-2026"]["data"]
            assert re.search(r"\|\s*自然资源局[^\n]*\|\s*免报\s*\|", matrix), matrix

            # A decision the run refuses: 免报 for a month 政府办 never owed. The run ends 已拒绝
            # with the reason as its message, in one log line, without a traceback.
            page.goto(f"{deployed.ui}/deployments/deployment/{adjust['id']}/run")
            page.wait_for_load_state("networkidle")
            exempt("ZFB 政府办", "单位书面申请")
            with page.expect_response(lambda r: r.url.endswith("/create_flow_run")) as created:
                page.get_by_role("button", name="Submit").click()
            refused = wait_for_the_end(deployed.env, created.value.json()["id"])
            assert (refused["state_type"], refused["state_name"]) == ("FAILED", "已拒绝"), refused["state"]
            reason_text = refused["state"]["message"]
            assert reason_text.startswith("政府办（ZFB）不需报送 2026-10"), reason_text
            said = logs(deployed, refused, f"Finished in state {refused['state_name']}")
            assert reason_text in said and "Traceback" not in said and "AdjustmentError" not in said, said
            page.goto(f"{deployed.ui}/runs/flow-run/{refused['id']}")
            expect(page.locator(".state-badge").first).to_contain_text("已拒绝")
            expect(page.get_by_text(reason_text).first).to_be_visible()
            screenshot(page, tmp_path, "ui-refused.png")
        finally:
            browser.close()


def test_a_receipt_resent_arrives_once_and_without_a_mail_server_the_run_is_named_so(deployed):
    """Issue 23 items 4 and 6: resend-receipts mails the unit's 回执 once, to its address; the
    same run where no mail server is set (the run's own environment) ends Completed, named
    未配置邮件, and says it in an artifact."""
    if not (Path(deployed.env["XZZF_OUT"]) / "feedback" / "SFJ" / "2026-10").exists():  # run alone
        monthly = start(deployed, "monthly-collection", {"period": "2026-10", "as_of": "2026-11-04",
                                                         "only_units": ["SFJ 司法局"]})
        assert monthly["state_type"] == "COMPLETED", monthly["state"]
    before = len(deployed.smtp.inbox.messages)
    run = start(deployed, "resend-receipts", {"unit": "SFJ 司法局", "period": "2026-10"})
    assert run["state_name"] == "Completed", run["state"]
    resent = [(to, m) for to, m in deployed.smtp.inbox.messages[before:] if m["Subject"].startswith("【回执重发】")]
    assert len(resent) == 1 and resent[0][0] == ["sfj@hsb.example.gov.cn"], deployed.smtp.inbox.messages[before:]
    attached = [part.get_filename() for part in resent[0][1].iter_attachments()]
    assert attached and all(name.endswith(".xlsx") for name in attached), attached
    rows = json.loads(artifacts(deployed, run)["receipts"]["data"])
    assert rows and all(SHARE in row["位置"] for row in rows), rows

    quiet = start(deployed, "resend-receipts", {"unit": "SFJ 司法局", "period": "2026-10"},
                  job_variables={"env": {"XZZF_SMTP_HOST": ""}})
    assert (quiet["state_type"], quiet["state_name"]) == ("COMPLETED", "未配置邮件"), quiet["state"]
    assert "未设置邮件服务器" in quiet["state"]["message"]
    assert "mail-not-configured" in artifacts(deployed, quiet)
    assert len([m for _, m in deployed.smtp.inbox.messages if m["Subject"].startswith("【回执重发】")]) == 1


def test_the_forms_follow_the_registry_when_a_run_reads_a_changed_one(deployed):
    """A unit added to units.yaml is offered by every form once a deployed run has read the
    registry — here a refused one, the cheapest."""
    registry = Path(deployed.env["XZZF_UNITS"])
    registry.write_text(registry.read_text(encoding="utf-8")
                        + "  - {code: HDJD, name: 弘德街道, kind: 街道, enforcement: true, from: 2026-05-01}\n",
                        encoding="utf-8")
    assert "HDJD 弘德街道" not in choices(deployed, "adjust-month")
    run = start(deployed, "revoke-adjustment", {"number": 999, "reason": "测试", "operator": "张三"})
    assert run["state_name"] == "已拒绝", run["state"]
    for name in UNIT_FIELDS:
        assert choices(deployed, name)[-1] == "HDJD 弘德街道", name
    assert "单位名册已变化" in logs(deployed, run, "单位名册已变化")


@pytest.mark.skipif(sync_playwright is None, reason="没有安装 playwright（Python 包，make setup 会安装）：跳过界面测试")
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"没有 {CHROMIUM}（.ci/run 会安装）：跳过界面测试")
def test_the_ui_shows_nothing_before_its_login_and_refuses_a_wrong_one(deployed, tmp_path):
    """Issue 23 item 7: the address the staff open asks for the login (README); a wrong one is
    refused and nothing is shown; the right one opens the deployments, and the browser keeps
    it for the next window."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
            page = context.new_page()
            page.set_default_timeout(30 * MS)
            seen = []  # what the API let through before the login
            page.on("response", lambda r: seen.append(r) if "/api/deployments" in r.url and r.ok else None)
            page.goto(f"{deployed.ui}/deployments")
            page.wait_for_url(re.compile(r"/login\?redirect=/deployments$"))
            expect(page.get_by_role("heading", name="Login")).to_be_visible()
            # What the staff see first, with the notices of the look the UI took without a login.
            screenshot(page, tmp_path, "ui-login.png", whole=False)
            notices = page.get_by_text("Authentication failed.").count()  # settled: screenshot() waited
            log_in(page, "admin:wrong")
            expect(page.get_by_text("Authentication failed.").nth(notices)).to_be_visible()  # a new one
            expect(page).to_have_url(re.compile(r"/login"))
            assert page.evaluate("localStorage.getItem('prefect-password')") is None  # not kept
            assert not seen

            log_in(page, deployed.env["PREFECT_API_AUTH_STRING"])
            page.wait_for_url(f"{deployed.ui}/deployments")
            expect(page.get_by_text("monthly-collection", exact=True).first).to_be_visible()
            again = context.new_page()
            again.goto(f"{deployed.ui}/deployments")
            expect(again.get_by_text("monthly-collection", exact=True).first).to_be_visible()
            assert "/login" not in again.url
        finally:
            browser.close()
