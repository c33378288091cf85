"""The house's floors (issue 12): xzzf/ is the domain and imports no Prefect, no Great
Expectations, no database and nothing above it; connectors/ imports no flow; the command
line (cli/) is on top and nothing imports it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
OUTSIDE_THE_DOMAIN = ("prefect", "great_expectations", "sqlalchemy", "alembic", "psycopg", "flows", "connectors",
                      "expectations", "cli")


def imported(path: Path) -> set[str]:
    """The top-level names of every module `path` imports, wherever the import sits."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "xzzf").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_nothing_of_the_outside(path):
    assert not imported(path) & set(OUTSIDE_THE_DOMAIN)


@pytest.mark.parametrize("path", sorted((ROOT / "connectors").rglob("*.py")), ids=lambda p: p.name)
def test_a_connector_imports_no_flow(path):
    assert not imported(path) & {"flows", "cli"}


@pytest.mark.parametrize("path", sorted((ROOT / "flows").rglob("*.py")), ids=lambda p: p.name)
def test_no_flow_imports_the_command_line(path):
    assert "cli" not in imported(path)


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from prefect import flow\n    import flows.setup\n", encoding="utf-8")
    assert imported(sample) == {"prefect", "flows"}
