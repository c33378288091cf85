"""The 司法局's decisions as the administrator makes them (issue 15): real flow runs on a real
store — an extension, an exemption, a withdrawal and its revocation, units over time — and
every refusal before anything changes."""

import copy
import datetime as dt
import json
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import openpyxl
import pytest
import yaml
from prefect.exceptions import FailedRun
from typer.testing import CliRunner

from connectors.store import Store
from tests.builders import VALID_ROWS, basic_info, write_workbook
from tests.flows.conftest import at, set_mtime

UNITS = [{"code": "SFJ", "name": "司法局", "kind": "部门", "enforcement": True, "email": ["sfj@example.gov.cn"]},
         {"code": "ZRZY", "name": "自然资源局", "kind": "部门", "enforcement": True},
         {"code": "XX", "name": "新乡", "kind": "乡镇", "enforcement": False, "from": dt.date(2026, 11, 1)}]
OPERATOR = {"reason": "系统故障，单位书面申请", "operator": "张三"}


@pytest.fixture
def year(env, tmp_path):
    write_units(env, tmp_path, UNITS)
    return env


def write_units(env, tmp_path, units):
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    env.use(units=path)


def drop(env, name, arrived, unit="SFJ", decisions=1):
    rows = {"执法决定": [copy.deepcopy(VALID_ROWS["执法决定"][0]) for _ in range(decisions)]}
    for number, row in enumerate(rows["执法决定"], start=1):
        row["决定文书号"] = f"红司罚〔2026〕{number}号"
    info = basic_info(unit, "2026-10", 单位名称="司法局" if unit == "SFJ" else "自然资源局")
    set_mtime(write_workbook(env.inbox / unit / name, unit, info=info, rows=rows), at(arrived))


def store(env) -> Store:
    return Store(env.db)


def test_an_extension_turns_a_late_month_on_time_and_is_recorded(year):
    from flows.adjustments import adjust

    drop(year, "10月.xlsx", "2026-11-10")  # due Thursday 5 November
    assert year.monthly("2026-10", dt.date(2026, 11, 12))["units"]["SFJ"] == "late"
    line = adjust(unit="SFJ", period="2026-10", kind="延期", until=dt.date(2026, 11, 10), as_of=dt.date(2026, 11, 12),
                  **OPERATOR)
    assert "第 1 号决定（延期）" in line and "报送状态 逾期 → 按时" in line
    assert year.monthly("2026-10", dt.date(2026, 11, 12))["units"]["SFJ"] == "on_time"
    [decision] = store(year).adjustments()
    assert (decision.kind, decision.unit_code, decision.until, decision.operator, decision.reason) == (
        "extension", "SFJ", dt.date(2026, 11, 10), "张三", "系统故障，单位书面申请")
    assert decision.changes == "报送状态 逾期 → 按时"
    # "as of D" is what the data said on D: before the decision the month was late
    assert year.monthly("2026-10", dt.date(2026, 11, 11), dry_run=True)["units"]["SFJ"] == "late"


def test_an_exemption_shows_as_such_and_a_revocation_undoes_it(year):
    from flows.adjustments import adjust, revoke

    adjust(unit="ZRZY", period="2026-10", kind="免报", until=None, as_of=dt.date(2026, 11, 12),
           reason="机构改革，当月暂停执法", operator="李四")
    assert year.monthly("2026-10", dt.date(2026, 11, 12))["units"]["ZRZY"] == "exempt"
    line = revoke(number=1, as_of=dt.date(2026, 11, 13), **OPERATOR)
    assert "第 2 号决定（撤回决定）" in line and "报送状态 免报 → 未报送" in line
    assert year.monthly("2026-10", dt.date(2026, 11, 13))["units"]["ZRZY"] == "missing"
    assert [a.kind for a in store(year).adjustments()] == ["exemption", "revocation"]  # both kept, none edited


