"""Migration 0009 (data-quality signals): downgrading to 0008 drops the signals table and the
decisions' signal_id only; upgrading again brings them back, every other record kept."""

from dataclasses import replace

from alembic import command
from sqlalchemy import inspect

from connectors.store import Store
from tests.connectors.test_migration_plans import held, revision, to
from tests.connectors.test_store import T0, submission
from xzzf.signals import Signal
from xzzf.vocabulary import SignalKind


def test_signals_come_and_go_with_0009_and_nothing_else_does(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'xzzf.db'}")
    store.migrate()
    signal = Signal(SignalKind.TOTAL, 0, "SFJ", "2026-10", "staff", "本月在岗执法人员 1 人", value="1 人")
    store.record_scan(T0, [replace(submission("a"), signals=(signal,))])
    [stored] = store.signals()
    assert (stored.kind, stored.state, stored.message) == ("total", "open", "本月在岗执法人员 1 人")
    store.record_adjustment(kind="verification", unit_code="SFJ", period="2026-10", reason="已电话核实",
                            operator="张三", decided_at=T0, signal_id=stored.id, changes="")
    assert store.signals()[0].state == "verified"
    before = held(store)

    to(store, "0008", command.downgrade)
    assert "signals" not in inspect(store.engine).get_table_names()
    assert "signal_id" not in {c["name"] for c in inspect(store.engine).get_columns("adjustments")}
    store.migrate()
    assert revision(store) == "0009" and store.signals() == []
    assert [(k, u, p, r) for k, u, p, r in before[2]] == [(a.kind, a.unit_code, a.period, a.reason)
                                                          for a in store.adjustments()]
    assert held(store)[:2] == before[:2]
    store.engine.dispose()
