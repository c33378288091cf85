"""What every run starts with: settings, registry, connectors and the as-of time, all
checked before any file is read; and, for a run that writes, the store held until it ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import Store
from flows.runtime import open_store
from xzzf.periods import BEIJING, as_of_time, end_of_day
from xzzf.settings import Settings, SettingsError, load_settings
from xzzf.units import Registry, load_registry


@dataclass
class Run:
    settings: Settings
    registry: Registry  # limited to only_units when given
    store: Store
    inbox: Inbox
    archive: Archive
    as_of: dt.datetime
    dry_run: bool
    # The wall clock when the run started: for how long files have been still, and which
    # recorded scans are in the future.
    now: dt.datetime

    def runs_dir(self, name: str):
        return self.settings.out / "runs" / ("dry-run" if self.dry_run else "") / name


@contextmanager
def prepare(*, as_of=None, dry_run=False, only_units=None, needs_inbox=True) -> Iterator[Run]:
    """Build a run for a `with` block; a wrong setting or registry raises here, before any
    work. Where it runs (inbox, registry, database, output) is the deployment's setting, from
    the environment (the command line puts its flags there). A run that writes holds the
    store until the block ends, however it ends: a second run waits for it, then stops with
    StoreBusy. A dry run writes nothing and holds nothing."""
    # Here, not at the top: the command line's checks import this module and must answer at
    # once, without Prefect's seconds of import.
    from prefect.runtime import flow_run

    settings = load_settings()
    registry = load_registry(settings.units).only(only_units)
    now = dt.datetime.now(dt.UTC)  # the one place a run reads the clock
    moment = as_of_time(as_of, now)
    if needs_inbox and not dry_run:  # it records its scan of the inbox
        refuse_future(f"as_of {as_of}", moment, now)
    store = open_store(settings)  # a URL that cannot connect: SettingsError naming it
    with nullcontext() if dry_run else store.lock(flow_run.flow_name, settings.lock_wait_s, now):
        settings.out.mkdir(parents=True, exist_ok=True)  # held: a run that must wait writes nothing
        store.migrate()  # held: two runs on a new store would both create its tables
        inbox_connector = Inbox(settings.inbox,
                                frozenset(u.code for u in registry.units) if only_units else None)
        if needs_inbox:
            inbox_connector.check()
        yield Run(settings, registry, store, inbox_connector, Archive(settings.out / "archive"),
                  moment, dry_run, now)


def latest_as_of(now: dt.datetime) -> dt.datetime:
    """The latest as-of a run that records may have: the end of today in Beijing (a bare date
    means the end of its day, and today must be allowed)."""
    return end_of_day(now.astimezone(BEIJING).date())


def refuse_future(given: str, moment: dt.datetime, now: dt.datetime, dry_run: str = "dry_run") -> None:
    """A run that records may not be dated after today: its scan would be the last scan that
    every later file arrives no earlier than, so a file dropped today would arrive, and be
    late, on that future day. `given` is the value as it was given, `dry_run` how to ask for
    a dry run, which records nothing."""
    if moment > latest_as_of(now):
        raise SettingsError(f"{given} 晚于今天（{now.astimezone(BEIJING):%Y-%m-%d}）："
                            f"记录数据的运行不能使用未来的日期（试运行 {dry_run} 可以）")
