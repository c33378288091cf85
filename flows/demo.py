"""`xzzf demo`: a sample inbox for October 2026 from a fixed seed, taken in as the month goes
on (on time, late, missing, faulty then corrected, duplicate, hostile), then the monthly run."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import Counter
from pathlib import Path

from connectors.xlsx_writer import write_sheets
from flows.intake import intake
from flows.monthly import monthly
from xzzf.catalog import assign, load_catalog
from xzzf.periods import BEIJING
from xzzf.sample import as_sheets, submission
from xzzf.units import SAMPLE_REGISTRY, load_registry

PERIOD = "2026-10"
LATE, MISSING, FAULTY = ("ZJ", "DHX"), ("LQX",), "JT"


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=BEIJING)


def _drop(path: Path, sheets, arrived: dt.datetime) -> Path:
    write_sheets(path, sheets)
    os.utime(path, (arrived.timestamp(), arrived.timestamp()))
    return path


def run_demo(out: Path) -> str:
    """Build the inbox step by step, run intake and the monthly collection, and say where
    everything is."""
    if out.exists():
        shutil.rmtree(out)
    inbox, results = out / "inbox", out / "results"
    registry = load_registry(SAMPLE_REGISTRY)
    assignment = assign(load_catalog(), registry)
    options = {"inbox": str(inbox), "out": str(results), "units": str(SAMPLE_REGISTRY)}
    on_time = [u for u in registry.reporting if u.code not in (*LATE, *MISSING)]
    for n, unit in enumerate(on_time):
        info, tables = submission(unit, PERIOD, assignment)
        if unit.code == FAULTY:
            tables["执法决定"][0]["决定日期"] = "10月9日"  # a date Excel did not recognise
        _drop(inbox / unit.code / f"{PERIOD}月报.xlsx", as_sheets(info, tables), _at(2 + n % 3, 9))
    first = inbox / "SFJ" / f"{PERIOD}月报.xlsx"
    shutil.copy2(first, inbox / "SFJ" / f"{PERIOD}月报（副本）.xlsx")
    (inbox / "SCJG" / "bomb.xlsx").write_bytes(_zip_bomb())
    intake(as_of=_at(4, 12), **options)
    info, tables = submission(registry.get(FAULTY), PERIOD, assignment)
    _drop(inbox / FAULTY / f"{PERIOD}月报-更正.xlsx", as_sheets(info, tables), _at(5, 10))
    for code in LATE:
        info, tables = submission(registry.get(code), PERIOD, assignment)
        _drop(inbox / code / f"{PERIOD}.xlsx", as_sheets(info, tables), _at(9, 15))
    report_path = Path(monthly(period=PERIOD, as_of=dt.date(2026, 11, 10), **options))
    return _tour(out, inbox, results, json.loads(report_path.read_text(encoding="utf-8")), report_path)


def _zip_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (200 << 20))
    return buffer.getvalue()


def _tour(out, inbox, results, report, report_path) -> str:
    files = Counter(e["status"] for e in report["files"])
    units = Counter(report["units"].values())
    rejected = [f"  {e['path']}: {e['errors'][0]['message']}" for e in report["files"]
                if e["status"] == "rejected"]
    return "\n".join([
        f"演示完成（{PERIOD}，as-of {report['as_of'][:10]}）", f"收件文件夹：{inbox}",
        f"运行报告：{report_path}", f"数据库：{results / 'xzzf.db'}", f"文件归档：{results / 'archive'}",
        "文件状态：" + "，".join(f"{k} {v}" for k, v in sorted(files.items())),
        "单位状态：" + "，".join(f"{k} {v}" for k, v in sorted(units.items())),
        "退回的文件：", *rejected,
    ])
