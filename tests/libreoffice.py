"""LibreOffice for the tests and the render script: it opens and saves a workbook as a
clerk's office suite would, and prints it to PDF as a printer would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
TIMEOUT_S = 120


def convert(source: Path, to: str, outdir: Path) -> Path:
    """`source` converted to `to` ("xlsx", "pdf") in `outdir`, which must not be its folder
    (a conversion to the same format would overwrite it). Each call has a profile of its own:
    two LibreOffice processes on one profile lock each other out."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xzzf-soffice-") as profile:
        done = subprocess.run(
            [SOFFICE, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
             "--convert-to", to, "--outdir", str(outdir), str(source)],
            capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    target = outdir / f"{source.stem}.{to}"
    if done.returncode or not target.exists():  # soffice may exit 0 without writing anything
        raise RuntimeError(f"soffice could not convert {source} to {to}: {done.stdout}{done.stderr}")
    return target


def first_page_png(pdf: Path, png: Path, dpi: int = 80) -> Path:
    """The first page of `pdf` as `png`."""
    subprocess.run([PDFTOPPM, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True, timeout=TIMEOUT_S)
    return png