def test_a_withdrawal_restores_the_earlier_file_and_its_figures_and_tells_the_unit(year):
    from flows.adjustments import revoke, withdraw

    drop(year, "10月.xlsx", "2026-11-03", decisions=1)
    drop(year, "10月-更正.xlsx", "2026-11-06", decisions=2)  # the correction came after the due day
    report = year.monthly("2026-10", dt.date(2026, 11, 9))
    assert {f["path"]: f["status"] for f in report["files"]} == {"SFJ/10月.xlsx": "superseded",
                                                                 "SFJ/10月-更正.xlsx": "accepted"}
    assert len(store(year).rows("decisions")) == 2

    line = withdraw(unit="SFJ", period="2026-10", as_of=dt.date(2026, 11, 9), reason="误将他单位数据报入",
                    operator="张三")
    assert "在用文件 SFJ/10月-更正.xlsx → SFJ/10月.xlsx" in line
    report = year.monthly("2026-10", dt.date(2026, 11, 9))
    assert {f["path"]: f["status"] for f in report["files"]} == {"SFJ/10月.xlsx": "accepted",
                                                                 "SFJ/10月-更正.xlsx": "withdrawn"}
    assert report["units"]["SFJ"] == "on_time"
    assert len(store(year).rows("decisions")) == 1  # the figures follow the file in force
    receipt = next((year.out / "feedback" / "SFJ" / "2026-10").glob("*撤销回执.xlsx"))
    cells = [c for row in openpyxl.load_workbook(receipt).active.iter_rows(values_only=True) for c in row if c]
    assert "已撤销" in cells and any("误将他单位数据报入" in str(c) for c in cells)
    mail = BytesParser(policy=default).parsebytes(next((year.out / "outbox").glob("adjustment-1-*.eml")).read_bytes())
    assert mail["To"] == "sfj@example.gov.cn" and "已撤销" in mail["Subject"]
    assert "误将他单位数据报入" in mail.get_body(("html",)).get_content()

    revoke(number=1, as_of=dt.date(2026, 11, 10), **OPERATOR)
    assert len(store(year).rows("decisions")) == 2
    assert next((year.out / "feedback" / "SFJ" / "2026-10").glob("*恢复受理回执.xlsx"))
    # nothing was deleted: the file, its rows and both decisions stay
    assert len(store(year).adjustments()) == 2 and len(store(year).submissions_for("2026-10")) == 2



def test_each_decision_on_a_file_keeps_its_own_receipt(year):
    """Issue 20: withdrawn, restored, withdrawn again: three 回执, each named by its decision
    and saying it — the second 撤销回执 no longer replaces the first."""
    from flows.adjustments import revoke, withdraw

    drop(year, "10月.xlsx", "2026-11-03")
    drop(year, "10月-更正.xlsx", "2026-11-04", decisions=2)
    year.monthly("2026-10", dt.date(2026, 11, 9))
    withdraw(unit="SFJ", period="2026-10", as_of=dt.date(2026, 11, 9), reason="误将他单位数据报入", operator="张三")
    revoke(number=1, as_of=dt.date(2026, 11, 10), **OPERATOR)
    withdraw(unit="SFJ", period="2026-10", as_of=dt.date(2026, 11, 11), reason="核实后仍有误", operator="张三")
    folder = year.out / "feedback" / "SFJ" / "2026-10"
    receipts = {path.name.split("-", 3)[3]: path for path in folder.glob("10月-更正-*-第*号-*.xlsx")}
    assert sorted(receipts) == ["第1号-撤销回执.xlsx", "第2号-恢复受理回执.xlsx", "第3号-撤销回执.xlsx"]
    for name, reason in (("第1号-撤销回执.xlsx", "误将他单位数据报入"), ("第3号-撤销回执.xlsx", "核实后仍有误")):
        cells = [str(c) for row in openpyxl.load_workbook(receipts[name]).active.iter_rows(values_only=True)
                 for c in row if c]
        said = next(c for c in cells if reason in c)
        assert said.startswith(f"第 {name[1]} 号决定"), said


