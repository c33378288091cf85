"""A generated year through intake, then the annual report: figures checked by hand for two
units and the district, the files opened, one email with three attachments."""

import copy
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from connectors.xlsx_writer import write_sheets
from tests.flows.conftest import at, set_mtime
from tests.smtp import Server
from xzzf.catalog import assign, load_catalog
from xzzf.plans import plan_in_force
from xzzf.sample import as_sheets, submission
from xzzf.units import load_registry

UNITS = [{"code": "SFJ", "name": "司法局", "kind": "部门", "enforcement": True},
         {"code": "ZRZY", "name": "自然资源局", "kind": "部门", "enforcement": True},
         {"code": "CZJ", "name": "财政局", "kind": "部门", "enforcement": False, "reports": False}]


@pytest.fixture(scope="module")
def year(tmp_path_factory, prefect_harness):
    from tests.flows.conftest import Env

    root = tmp_path_factory.mktemp("annual")
    with pytest.MonkeyPatch.context() as settings:
        yield made_year(Env(root, settings), root)


def made_year(env, root):
    (root / "units.yaml").write_text(yaml.safe_dump({"units": UNITS}, allow_unicode=True), encoding="utf-8")
    registry = load_registry(root / "units.yaml")
    assignment = assign(load_catalog(), registry)
    sfj, zrzy = registry.get("SFJ"), registry.get("ZRZY")
    nov = submission(sfj, "2025-11", assignment)
    dec = submission(sfj, "2025-12", assignment)
    late_published = {**dec[1]["执法决定"][0], "公开状态": "未公开", "公开日期": None, "是否应公开": "是"}
    dec[1]["执法决定"][0] = late_published
    faulty = copy.deepcopy(dec)
    faulty[1]["执法决定"][1]["决定日期"] = "12月1日"
    # January 2026 owes the tasks of the plan in force then: none imported, so the 2023–2025
    # plan's ongoing and yearly tasks (its dated tasks 11, 13 and 20 are owed by nobody)
    jan = submission(sfj, "2026-01", assign(plan_in_force([], "2026-01").tasks, registry))
    jan[1]["执法决定"].append({**late_published, "公开状态": "已公开", "公开日期": dt.date(2026, 1, 5)})
    zdec = submission(zrzy, "2025-12", assignment)
    files = [("SFJ/2025-11.xlsx", nov, at("2025-12-03")), ("SFJ/2025-12.xlsx", faulty, at("2026-01-04")),
             ("SFJ/2025-12-更正.xlsx", dec, at("2026-01-05")), ("SFJ/2026-01.xlsx", jan, at("2026-01-08")),
             ("ZRZY/2025-12.xlsx", zdec, at("2026-01-07"))]
    for name, (info, tables), arrived in files:
        set_mtime(write_sheets(env.inbox / name, as_sheets(info, tables)), arrived)
    env.use(units=root / "units.yaml")
    from flows.intake import intake

    report = json.loads(Path(intake(as_of=dt.datetime(2026, 1, 9, 12))).read_text(encoding="utf-8"))
    assert [e["status"] for e in report["files"]] == ["accepted", "accepted", "rejected", "accepted", "accepted"]
    return env, {"SFJ": [nov, dec, jan], "ZRZY": [zdec]}, late_published


def expected(tables_by_unit, late_published):
    """The figures by hand from what the units sent (the January update publishes one decision)."""
    out = {}
    for code, submissions in tables_by_unit.items():
        decisions = {}
        for _, tables in submissions:
            for row in tables["执法决定"]:
                decisions[row["决定文书号"]] = row
        in_year = [d for d in decisions.values() if d["决定日期"].year == 2025]
        published = [d for d in in_year if d["公开状态"] in ("已公开", "已下撤")]
        fines = sum((Decimal(str(d["罚没金额（元）"])) for d in in_year if d["罚没金额（元）"] is not None), Decimal(0))
        roster = submissions[-1][1]["执法人员"] if code == "ZRZY" else submissions[1][1]["执法人员"]
        out[code] = {"decisions_total": len(in_year), "published": len(published), "fines": fines,
                     "staff": len(roster)}
    return out


