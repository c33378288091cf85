"""`xzzf demo` over its year: the month-by-month statuses and the district figures are
checked in (tests/flows/demo_expected.json); a change to either shows here."""

import datetime as dt
import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest

from tests.flows.conftest import BEIJING, Env

EXPECTED = Path(__file__).with_name("demo_expected.json")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo year, made once for this module: its outputs, and its inbox of 302 files
    that other tests take in again on fresh stores."""
    from flows.demo import run_demo

    out = tmp_path_factory.mktemp("demo") / "demo"
    months = []
    tour = run_demo(out, echo=months.append)
    return out, months, tour


def test_the_demo_year_gives_the_checked_in_statuses_and_figures(demo):
    from flows.demo import YEAR

    out, months, tour = demo
    results = out / "results"
    statuses = {}
    for month in range(1, 13):
        report = json.loads((results / "runs" / f"{YEAR}-{month:02d}" / "run-report.json").read_text(encoding="utf-8"))
        statuses[f"{YEAR}-{month:02d}"] = {code: s for code, s in sorted(report["units"].items()) if s != "on_time"}
    figures = json.loads((results / "reports" / str(YEAR) / f"figures-{YEAR}.json").read_text(encoding="utf-8"))
    actual = {"statuses": statuses, "district": figures["district"]}
    assert actual == json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert len(months) == 12 and "演示完成" in tour
    # What the scenario table (flows/demo_scenario.csv) says of each event.
    final = {f["path"]: f for f in json.loads((results / "runs" / f"{YEAR}-12" / "run-report.json")
                                              .read_text(encoding="utf-8"))["files"]}
    assert statuses[f"{YEAR}-09"].get("WSJK") is None  # the 9th, after a holiday-moved due day: on time
    # The 司法局's decisions (issue 15): ZJ's late February was extended to the day it came,
    # LQX's August is 免报, ZHZF's May correction was withdrawn, 弘德街道 owes May onwards.
    assert "ZJ" not in statuses[f"{YEAR}-02"] and statuses[f"{YEAR}-08"]["LQX"] == "exempt"
    assert final[f"ZHZF/{YEAR}-05-更正.xlsx"]["status"] == "withdrawn"
    assert final[f"ZHZF/{YEAR}-05.xlsx"]["status"] == "accepted"
    owing = {month: set(json.loads((results / "runs" / f"{YEAR}-{month:02d}" / "run-report.json")
                                   .read_text(encoding="utf-8"))["units"]) for month in (4, 5)}
    assert "HDJD" not in owing[4] and "HDJD" in owing[5]
    assert "第 1 号 延期：住房和城乡建设局（ZJ）" in tour and "弘德街道（HDJD）设立，2025-05-01" in tour
    assert "报送提醒 2 封，催报 0 封，任务提醒 4 封；催报名单 1 封" in tour  # the mails below, counted
    book = openpyxl.load_workbook(next((results / "reports" / str(YEAR)).glob("*-数据.xlsx")), read_only=True)
    assert {"调整记录", "单位变动"} <= set(book.sheetnames)
    assert "多出的列" in final[f"NYNC/{YEAR}-07-有误.xlsx"]["errors"][0]["message"]
    assert final[f"SW/{YEAR}-08.xlsx"]["status"] == "accepted" and final[f"SW/{YEAR}-08.xlsx"]["warnings"]
    assert final[f"RSJ/{YEAR}-10.xls"]["status"] == "rejected"
    assert final[f"RSJ/{YEAR}-10.xls"]["period"] == f"{YEAR}-10"  # counted for the month it was sent for
    from connectors.store import Store

    store = Store(f"sqlite:///{results / 'xzzf.db'}")
    hostile = next(f for f in store.facts() if f.unit_code == "SCJG" and f.period == f"{YEAR}-04"
                   and f.status == "rejected")
    assert hostile.arrival_at.year == YEAR  # inside the demo year
    subjects = [BytesParser(policy=policy.default).parsebytes(m.read_bytes())["Subject"]
                for m in (out / "mail").glob("*.eml")]
    assert sum("报送情况汇总" in s for s in subjects) == 12
    assert sum(s.startswith("【年度报告】") for s in subjects) == 1
    assert any(s.startswith("【回执】") for s in subjects)
    for folder in ("archive", "feedback", "outbox"):
        assert any((results / folder).rglob("*")), folder


def on_demo_inbox(demo, root: Path, monkeypatch) -> Env:
    """A fresh store and output folder that take in the demo's inbox (read-only to runs)."""
    out, _, _ = demo
    root.mkdir()
    env = Env(root, monkeypatch)
    env.use(inbox=out / "inbox", units=out / "units.yaml")
    return env