@pytest.mark.parametrize(("call", "message"), [
    (lambda f: f.adjust(unit="NOPE", period="2026-10", kind="延期", until=dt.date(2026, 11, 20), **OPERATOR),
     "未登记的单位编码：NOPE"),
    (lambda f: f.adjust(unit="XX", period="2026-10", kind="免报", until=None, **OPERATOR),
     "新乡（XX）不需报送 2026-10"),
    (lambda f: f.adjust(unit="SFJ", period="2026-10", kind="延期", until=dt.date(2026, 11, 5), **OPERATOR),
     "延期日期应在截止日之后"),
    (lambda f: f.adjust(unit="SFJ", period="2026-10", kind="免报", until=None, reason=" ", operator="张三"),
     "请填写理由"),
    (lambda f: f.withdraw(unit="SFJ", period="2026-10", **OPERATOR), "没有在用（已受理）的文件"),
    (lambda f: f.revoke(number=9, **OPERATOR), "没有第 9 号决定"),
])
def test_a_wrong_decision_is_refused_before_anything_changes(year, call, message):
    import flows.adjustments as flows

    with pytest.raises(FailedRun, match=message):
        call(flows)
    assert store(year).adjustments() == []


def test_a_unit_is_owed_months_only_while_it_exists(year):
    assert set(year.monthly("2026-10", dt.date(2026, 11, 9))["units"]) == {"SFJ", "ZRZY"}
    assert set(year.monthly("2026-11", dt.date(2026, 11, 29), dry_run=True)["units"]) == {"SFJ", "ZRZY", "XX"}


def test_a_registry_that_would_orphan_accepted_files_is_refused(year, tmp_path):
    drop(year, "10月.xlsx", "2026-11-03", unit="ZRZY")
    year.intake(at("2026-11-04"))
    # abolished before October's last day: October is no longer its month (Unit.has_month)
    write_units(year, tmp_path, [UNITS[0], {**UNITS[1], "until": dt.date(2026, 10, 30)}])
    with pytest.raises(FailedRun, match="ZRZY：2026-10"):
        year.intake(at("2026-11-05"))
    write_units(year, tmp_path, [UNITS[0], {**UNITS[1], "until": dt.date(2026, 10, 31)}])  # there on its last day
    assert year.intake(at("2026-11-05"))["units"] == {"SFJ": "not_due", "ZRZY": "on_time"}
    write_units(year, tmp_path, [UNITS[0]])
    with pytest.raises(FailedRun, match="删除了该单位"):
        year.intake(at("2026-11-05"))


def test_the_command_refuses_a_decision_before_prefect_starts(year):
    from cli import app

    result = CliRunner().invoke(app, ["adjust", "--unit", "SFJ", "--period", "2026-10", "--kind", "免报",
                                      "--reason", "", "--operator", "张三"])
    assert result.exit_code == 2 and "请填写理由" in result.output
    result = CliRunner().invoke(app, ["adjust", "--unit", "SFJ", "--period", "2026-10", "--kind", "延期",
                                      "--until", "2026-11-02", "--reason", "系统故障", "--operator", "张三"])
    assert result.exit_code == 2 and "延期日期应在截止日之后" in result.output
    assert not Path(year.db.removeprefix("sqlite:///")).exists() or store(year).adjustments() == []


def test_the_record_is_an_artifact_on_the_runs_page(year):
    from prefect.client.orchestration import get_client

    from flows.adjustments import adjust

    adjust(unit="ZRZY", period="2026-10", kind="免报", until=None, as_of=dt.date(2026, 11, 12), **OPERATOR)
    with get_client(sync_client=True) as client:
        made = {a.key: a for a in client.read_artifacts(limit=3, sort="CREATED_DESC")}
    assert set(made) == {"adjustments", "units-2026-10", "reporting-matrix-2026"}  # the record, and its effect
    artifact = made["adjustments"]
    assert ("| 1 | 免报 | 自然资源局（ZRZY） | 2026-10 | 该月免报 | 报送状态 未报送 → 免报 | 系统故障，单位书面申请 "
            "| 张三 |") in artifact.data
    json.dumps(artifact.data)


def test_a_file_for_a_month_the_unit_did_not_exist_is_rejected_saying_who_reports_it(year):
    info = basic_info("XX", "2026-10", 单位名称="新乡")
    set_mtime(write_workbook(year.inbox / "XX" / "10月.xlsx", "XX", info=info), at("2026-11-03"))
    [entry] = year.intake(at("2026-11-04"))["files"]
    assert entry["status"] == "rejected"
    assert entry["errors"][0]["message"] == ("新乡（XX）自 2026-11-01 设立，2026-10 不在单位名册所列的存续期间内："
                                             "请核对报送期间")


