import json


def test_the_demo_takes_a_month_and_reports_every_unit(tmp_path):
    from flows.demo import run_demo

    tour = run_demo(tmp_path / "demo")
    report = json.loads((tmp_path / "demo" / "results" / "runs" / "2026-10" / "run-report.json")
                        .read_text(encoding="utf-8"))
    statuses = {e["path"]: e["status"] for e in report["files"]}
    assert statuses["JT/2026-10月报.xlsx"] == "rejected" and statuses["JT/2026-10月报-更正.xlsx"] == "accepted"
    assert statuses["SCJG/bomb.xlsx"] == "rejected" and statuses["SFJ/2026-10月报（副本）.xlsx"] == "duplicate"
    assert report["units"]["JT"] == "on_time" and report["units"]["ZJ"] == "late"
    assert report["units"]["LQX"] == "missing"
    assert "单位状态：late 2，missing 1，on_time 21" in tour