def year_figures(as_of: dt.date) -> dict:
    """The 2025 figures as of a day, as the annual report computes them (without writing it)."""
    from flows.annual_steps import reports
    from flows.setup import prepare

    with prepare(as_of=as_of, dry_run=True, needs_inbox=False) as run:
        report, _, _ = reports(run, 2025)
    return {"district": report["district"], "units": report["units"]}


def outcomes(report: dict) -> dict[str, tuple]:
    return {e["path"]: (e["status"], e["unit"], e["period"], e["errors"], e["warnings"]) for e in report["files"]}


def test_the_demo_year_has_no_data_quality_signal(demo):
    """Its months are ordinary (its faults are of form and time, not of numbers): with the
    default thresholds no signal is raised, and the summaries have no 数据质量 sheet."""
    from connectors.store import Store
    from flows.demo import YEAR

    results = demo[0] / "results"
    assert Store(f"sqlite:///{results / 'xzzf.db'}").signals() == []
    summary = openpyxl.load_workbook(results / "runs" / f"{YEAR}-12" / f"summary-{YEAR}-12.xlsx", read_only=True)
    assert "数据质量" not in summary.sheetnames


def test_a_run_dated_before_files_came_does_not_take_them_and_a_later_run_takes_them_as_if_at_once(
        demo, tmp_path, monkeypatch):
    """Issue 20: October re-run as of 10 November on a fresh store, then December as of 20
    January, gives what one run as of 20 January gives; the files that came after 10
    November are 未到达 for the first run: not read, not judged, no 回执, no mail."""
    single = on_demo_inbox(demo, tmp_path / "single", monkeypatch)
    once = single.monthly("2025-12", dt.date(2026, 1, 20))
    expected = year_figures(dt.date(2026, 1, 20))

    stepped = on_demo_inbox(demo, tmp_path / "stepped", monkeypatch)
    october = stepped.monthly("2025-10", dt.date(2025, 11, 10))
    day_end = dt.datetime(2025, 11, 10, 23, 59, 59, 999999, tzinfo=BEIJING)
    inbox = demo[0] / "inbox"
    late = {e["path"] for e in october["files"]
            if dt.datetime.fromtimestamp((inbox / e["path"]).stat().st_mtime, dt.UTC) > day_end}
    assert len(late) > 50  # November's and December's files, and the year's last corrections
    assert {e["path"] for e in october["files"] if e["status"] == "not_arrived"} == late
    assert not any("未来月份" in p["message"] for e in october["files"] for p in e["errors"])
    assert all(e["sha256"] is None for e in october["files"] if e["status"] == "not_arrived")  # never read
    receipts = {p.parent.name for p in (stepped.out / "feedback").rglob("*.xlsx")}
    assert receipts and max(receipts) <= "2025-10"  # no 回执 for a file that had not come
    mails = [BytesParser(policy=policy.default).parsebytes(m.read_bytes())
             for m in (stepped.out / "outbox").glob("*.eml")]
    attached = [part.get_filename()[:7] for mail in mails for part in mail.iter_attachments()
                if part.get_filename().endswith("回执.xlsx")]  # the demo's files are named by their period
    assert attached and max(attached) <= "2025-10"  # no mail for a file that had not come

    december = stepped.monthly("2025-12", dt.date(2026, 1, 20))
    assert outcomes(december) == outcomes(once) and december["units"] == once["units"]
    assert year_figures(dt.date(2026, 1, 20)) == expected


