"""The annual report's Word draft as printed, its first page rendered to PNG for the README
(docs/report-draft.png).

    .venv/bin/xzzf demo --out out/demo
    .venv/bin/python -m tests.render_report [--report out/demo/results/reports/2025] [--out docs]

Prints the draft the demo wrote to PDF with LibreOffice, as it is (28 characters a line, as
Word and WPS set it), and keeps page 1 at 80 dpi. Needs LibreOffice (soffice) and poppler
(pdftoppm). One thing of a clerk's PC is stood in for:

- the offices' fonts are not free: fontconfig stands the nearest free faces in for them (Noto
  Serif CJK for 方正小标宋简体, 仿宋_GB2312 and 宋体, Noto Sans CJK for 黑体, and for 楷体_GB2312
  AR PL UKai where fonts-arphic-ukai is installed).

The data workbook's first sheet (总体情况: title row, table and the first chart) is printed the
same way to docs/report-workbook.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from flows.demo import YEAR
from tests.libreoffice import PDFTOPPM, SOFFICE, convert, first_page_png

SUBSTITUTES = {"方正小标宋简体": ("Noto Serif CJK SC",), "仿宋_GB2312": ("Noto Serif CJK SC",),
               "宋体": ("Noto Serif CJK SC",), "黑体": ("Noto Sans CJK SC",),
               "楷体_GB2312": ("AR PL UKai CN", "Noto Serif CJK SC")}


def fonts_conf(folder: Path) -> Path:
    """A fontconfig file: the system's, with the free faces that stand in for the offices'."""
    aliases = "".join(f"<alias binding=\"same\"><family>{name}</family><prefer>"
                      + "".join(f"<family>{face}</family>" for face in faces) + "</prefer></alias>"
                      for name, faces in SUBSTITUTES.items())
    path = folder / "fonts.conf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{aliases}</fontconfig>',
                    encoding="utf-8")
    return path


def first_sheet(workbook: Path, folder: Path) -> Path:
    """A copy of `workbook` that prints its first sheet only: the others hidden, not removed,
    since the first sheet's charts read their data from them. Hidden in workbook.xml itself,
    every other part copied byte for byte: a copy saved by openpyxl would print its reading of
    the charts (data labels naming series and row), not ours."""
    copy = folder / workbook.name
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                head, first, *others = data.split(b"<sheet ")  # "<sheets>" has no space
                data = b"<sheet ".join([head, first]) + b"".join(b'<sheet state="hidden" ' + o for o in others)
            target.writestr(item, data)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=Path("out/demo/results/reports") / str(YEAR),
                        help="a folder the annual report wrote (default: the demo's)")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    if not (SOFFICE and PDFTOPPM):
        sys.exit("需要 LibreOffice（soffice）和 poppler（pdftoppm）："
                 "apt-get install libreoffice-writer libreoffice-calc poppler-utils")
    draft = next(args.report.glob("*（草稿）.docx"), None)
    if draft is None:
        sys.exit(f"{args.report} 中没有年度报告草稿：请先运行 .venv/bin/xzzf demo --out out/demo")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xzzf-render-") as tmp:
        work = Path(tmp)
        os.environ["FONTCONFIG_FILE"] = str(fonts_conf(work))  # read by the soffice that convert() starts
        print(first_page_png(convert(draft, "pdf", work / "pdf"), args.out / "report-draft.png"))
        workbook = first_sheet(next(args.report.glob("*工作报告-数据.xlsx")), work)  # written with the draft
        print(first_page_png(convert(workbook, "pdf", work / "pdf"), args.out / "report-workbook.png"))


if __name__ == "__main__":
    main()
