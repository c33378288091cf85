"""Shared fixtures: telemetry off, one Prefect test harness per session, real databases."""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest

os.environ.update({"GX_ANALYTICS_ENABLED": "False", "DO_NOT_TRACK": "1",
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"})
# A developer's own settings must not leak into tests; the tests' own switches stay.
for name in [n for n in os.environ if n.startswith("XZZF_") and not n.startswith(("XZZF_TEST_", "XZZF_UPDATE_"))]:
    del os.environ[name]
# Tests write a file and run at once: no settle time, except where a test sets one to check it.
os.environ["XZZF_SETTLE_S"] = "0"

POSTGRES_ADMIN = os.environ.get("XZZF_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def _environment():
    """The environment as it was before each test: the command line puts its flags there."""
    from unittest import mock

    with mock.patch.dict(os.environ):
        yield


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect API (temporary server on SQLite), started once for the session."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # No flow-run heartbeats: a flow would wait up to a second at its end for the heartbeat
    # thread (flows.runtime.no_heartbeats_unheard), some minutes over the suite's flows.
    with prefect_test_harness(server_startup_timeout=120), \
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def fresh_postgres():
    """A new PostgreSQL database on 127.0.0.1:5432 (its URL), dropped afterwards; the test is
    skipped where there is no server."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"xzzf_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        pytest.skip(f"没有可用的 PostgreSQL（{POSTGRES_ADMIN}）：{error.orig}")
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url():
    with fresh_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Store tests run against both SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