def test_recheck_repairs_a_store_hurt_by_a_past_dated_run(demo, tmp_path, monkeypatch):
    """Issue 20: a store where the December files were judged as from the future (as the
    runs did before not_arrived) is repaired by 复核 of 2025-12: every unit as one run as of
    20 January has it, the same figures, one 复核回执 per changed file, the decision in 调整记录
    — and its revocation puts the earlier outcomes back."""
    from connectors.archive import Archive
    from connectors.inbox import Inbox
    from connectors.store import Store
    from flows import intake_steps
    from flows.adjustments import revoke
    from flows.recheck import recheck
    from xzzf.adjustments import record_rows
    from xzzf.settings import load_settings
    from xzzf.units import load_registry

    single = on_demo_inbox(demo, tmp_path / "single", monkeypatch)
    once = single.monthly("2025-12", dt.date(2026, 1, 20))
    expected = year_figures(dt.date(2026, 1, 20))

    hurt = on_demo_inbox(demo, tmp_path / "hurt", monkeypatch)
    settings, store = load_settings(), Store(hurt.db)
    store.migrate()
    registry = load_registry(settings.units)
    # The run as it was: a clock at the as-of day saw every file of the inbox as arrived.
    day_end = dt.datetime(2025, 11, 10, 23, 59, 59, tzinfo=BEIJING)
    scan = intake_steps.examine(Inbox(settings.inbox), settings, registry, store, day_end, day_end)
    intake_steps.record(scan, store, Archive(settings.out / "archive"), day_end, False)
    future = [e.path for e in scan.entries if any("未来月份" in p["message"] for p in e.errors)]
    assert len(future) >= 20
    before = hurt.monthly("2025-12", dt.date(2026, 1, 20))
    assert list(before["units"].values()).count("rejected") >= 20
    assert year_figures(dt.date(2026, 1, 20)) != expected

    line = recheck(period="2025-12", reason="数据截至日期早于文件到达时间，误判为未来月份", operator="王五")
    after = hurt.monthly("2025-12", dt.date(2026, 1, 20))
    assert after["units"] == once["units"] and outcomes(after) == outcomes(once)
    assert year_figures(dt.date(2026, 1, 20)) == expected
    [decision] = store.adjustments()
    assert decision.kind == "recheck" and line.startswith(f"第 {decision.id} 号决定（复核）：全部单位 2025-12")
    assert f"改变结论 {len(future)} 个" in decision.changes and "退回 → 按时" in decision.changes
    rechecked = sorted((hurt.out / "feedback").rglob(f"*-第{decision.id}号-复核回执.xlsx"))
    assert len(rechecked) == len(future)
    sheet = openpyxl.load_workbook(rechecked[0]).active
    said = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert said["处理结果"] == "已受理" and "原结论为“退回”" in said["司法局决定"]
    assert "晚于当前月份" in said["司法局决定"] and "王五" not in said["司法局决定"]
    rows = record_rows(store.adjustments(), registry)
    assert rows[1][1] == "复核" and rows[1][2] == "全部单位"

    revoke(number=decision.id, reason="复核有误，恢复原结论", operator="王五")
    assert hurt.monthly("2025-12", dt.date(2026, 1, 20))["units"] == before["units"]
    undone = store.adjustments()[-1].changes
    assert undone.startswith(f"恢复第 {decision.id} 号决定之前的结论") and "按时 → 退回" in undone
    assert len(sorted((hurt.out / "feedback").rglob(f"*-第{decision.id + 1}号-撤回决定回执.xlsx"))) == len(future)


