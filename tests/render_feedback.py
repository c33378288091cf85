"""What a clerk gets, as printed, rendered to PNG for the README: the 回执 of a rejected
workbook, its 标注 copy (its first sheet 文件问题, and 执法决定 with a marked cell, the left
half of a sheet printed two pages across), and the filled template's 填报说明 and 任务进展.

    .venv/bin/python -m tests.render_feedback [--out docs]

Fills a real template with the usual mistakes and runs the real intake on it in a temporary
folder, prints each workbook to PDF with LibreOffice (by its own page setup) and keeps the first
page at 80 dpi. Needs LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest

from tests.builders import VALID_ROWS
from tests.filling import every_task, fill_template, make_template
from tests.flows.conftest import Env, at, set_mtime
from tests.libreoffice import PDFTOPPM, SOFFICE, convert, first_page_png


def rejected_feedback(env: Env, templates: Path) -> tuple[Path, Path, Path]:
    """SFJ's October template filled with the usual mistakes (no 填报人, a value off the list,
    a number typed with its unit, a date in words; an expired card, a warning), and the 回执
    and 标注 copy the intake gives it."""
    rows = copy.deepcopy(VALID_ROWS)
    rows["执法人员"][0]["证件状态"] = "作废"
    rows["执法人员"][1]["证件有效期至"] = "2026/9/30"
    rows["培训记录"][0]["学时"] = "8学时"
    rows["执法决定"][0]["决定日期"] = "十月九日"
    rows["任务进展"] = every_task("SFJ", "2026-10")
    filled = fill_template(make_template(env.db, "SFJ", "2026-10", templates),
                           {"联系电话": "0953-1234567", "填报日期": dt.date(2026, 11, 3)}, rows,
                           to=env.inbox / "SFJ" / "十月月报.xlsx")
    set_mtime(filled, at("2026-11-03"))
    env.intake(dt.date(2026, 11, 6))
    folder = env.out / "feedback" / "SFJ" / "2026-10"
    return filled, next(folder.glob("*-回执.xlsx")), next(folder.glob("*-标注.xlsx"))


def render(workbook: Path, png: Path, work: Path, sheet: str | None = None) -> Path:
    """The first printed page of `workbook` (of its `sheet` alone, when given) as `png`."""
    if sheet:
        book = openpyxl.load_workbook(workbook)
        for other in [name for name in book.sheetnames if name != sheet]:
            del book[other]
        workbook = work / f"{png.stem}.xlsx"
        book.save(workbook)
    return first_page_png(convert(workbook, "pdf", work / png.stem), png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    if not (SOFFICE and PDFTOPPM):
        sys.exit("需要 LibreOffice（soffice）和 poppler（pdftoppm）：apt-get install libreoffice-calc poppler-utils")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in [n for n in os.environ if n.startswith("XZZF_")]:
        del os.environ[name]  # a developer's settings (a mail server above all) stay out of this sample run
    os.environ.update({"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "GX_ANALYTICS_ENABLED": "False"})
    with tempfile.TemporaryDirectory(prefix="xzzf-render-") as tmp:
        root = Path(tmp)
        os.chdir(root)  # and so does a .env file in the working folder
        work = root / "render"
        work.mkdir()
        filled, receipt, annotated = rejected_feedback(Env(root, pytest.MonkeyPatch()), root / "templates")
        for png, workbook, sheet in (("receipt.png", receipt, None), ("annotated.png", annotated, "文件问题"),
                                     ("annotated-sheet.png", annotated, "执法决定"),
                                     ("template-instructions.png", filled, "填报说明"),
                                     ("template-tasks.png", filled, "任务进展")):
            print(render(workbook, out / png, work, sheet))


if __name__ == "__main__":
    main()
