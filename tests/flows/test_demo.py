"""`xzzf demo` over its year: the month-by-month statuses and the district figures are
checked in (tests/flows/demo_expected.json); a change to either shows here."""

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl

EXPECTED = Path(__file__).with_name("demo_expected.json")


def test_the_demo_year_gives_the_checked_in_statuses_and_figures(tmp_path):
    from flows.demo import YEAR, run_demo

    months = []
    tour = run_demo(tmp_path / "demo", echo=months.append)
    results = tmp_path / "demo" / "results"
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
                for m in (tmp_path / "demo" / "mail").glob("*.eml")]
    assert sum("报送情况汇总" in s for s in subjects) == 12
    assert sum(s.startswith("【年度报告】") for s in subjects) == 1
    assert any(s.startswith("【回执】") for s in subjects)
    for folder in ("archive", "feedback", "outbox"):
        assert any((results / folder).rglob("*")), folder


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