def test_a_folder_an_earlier_demo_made_is_emptied_and_used_again_as_is_an_empty_one(tmp_path):
    """The demo empties only a folder it made (its marker inside) or an empty one; the command
    refuses any other (tests/test_cli_errors.py)."""
    from flows.demo import MARKER, prepare_folder

    earlier = tmp_path / "demo"
    prepare_folder(earlier)  # missing: made and marked
    (earlier / "inbox" / "SFJ").mkdir(parents=True)
    (earlier / "inbox" / "SFJ" / "a.xlsx").write_bytes(b"an earlier demo's file")
    (earlier / "units.yaml").write_text("units: []\n", encoding="utf-8")
    prepare_folder(earlier)
    assert [entry.name for entry in earlier.iterdir()] == [MARKER]
    empty = tmp_path / "empty"
    empty.mkdir()
    prepare_folder(empty)
    assert [entry.name for entry in empty.iterdir()] == [MARKER]


def on_demo_store(demo, monkeypatch, **settings) -> dict[str, str]:
    """Runs as the demo's administrator makes them: its inbox, registry and output folder,
    `settings` on top; the settings as the command's flags (--units, --out)."""
    out, _, _ = demo
    where = {"inbox": out / "inbox", "units": out / "units.yaml", "out": out / "results", **settings}
    for name, value in where.items():
        monkeypatch.setenv(f"XZZF_{name.upper()}", str(value))
    return {"--units": str(where["units"]), "--out": str(where["out"])}


