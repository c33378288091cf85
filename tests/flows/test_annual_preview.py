"""The annual report of a year not ended: refused, or a preview marked 预览 that is never
issued or mailed; and the report's files on the share staff PCs open, shown on the run's
page as paths to copy, never as file:// links."""

import datetime as dt
import json
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from prefect.exceptions import FailedRun

from connectors.xlsx_writer import write_sheets
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server
from xzzf.catalog import assign, load_catalog
from xzzf.sample import as_sheets, submission
from xzzf.units import load_registry

UNITS = [{"code": "SFJ", "name": "司法局", "kind": "部门", "enforcement": True},
         {"code": "ZRZY", "name": "自然资源局", "kind": "部门", "enforcement": True}]
NOT_ENDED = "2025 年度尚未结束（数据截至 2025-11-20）"


@pytest.fixture
def loaded(env, tmp_path):
    """Two units' October 2025, taken in by an intake as of 5 November 2025."""
    (tmp_path / "units.yaml").write_text(yaml.safe_dump({"units": UNITS}, allow_unicode=True), encoding="utf-8")
    registry = load_registry(tmp_path / "units.yaml")
    assignment = assign(load_catalog(), registry)
    for code in ("SFJ", "ZRZY"):
        info, tables = submission(registry.get(code), "2025-10", assignment)
        set_mtime(write_sheets(env.inbox / code / "2025-10.xlsx", as_sheets(info, tables)), at("2025-11-03"))
    env.use(units=tmp_path / "units.yaml")
    report = env.intake(at("2025-11-05"))
    assert {f["status"] for f in report["files"]} == {"accepted"}
    return env


def store():
    from flows.runtime import open_store
    from xzzf.settings import load_settings

    return open_store(load_settings())


def markdown_of(state, key: str) -> str:
    """The markdown artifact `key` of the flow run that ended in `state`, as the UI shows it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[key]),
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    return artifact.data


def smtp(monkeypatch, server) -> None:
    for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_PORT", server.port),
                        ("XZZF_SMTP_SECURITY", "none"), ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"),
                        ("XZZF_SFJ_RECIPIENTS", "sfj@hsb.example.gov.cn")):
        monkeypatch.setenv(name, str(value))


def test_the_report_of_a_year_not_ended_is_refused_before_anything_is_written(env):
    """It refuses the year with the date it was judged by and how to ask for a preview; no
    store is opened, no report written."""
    from flows.annual import annual

    with pytest.raises(FailedRun, match="预览") as refused:
        annual(year=2025, as_of=dt.date(2025, 11, 20))
    assert str(refused.value).startswith(NOT_ENDED)
    assert "2025-12-31" in str(refused.value)
    assert not env.out.exists() and not (env.inbox.parent / "xzzf.db").exists()


def test_a_preview_is_marked_and_neither_issued_nor_mailed_and_the_real_report_is_the_first(loaded, monkeypatch):
    """A preview's files say 预览 in their names, sheets and title; nothing is recorded as
    issued or owed as mail, so the report after the year ends is the first issue, not an
    amendment of the preview."""
    from flows.annual import annual

    with Server() as server:
        smtp(monkeypatch, server)
        folder = Path(annual(year=2025, as_of=dt.date(2025, 11, 20), preview=True, resend=True))
        assert folder == loaded.out / "reports" / "2025" / "预览"
        assert sorted(p.name for p in (loaded.out / "reports" / "2025").iterdir()) == ["预览"]
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(["figures-2025-预览.json", "2025年度行政执法工作报告（预览）-数据.xlsx",
                                "吴忠市红寺堡区2025年度行政执法工作报告（预览）（草稿）.docx",
                                "公开数据-2025-预览.xlsx"])
        book = openpyxl.load_workbook(folder / "2025年度行政执法工作报告（预览）-数据.xlsx")
        assert book.sheetnames == [f"{t}（预览）" for t in ("总体情况", "分单位指标", "未达标事项", "报送情况",
                                                         "任务完成情况", "公开数据")]
        assert len(book["总体情况（预览）"]._charts) == 3
        draft = docx.Document(folder / "吴忠市红寺堡区2025年度行政执法工作报告（预览）（草稿）.docx")
        assert draft.paragraphs[0].text == "吴忠市红寺堡区2025年度行政执法工作报告（预览）"
        assert draft.paragraphs[1].text.startswith("预览：数据截至 2025-11-20")
        assert "预览" in draft.sections[0].header.paragraphs[0].text
        public = openpyxl.load_workbook(folder / "公开数据-2025-预览.xlsx")
        assert public.sheetnames == ["公开数据（预览）"]
        assert json.loads((folder / "figures-2025-预览.json").read_text(encoding="utf-8"))["as_of"] == "2025-11-20"
        assert store().latest_issued(2025) is None
        assert store().email("annual/2025") is None and store().unsent_emails() == []
        assert not (loaded.out / "outbox").exists() and server.inbox.messages == []

        issued = Path(annual(year=2025, as_of=dt.date(2026, 1, 10)))
    assert issued == loaded.out / "reports" / "2025"
    assert store().latest_issued(2025)["as_of"] == dt.date(2026, 1, 10)
    assert "更正说明" not in openpyxl.load_workbook(issued / "2025年度行政执法工作报告-数据.xlsx").sheetnames
    [(_, message)] = server.inbox.messages
    assert "预览" not in message["Subject"] and "更正" not in message.get_body(("plain",)).get_content()
    assert store().email("annual/2025")["status"] == "sent"


def test_with_a_share_set_the_files_are_there_and_the_page_shows_its_path_as_text(loaded, tmp_path):
    """XZZF_REPORTS gets the same four files (no temporary ones left); the run's page gives
    their share paths to copy, the figures and what missed its target, and no file:// link."""
    from flows.annual import annual

    share = tmp_path / "共享" / "年度报告"
    loaded.use(reports=share)
    state = annual(year=2025, as_of=dt.date(2026, 1, 10), return_state=True)
    folder = Path(state.result())
    copied = sorted((share / "2025").iterdir())
    assert [p.name for p in copied] == sorted(p.name for p in folder.iterdir())
    assert all(p.read_bytes() == (folder / p.name).read_bytes() for p in copied)
    page = markdown_of(state, "report-2025")
    assert "file://" not in page
    for path in copied:
        assert f"`{path}`" in page
    assert "| 指标 | 全区 | 目标 | 是否达标 |" in page and "| 行政执法决定公开率 |" in page
    figures = json.loads((folder / "figures-2025.json").read_text(encoding="utf-8"))
    assert figures["district"]["failing"]  # two units that reported one month of twelve
    assert "### 未达标" in page and "| 全区 | " in page and "按时报送率" in page

    loaded.use(reports=None)
    state = annual(year=2025, as_of=dt.date(2026, 1, 10), return_state=True)
    page = markdown_of(state, "report-2025")
    assert "未设置 XZZF_REPORTS" in page and "file://" not in page
    assert f"`{(folder / 'figures-2025.json').resolve()}`" in page


