"""Upgrades keep everything (issue 24): a store at every earlier schema revision, holding rows
in each of its tables, upgrades to head with nothing lost, and gives the same figures as the
same rows loaded at head. The revisions are read from the migrations folder, so a new one is
covered without touching this test.

The rows are those today's code records for a year of three units (the annual benchmark's
store: real workbooks' rows through the reader), with a rejected file, mail, a decision of
each kind, a 复核, an issued report and a plan: each revision gets the rows and columns its
own tables have."""

import datetime as dt

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, select, text

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import MIGRATIONS, NewSubmission, Store
from connectors.store_schema import metadata
from flows import annual_steps
from flows.setup import Run
from tests.benchmarks import YEAR
from tests.benchmarks.annual import fill_store
from tests.connectors.test_migration_plans import to
from xzzf.annual import figures_json
from xzzf.catalog import task_entry
from xzzf.periods import BEIJING
from xzzf.plans import Plan, seed_plan
from xzzf.settings import load_settings
from xzzf.signals import Signal
from xzzf.units import load_registry
from xzzf.vocabulary import AdjustmentKind, SignalKind

CONFIG = Config()
CONFIG.set_main_option("script_location", str(MIGRATIONS))
SCRIPTS = ScriptDirectory.from_config(CONFIG)
HEAD = SCRIPTS.get_current_head()
EARLIER = sorted(s.revision for s in SCRIPTS.walk_revisions() if s.revision != HEAD)
AS_OF = dt.datetime(YEAR + 1, 1, 10, 9, tzinfo=BEIJING)
DECIDED = dt.datetime(YEAR, 6, 20, 9, tzinfo=BEIJING)


