"""Fault injection (issue 9): run alone with `.venv/bin/pytest -m faults`."""

import pytest

from tests.flows.conftest import env  # noqa: F401 - an inbox, an output folder and a store per test


@pytest.fixture(autouse=True)
def _prefect(prefect_harness):
    """Real Prefect flow runs against the session's test API."""