def xzzf(*args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def ledger(url: str) -> list[tuple]:
    """The mail ledger: each mail's key, status, whom it reached and its file's name."""
    from connectors.store import Store
    from connectors.store_schema import emails

    store = Store(url)
    with store.engine.connect() as connection:
        rows = [(r.key, r.status, r.delivered_to, Path(r.eml_path).name)
                for r in connection.execute(emails.select().order_by(emails.c.id))]
    store.engine.dispose()
    return rows


def test_a_backup_of_the_demo_year_restores_onto_an_empty_folder_as_it_was(demo, tmp_path, monkeypatch):
    """Issue 24: backup → (the server lost) → restore into a new folder and database → the
    monthly re-run finds nothing new and sends nothing again, and the year's figures are the
    original's. A backup changed by one byte is refused, naming the file."""
    import zipfile

    from connectors.store import Store
    from connectors.store_copy import counts
    from tests.smtp import Server

    out = demo[0] / "results"
    flags = on_demo_store(demo, monkeypatch)
    original = year_figures(dt.date(2026, 1, 20))
    rows = counts(Store(f"sqlite:///{out / 'xzzf.db'}").engine)
    code, said = xzzf("backup", "--to", str(tmp_path / "b.zip"), *sum(flags.items(), ()))
    assert code == 0 and "已备份到" in said, said
    code, said = xzzf("backup", "--to", str(tmp_path / "b.zip"), *sum(flags.items(), ()))
    assert code == 2 and "已存在" in said and said.count("\n") == 1  # never overwritten
    with zipfile.ZipFile(tmp_path / "b.zip") as backup:
        names = backup.namelist()
        assert "xzzf.db" not in {Path(n).name for n in names if n.startswith("out/")}  # the store, once
        assert {"store/xzzf.db", "config/units.yaml", "config/xzzf.env", "manifest.json"} <= set(names)
        assert sum(n.startswith("out/archive/") for n in names) == len(list((out / "archive").rglob("*/*")))
        assert sum(n.startswith("out/feedback/") for n in names) == sum(
            p.is_file() for p in (out / "feedback").rglob("*"))

    # One member changed (same size, CRC made to match): only its SHA-256 tells.
    damaged = tmp_path / "damaged.zip"
    victim = next(n for n in names if n.startswith("out/archive/"))
    with zipfile.ZipFile(tmp_path / "b.zip") as source, zipfile.ZipFile(damaged, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            copy.writestr(info, bytes([data[0] ^ 1]) + data[1:] if info.filename == victim else data)
    code, said = xzzf("restore", str(damaged), "--out", str(tmp_path / "never"))
    assert code == 2 and victim in said and "SHA-256" in said and said.count("\n") == 1, said
    assert not (tmp_path / "never").exists()

    restored = tmp_path / "restored"
    code, said = xzzf("restore", str(tmp_path / "b.zip"), "--out", str(restored))
    assert code == 0 and "清单校验通过" in said, said
    url = f"sqlite:///{restored / 'xzzf.db'}"
    assert counts(Store(url).engine) == rows
    assert ledger(url) == ledger(f"sqlite:///{out / 'xzzf.db'}")
    assert all(Path(m["eml_path"]).is_relative_to(restored) for m in (Store(url).email(k) for k, *_ in ledger(url)))
    code, said = xzzf("restore", str(tmp_path / "b.zip"), "--out", str(restored))
    assert code == 2 and "不是空文件夹" in said

    with Server() as smtp:
        on_demo_store(demo, monkeypatch, out=restored, units=restored / "config" / "units.yaml",
                      database_url=url, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
                      mail_from="xzzf@hsb.example.gov.cn", sfj_recipients="sfj@hsb.example.gov.cn")
        from flows.monthly import monthly

        report = json.loads(Path(monthly(period="2025-12", as_of=dt.date(2026, 1, 20))).read_text(encoding="utf-8"))
        assert smtp.inbox.messages == []  # nothing sent twice
    assert counts(Store(url).engine) == {**rows, "scans": rows["scans"] + 1}  # nothing new but the scan
    assert report["files"] and all(e["status"] != "not_arrived" for e in report["files"])
    assert year_figures(dt.date(2026, 1, 20)) == original


def test_the_demo_store_moves_to_postgresql_and_its_backup_restores_onto_either(demo, tmp_path, monkeypatch,
                                                                                postgres_url):
    """Issue 24: `store copy` into an empty PostgreSQL database checks rows and figures and
    says what to change; a backup of that store restores onto PostgreSQL and onto SQLite with
    the same figures. A database that is not empty is refused, in one line."""
    from connectors.store import Store
    from connectors.store_copy import counts
    from tests.conftest import fresh_postgres

    out = demo[0] / "results"
    flags = sum(on_demo_store(demo, monkeypatch).items(), ())
    original = year_figures(dt.date(2026, 1, 20))
    rows = counts(Store(f"sqlite:///{out / 'xzzf.db'}").engine)
    code, said = xzzf("store", "copy", "--to", postgres_url, *flags)
    assert code == 0 and "2025 年度指标一致" in said and f"XZZF_DATABASE_URL 改为 {postgres_url}" in said, said
    assert counts(Store(postgres_url).engine) == rows
    code, said = xzzf("store", "copy", "--to", postgres_url, *flags)
    assert code == 2 and "不是空的：已有数据" in said and said.count("\n") == 1, said

    code, said = xzzf("backup", "--to", str(tmp_path / "pg.zip"), "--db", postgres_url, *flags)
    assert code == 0 and "postgresql" in said, said
    with fresh_postgres() as second:
        code, said = xzzf("restore", str(tmp_path / "pg.zip"), "--db", second, "--out", str(tmp_path / "onto-pg"))
        assert code == 0, said
        on_demo_store(demo, monkeypatch, database_url=second, out=tmp_path / "onto-pg")
        assert year_figures(dt.date(2026, 1, 20)) == original
        code, said = xzzf("restore", str(tmp_path / "pg.zip"), "--db", second, "--out", str(tmp_path / "other"))
        assert code == 2 and "目标数据库不是空的" in said, said
    monkeypatch.delenv("XZZF_DATABASE_URL")  # the default store in the restored folder
    code, said = xzzf("restore", str(tmp_path / "pg.zip"), "--out", str(tmp_path / "onto-sqlite"))
    assert code == 0, said
    on_demo_store(demo, monkeypatch, database_url=f"sqlite:///{tmp_path / 'onto-sqlite' / 'xzzf.db'}",
                  out=tmp_path / "onto-sqlite")
    assert year_figures(dt.date(2026, 1, 20)) == original