MID_MONTH = [UNITS[0],
             {"code": "XX", "name": "新乡", "kind": "乡镇", "enforcement": False, "from": dt.date(2026, 10, 20)},
             {"code": "JX", "name": "旧乡", "kind": "乡镇", "enforcement": False, "until": dt.date(2026, 10, 15)},
             {"code": "XZ", "name": "新镇", "kind": "乡镇", "enforcement": False, "from": dt.date(2026, 10, 16),
              "replaces": ["JX"]}]


def test_a_unit_set_up_or_abolished_mid_month_is_owed_alike_everywhere(env, tmp_path):
    """新乡, set up on 20 October, owes October; 旧乡, abolished on 15 October, does not (新镇,
    which takes it over the next day, does). The run report, the matrix on the run's page and
    the annual report's 报送情况 all say so, month by month alike."""
    from flows.annual import annual
    from tests.flows.test_artifacts import artifacts
    from xzzf.vocabulary import UnitStatus

    write_units(env, tmp_path, MID_MONTH)
    set_mtime(write_workbook(env.inbox / "XX" / "10月.xlsx", "XX", info=basic_info("XX", "2026-10", 单位名称="新乡")),
              at("2026-11-03"))
    units = env.monthly("2026-10", dt.date(2026, 11, 9))["units"]
    assert units == {"SFJ": "missing", "XX": "on_time", "XZ": "missing"}
    [matrix] = artifacts("reporting-matrix-2026")[:1]
    lines = {line.split(" | ")[0].lstrip("| "): line.strip("| ").split(" | ")[2:] for line in matrix.data.splitlines()
             if line.startswith("| ") and "（" in line}
    assert lines["新乡（XX）"] == ["—"] * 9 + ["按时", "未到期"]
    assert lines["旧乡（JX）"] == ["未报送"] * 9 + ["—", "—"]
    assert lines["新镇（XZ）"] == ["—"] * 9 + ["未报送", "未到期"]
    folder = Path(annual(year=2026, as_of=dt.date(2026, 11, 9), preview=True))
    sheet = openpyxl.load_workbook(next(folder.glob("*-数据.xlsx")))["报送情况（预览）"]
    months = {row[0]: [cell or "" for cell in row[1:13]] for row in sheet.iter_rows(min_row=3, values_only=True)
              if row[0] in ("司法局", "新乡", "旧乡", "新镇")}
    assert months["新乡"] == ["—"] * 9 + ["按时", "", ""]
    assert months["旧乡"] == ["未报送"] * 9 + ["—"] * 3
    for code, name in (("SFJ", "司法局"), ("XX", "新乡"), ("JX", "旧乡"), ("XZ", "新镇")):
        october = UnitStatus(units[code]).label if code in units else "—"
        assert lines[f"{name}（{code}）"][9] == months[name][9] == october, code


def test_a_decision_shows_its_effect_on_the_units_table_and_the_matrix_at_once(year):
    """Issue 23: the run of a decision publishes the month's units table and the year's
    reporting matrix as they stand after it, not only after the next monthly run."""
    from flows.adjustments import adjust
    from tests.flows.test_intake_runs import latest_artifact

    def newest(key):
        try:
            return latest_artifact(key)
        except IndexError:  # none yet in this test session
            return None

    before = {key: getattr(newest(key), "id", None) for key in ("units-2026-10", "reporting-matrix-2026")}
    adjust(unit="ZRZY", period="2026-10", kind="免报", until=None, as_of=dt.date(2026, 11, 12),
           reason="机构改革，当月暂停执法", operator="李四")
    units, matrix = (latest_artifact(key) for key in ("units-2026-10", "reporting-matrix-2026"))
    assert units.id != before["units-2026-10"] and matrix.id != before["reporting-matrix-2026"]
    rows = {row["单位编码"]: row for row in json.loads(units.data)}
    assert rows["ZRZY"]["状态"] == "免报" and "机构改革" in rows["ZRZY"]["说明"]
    [line] = [line for line in matrix.data.splitlines() if line.startswith("|") and "自然资源局" in line]
    assert "免报" in line
    record = latest_artifact("adjustments").data
    cells = [cell.strip() for line in record.splitlines() if line.startswith("|") for cell in line.split("|")]
    assert cells and max(len(cell) for cell in cells) <= 41  # the table fits a 1600 px window