def test_the_revisions_are_read_from_the_migrations_folder():
    names = sorted(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert names[:-1] == EARLIER and names[-1] == HEAD and EARLIER[0] == "0001"


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A store made by today's code, every table holding rows; with its registry file."""
    root = tmp_path_factory.mktemp("original")
    registry_file, store = fill_store(root, units=3)
    unit = load_registry(registry_file).units[0].code
    arrived = dt.datetime(YEAR, 8, 5, 10, tzinfo=BEIJING)
    store.record_scan(arrived, [NewSubmission(unit, "bad", f"{unit}/错.xlsx", 9, arrived, arrived, unit, f"{YEAR}-07",
                                              None, False, {}, [{"message": "缺少工作表"}], [], {}, readable=True)])
    june = next(s.id for s in store.submissions_for(f"{YEAR}-06") if s.unit_code == unit)
    decide = dict(unit_code=unit, operator="张三", decided_at=DECIDED, changes="")
    store.record_adjustment(kind=AdjustmentKind.EXTENSION, period=f"{YEAR}-09", reason="书面申请",
                            until=dt.date(YEAR, 10, 20), **decide)
    exempt = store.record_adjustment(kind=AdjustmentKind.EXEMPTION, period=f"{YEAR}-10", reason="机构改革", **decide)
    store.record_adjustment(kind=AdjustmentKind.REVOCATION, period=f"{YEAR}-10", reason="误批",
                            revokes=exempt.id, **decide)
    store.record_adjustment(kind=AdjustmentKind.WITHDRAWAL, period=f"{YEAR}-06", reason="数据有误",
                            submission_id=june, **decide)
    [(file, size, mtime, _)] = store.judged_files(f"{YEAR}-05", unit)
    store.record_recheck({file.id: NewSubmission(file.folder, file.sha256, file.path, size, mtime, file.arrival_at,
                                                 unit, file.period, file.fill_date, False, file.info,
                                                 [{"message": "复核不通过"}], [], {})},
                         kind=AdjustmentKind.RECHECK, period=f"{YEAR}-05", reason="规则更正", **decide)
    store.save_email("receipt-1", subject="回执", recipients=["a@example.org"], eml_path="mail/1.eml",
                     status="sent", attempts=1, last_error=None, updated_at=arrived,
                     delivered_to=["a@example.org"], refused={})
    store.record_issued(YEAR - 1, dt.date(YEAR, 1, 10), DECIDED, {"draft": "a.docx"}, {"year": YEAR - 1})
    # A data-quality signal on an accepted file of the next January, and the 司法局's 已核实 of it.
    store.record_scan(arrived, [NewSubmission(unit, "signalled", f"{unit}/{YEAR + 1}-01.xlsx", 9, arrived, arrived,
                                              unit, f"{YEAR + 1}-01", None, True, {}, [], [], {}, readable=True,
                                              signals=(Signal(SignalKind.TOTAL, 0, unit, f"{YEAR + 1}-01", "罚没金额",
                                                              "本月罚没金额是过去 6 个月平均的 40 倍"),))])
    [signal] = store.signals()
    store.record_adjustment(kind=AdjustmentKind.VERIFICATION, period=f"{YEAR + 1}-01", reason="已电话核实",
                            signal_id=signal.id, **decide)
    seed = seed_plan()
    store.record_plan(Plan(seed.name, (YEAR, YEAR + 2), seed.tasks, f"{YEAR}-01", source="plan.txt",
                           sha256="0" * 64, imported_at=DECIDED, operator="张三", reason="新方案"),
                      [task_entry(task) for task in seed.tasks])
    rows = snapshot(store, set(metadata.tables))
    assert all(rows.values()), [name for name, held in rows.items() if not held]
    yield registry_file, rows
    store.engine.dispose()


def snapshot(store: Store, tables: set[str], columns: dict[str, set[str]] | None = None) -> dict[str, list[dict]]:
    """Every row of the tables (of the given columns), by table, in id order."""
    with store.engine.connect() as connection:
        return {name: [{k: v for k, v in row._mapping.items() if columns is None or k in columns[name]}
                       for row in connection.execute(select(table).order_by(table.c.id))]
                for name, table in metadata.tables.items() if name in tables}


def load(store: Store, rows: dict[str, list[dict]]) -> None:
    """The rows written as they are, ids included, parents first."""
    with store.engine.begin() as connection:
        for table in metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(insert(table), rows[table.name])


def figures(store: Store, registry_file, root) -> tuple[dict, dict]:
    """The year's annual figures and every month's unit statuses, as of after the year."""
    settings = load_settings(units=registry_file, out=root / "out", inbox=root)
    run = Run(settings, load_registry(registry_file), store, Inbox(root), Archive(root / "archive"), AS_OF, False,
              AS_OF)
    report, _, _ = annual_steps.reports(run, YEAR)
    decided = run.standing()
    view, obligations = run.view(decided), run.obligations(decided)
    statuses = {month: obligations.unit_statuses(view, f"{YEAR}-{month:02d}", AS_OF) for month in range(1, 13)}
    return figures_json(report), statuses


@pytest.mark.parametrize("revision", EARLIER)
def test_a_store_at_every_earlier_revision_upgrades_with_nothing_lost_and_the_same_figures(
        revision, original, database_url, tmp_path):
    registry_file, everything = original
    store = Store(database_url)
    to(store, revision)
    present = inspect(store.engine)
    tables = set(present.get_table_names()) - {"alembic_version"}
    columns = {name: {c["name"] for c in present.get_columns(name)} for name in tables}
    held = {name: [{k: v for k, v in row.items() if k in columns[name]} for row in everything[name]]
            for name in tables}
    load(store, held)

    store.migrate()
    with store.engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == HEAD
    assert snapshot(store, tables, columns) == held

    # The same rows loaded at head (columns added since get their defaults) give the same figures.
    fresh = Store(f"sqlite:///{tmp_path / 'at-head.db'}")
    fresh.migrate()
    load(fresh, held)
    upgraded = figures(store, registry_file, tmp_path)
    assert upgraded == figures(fresh, registry_file, tmp_path)
    report, statuses = upgraded
    assert report["district"]["indicators"]["decisions_total"] and all(statuses.values())
    store.engine.dispose()
    fresh.engine.dispose()