def test_the_page_shows_the_share_as_the_staff_pcs_name_it(loaded, tmp_path):
    """Issue 23: with XZZF_SHARE_ROOT/XZZF_SHARE_NAME set, a path under the share reads as a
    staff PC opens it (backslashes, the share's name), and the server's path is not shown."""
    from flows.annual import annual

    loaded.use(reports=tmp_path / "共享" / "年度报告",
               share_root=tmp_path / "共享", share_name=r"\\fileserver\行政执法报告")
    state = annual(year=2025, as_of=dt.date(2026, 1, 10), return_state=True)
    page = markdown_of(state, "report-2025")
    assert "`\\\\fileserver\\行政执法报告\\年度报告\\2025\\公开数据-2025.xlsx`" in page
    assert str(tmp_path) not in page


def test_a_share_that_cannot_be_written_fails_the_run_after_the_report_is_issued(loaded, tmp_path):
    """The report is still recorded and owed as mail (the 司法局 gets it); the run fails
    naming XZZF_REPORTS so that someone mends the share, and its page says so."""
    from flows.annual import annual

    not_a_folder = tmp_path / "share"
    not_a_folder.write_text("", encoding="utf-8")
    loaded.use(reports=not_a_folder)
    with pytest.raises(FailedRun, match="XZZF_REPORTS"):
        annual(year=2025, as_of=dt.date(2026, 1, 10))
    assert store().latest_issued(2025) is not None and store().email("annual/2025") is not None
    assert (loaded.out / "reports" / "2025" / "公开数据-2025.xlsx").is_file()


def test_a_preview_page_says_preview_under_its_own_key(loaded, tmp_path):
    from flows.annual import annual

    loaded.use(reports=tmp_path / "share")
    state = annual(year=2025, as_of=dt.date(2025, 11, 20), preview=True, return_state=True)
    page = markdown_of(state, "report-2025-preview")
    assert "预览：数据截至 2025-11-20" in page and "file://" not in page
    assert f"`{tmp_path / 'share' / '2025' / '预览' / 'figures-2025-预览.json'}`" in page
    assert (tmp_path / "share" / "2025" / "预览" / "公开数据-2025-预览.xlsx").is_file()


def test_the_command_refuses_a_year_not_ended_before_prefect_starts(env, monkeypatch):
    from typer.testing import CliRunner

    import flows.runtime
    from cli import app

    def started():
        raise AssertionError("Prefect started")

    monkeypatch.setattr(flows.runtime, "start_local_server", started)
    result = CliRunner().invoke(app, ["annual", "--year", "2026", "--as-of", "2026-11-20"])
    assert result.exit_code == 2, result.output
    assert "2026 年度尚未结束（数据截至 2026-11-20）" in result.output and "--preview" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not env.out.exists()