def test_figures_json_matches_the_hand_count(year, monkeypatch):
    from flows.annual import annual

    env, sent, late_published = year
    with Server() as server:
        for name, value in (("XZZF_SMTP_HOST", "127.0.0.1"), ("XZZF_SMTP_PORT", server.port),
                            ("XZZF_SMTP_SECURITY", "none"), ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"),
                            ("XZZF_SFJ_RECIPIENTS", "sfj@hsb.example.gov.cn")):
            monkeypatch.setenv(name, str(value))
        folder = annual(year=2025, as_of=dt.date(2026, 1, 10))
        first = (Path(folder) / "figures-2025.json").read_text(encoding="utf-8")
        again = annual(year=2025, as_of=dt.date(2026, 1, 10))
    assert folder == again and (Path(again) / "figures-2025.json").read_text(encoding="utf-8") == first
    assert folder == again
    figures = json.loads(first)
    hand = expected(sent, late_published)
    assert figures["year"] == 2025 and figures["as_of"] == "2026-01-10"
    for code in ("SFJ", "ZRZY"):
        got = figures["units"][code]["indicators"]
        assert got["decisions_total"] == hand[code]["decisions_total"]
        assert got["publication_rate"] == hand[code]["published"] / hand[code]["decisions_total"]
        assert Decimal(got["fines_total"]) == hand[code]["fines"]
        assert got["staff_enforcement"] == hand[code]["staff"]
    sfj = figures["units"]["SFJ"]["indicators"]
    # Nov on time; Dec: the first file was rejected, the correction came on 5 January, the due day.
    assert (sfj["submissions_expected"], sfj["submissions_on_time"], sfj["submissions_missing"]) == (12, 2, 10)
    zrzy = figures["units"]["ZRZY"]["indicators"]
    assert (zrzy["submissions_late"], zrzy["submissions_missing"]) == (1, 11)
    district = figures["district"]["indicators"]
    total = sum(h["decisions_total"] for h in hand.values())
    assert district["decisions_total"] == total
    assert district["publication_rate"] == sum(h["published"] for h in hand.values()) / total
    assert district["submission_timeliness_rate"] == 2 / 24
    assert set(figures["units"]["CZJ"]["indicators"]) == {"tasks_overdue"}
    assert isinstance(figures["units"]["SFJ"]["indicators"]["tasks_overdue"], list)

    book = openpyxl.load_workbook(next((env.out / "reports" / "2025").glob("*工作报告-数据.xlsx")))
    assert book.sheetnames == ["总体情况", "分单位指标", "未达标事项", "报送情况", "任务完成情况", "公开数据"]
    assert len(book["总体情况"]._charts) == 3
    draft = docx.Document(next((env.out / "reports" / "2025").glob("*.docx")))
    text = "\n".join(p.text for p in draft.paragraphs)
    assert f"全年作出行政执法决定{total}件" in text and "四、下一步工作" in text
    assert draft.paragraphs[0].alignment == 1  # centred title
    public = openpyxl.load_workbook(env.out / "reports" / "2025" / "公开数据-2025.xlsx").active
    assert public["A3"].value == "全区" and "张" not in str([c.value for r in public.iter_rows() for c in r])

    [(recipients, message)] = server.inbox.messages  # the second run sent nothing
    assert recipients == ["sfj@hsb.example.gov.cn"]
    text = message.get_body(("plain",)).get_content()
    assert "全区未达标指标：" in text and "_rate" not in text  # figures named in Chinese
    names = sorted(a.get_filename() for a in message.iter_attachments())
    assert names == sorted(["吴忠市红寺堡区2025年度行政执法工作报告（草稿）.docx",
                            "2025年度行政执法工作报告-数据.xlsx", "公开数据-2025.xlsx"])
    for attachment in message.iter_attachments():
        if attachment.get_filename().endswith(".xlsx"):
            openpyxl.load_workbook(io.BytesIO(attachment.get_content()))


def test_a_late_correction_after_issuing_is_listed_as_an_amendment(year, monkeypatch):
    from flows.annual import annual
    from flows.monthly import monthly

    env, sent, _ = year
    corrected_info, corrected = copy.deepcopy(sent["ZRZY"][0])
    corrected["执法决定"].append({**corrected["执法决定"][0], "决定文书号": "红ZRZY补〔2025〕1号"})
    set_mtime(write_sheets(env.inbox / "ZRZY" / "2025-12-补充.xlsx", as_sheets(corrected_info, corrected)),
              at("2026-02-03"))
    monkeypatch.setenv("XZZF_SFJ_RECIPIENTS", "sfj@hsb.example.gov.cn")
    before = json.loads((env.out / "reports" / "2025" / "figures-2025.json").read_text(encoding="utf-8"))
    old = before["district"]["indicators"]["decisions_total"]
    monthly(period="2026-01", as_of=dt.date(2026, 2, 8))
    book = openpyxl.load_workbook(env.out / "runs" / "2026-01" / "summary-2026-01.xlsx")
    amended = book["2025年度报告更正（报送后数据有变化）"]
    assert ["全区", "行政执法决定数", old, old + 1] in [[c.value for c in r] for r in amended.iter_rows()]
    folder = annual(year=2025, as_of=dt.date(2026, 2, 8))
    sheet = openpyxl.load_workbook(next(Path(folder).glob("*工作报告-数据.xlsx")))["更正说明"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    was = before["units"]["ZRZY"]["indicators"]["decisions_total"]
    assert ["自然资源局", "行政执法决定数", was, was + 1] in rows  # numbers, as everywhere in the workbook
