"""A template filled in, then opened and saved by another office suite (LibreOffice, as a
clerk's WPS or Excel would), is still read as it was filled."""

import copy
import datetime as dt
import shutil

import pytest

from connectors.store import Store
from tests.builders import VALID_ROWS
from tests.filling import every_task, fill_template, make_template
from tests.flows.conftest import at, by_path, set_mtime
from tests.libreoffice import SOFFICE, convert
from xzzf.schema import SHEETS

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice（soffice）未安装：apt-get install libreoffice-calc 后运行此测试")


def loaded(env) -> dict[str, list[dict]]:
    """Every sheet's rows in force, without the store's own ids."""
    store = Store(env.db)
    return {sheet.name: [{k: v for k, v in row.items() if k not in ("id", "submission_id")}
                         for row in store.rows(sheet.name)] for sheet in SHEETS}


def test_a_template_saved_again_by_libreoffice_is_accepted_with_the_same_rows(env, tmp_path):
    rows = copy.deepcopy(VALID_ROWS)
    rows["任务进展"] = every_task("SFJ", "2026-10")
    info = {"填报人": "王五", "联系电话": "0953-1234567", "填报日期": dt.date(2026, 11, 3)}
    filled = fill_template(make_template(env.db, "SFJ", "2026-10", tmp_path / "templates"), info, rows,
                           to=env.inbox / "SFJ" / "openpyxl.xlsx")
    set_mtime(filled, at("2026-11-03"))
    first = by_path(env.intake(dt.date(2026, 11, 4)))["SFJ/openpyxl.xlsx"]
    assert (first["status"], first["errors"], first["warnings"]) == ("accepted", [], [])
    as_filled = loaded(env)
    assert len(as_filled["task_progress"]) == len(rows["任务进展"]) and as_filled["decisions"]

    saved = shutil.move(convert(filled, "xlsx", tmp_path / "libreoffice"), env.inbox / "SFJ" / "libreoffice.xlsx")
    set_mtime(saved, at("2026-11-05"))
    files = by_path(env.intake(dt.date(2026, 11, 6)))
    entry = files["SFJ/libreoffice.xlsx"]
    assert (entry["status"], entry["errors"], entry["warnings"]) == ("accepted", [], [])
    assert files["SFJ/openpyxl.xlsx"]["status"] == "superseded"  # the LibreOffice copy is the one in force
    assert loaded(env) == as_filled
