"""The Prefect UI as the 司法局 uses it: a real `prefect server` with its UI, the deployments
made by deployments/deploy.sh, a worker on the pool, and headless Chromium (Debian's, driven by
Playwright) filling monthly-collection's Custom run form and reading the run's artifacts. A
cheaper test reads the forms' schemas from the API.

Screenshots are saved in the test's tmp folder, and with XZZF_UPDATE_SCREENSHOTS=1 also as
docs/ui-form.png, docs/ui-form-error.png and docs/ui-matrix.png:

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
from tests.test_deployments import PREFECT, ROOT, login_header, prefect_server

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
               "resend-receipts"}
# Where runs read and write is the worker's environment, never a field of the form.
NOT_IN_THE_FORM = {"inbox", "units", "db", "out"}
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
    with prefect_server(home, ui=True) as (env, processes):
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
        yield Deployed(env, env["PREFECT_API_URL"].removesuffix("/api"), deployments, home)
        log.close()
        assert env["PREFECT_API_AUTH_STRING"] not in (home / "worker.log").read_text(errors="replace")


def test_every_field_of_every_form_is_a_business_choice_labelled_and_explained_in_chinese(deployed):
    assert set(deployed.deployments) == DEPLOYMENTS
    for name, deployment in deployed.deployments.items():
        properties = deployment["parameter_openapi_schema"]["properties"]
        assert properties, name
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
        values = {"unit": "SFJ", "period": "2026-10", "kind": "免报", "number": 1}
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
            expect(only_units).to_contain_text("No items in this list")
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
            unit, period, kind = field(page, "单位编码"), field(page, "报送期间"), field(page, "决定")
            reason, operator = field(page, "理由"), field(page, "经办人")
            expect(kind).to_contain_text("免报：该月不需报送")
            unit.locator("textarea, input").first.fill("ZRZY")
            period.locator("textarea, input").first.fill("2026-10")
            # The list of the two kinds opens from the keyboard (a click on it does not, headless).
            kind.locator(".p-select-button__control").press("ArrowDown")
            page.get_by_role("option", name="免报", exact=True).click()
            operator.locator("textarea, input").first.fill("张三")
            tried = []
            page.on("response", lambda r: tried.append(r) if r.url.endswith("/create_flow_run") else None)
            page.get_by_role("button", name="Submit").click()
            expect(reason).to_contain_text("请填写理由")
            assert not tried
            # The right values, on a fresh form (the refusal stays under the field until the next check).
            page.reload()
            page.wait_for_load_state("networkidle")
            values = ((unit, "ZRZY"), (period, "2026-10"), (operator, "张三"), (reason, "机构改革，当月暂停执法"))
            for where, value in values:
                where.locator("textarea, input").first.fill(value)
            kind.locator(".p-select-button__control").press("ArrowDown")
            page.get_by_role("option", name="免报", exact=True).click()
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
        finally:
            browser.close()


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
