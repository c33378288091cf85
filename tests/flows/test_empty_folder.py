"""A new user's first commands (issue 14): in a folder with nothing but the shared inbox — no
out/, no database, no .env — each command makes what it needs and runs."""

import pytest
from typer.testing import CliRunner

from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime

COMMANDS = {
    "templates": ["templates", "--period", "2025-11", "--out", "模板"],
    "intake": ["intake", "--as-of", "2025-12-04"],
    "monthly": ["monthly", "--period", "2025-11", "--as-of", "2025-12-08"],
    "annual": ["annual", "--year", "2025", "--as-of", "2026-01-10"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_runs_in_a_folder_with_no_output_folder_yet(name, tmp_path, monkeypatch):
    from cli import app

    monkeypatch.chdir(tmp_path)  # the defaults: ./inbox, ./out, the store in ./out
    set_mtime(write_workbook(tmp_path / "inbox" / "SFJ" / "a.xlsx", period="2025-11"), at("2025-12-03"))
    result = CliRunner().invoke(app, COMMANDS[name])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "xzzf.db").is_file()
    made = {"templates": tmp_path / "模板" / "SFJ", "intake": tmp_path / "out" / "feedback" / "SFJ",
            "monthly": tmp_path / "out" / "runs" / "2025-11" / "run-report.json",
            "annual": tmp_path / "out" / "reports" / "2025" / "figures-2025.json"}[name]
    assert made.exists()
