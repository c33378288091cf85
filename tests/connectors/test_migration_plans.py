"""Migration 0008 (plans): a store at 0007 holding files, decisions and an issued report is
upgraded with nothing lost, and then keeps plans; downgrading drops the plans table only."""

import datetime as dt

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from connectors.store import MIGRATIONS, Store
from tests.connectors.test_store import T0, submission
from xzzf.catalog import task_entry
from xzzf.plans import Plan, seed_plan


def to(store: Store, revision: str, how=command.upgrade) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        how(config, revision)


def revision(store: Store) -> str:
    with store.engine.connect() as connection:
        return connection.execute(text("select version_num from alembic_version")).scalar_one()


def held(store: Store) -> tuple:
    return ({sha: (s.status, s.path) for (_, sha), s in store.known().items()}, store.rows("decisions"),
            [(a.kind, a.unit_code, a.period, a.reason) for a in store.adjustments()], store.latest_issued(2025))


def test_a_store_at_0007_upgrades_with_nothing_lost_and_then_keeps_plans(tmp_path):
    """The data are written by the code of today, at head: the store is taken down to 0007
    (which keeps them), then up again."""
    store = Store(f"sqlite:///{tmp_path / 'xzzf.db'}")
    store.migrate()
    store.record_scan(T0, [submission("a"), submission("b", accepted=False)])
    store.record_adjustment(kind="extension", unit_code="SFJ", period="2026-10", reason="单位书面申请，经批准",
                            operator="张三", decided_at=T0, until=dt.date(2026, 11, 20), changes="")
    store.record_issued(2025, dt.date(2026, 1, 10), T0, {"draft": "a.docx"}, {"year": 2025})
    before = held(store)
    assert before[0] and before[1] and before[2] and before[3]
    to(store, "0007", command.downgrade)
    assert "plans" not in inspect(store.engine).get_table_names()

    to(store, "0008")
    assert revision(store) == "0008" and "plans" in inspect(store.engine).get_table_names()
    store.migrate()
    assert held(store) == before and store.plans() == []
    seed = seed_plan()
    entries = [task_entry(task) for task in seed.tasks]
    number = store.record_plan(Plan(seed.name, (2026, 2028), seed.tasks, "2026-01", source="plan.txt",
                                    sha256="0" * 64, imported_at=T0, operator="", reason=""), entries)
    [stored] = store.plans()
    assert (stored.number, stored.years, stored.from_period, stored.tasks) == (number, (2026, 2028), "2026-01",
                                                                               seed.tasks)

    to(store, "0007", command.downgrade)
    assert "plans" not in inspect(store.engine).get_table_names()
    store.migrate()
    assert held(store) == before
    store.engine.dispose()
