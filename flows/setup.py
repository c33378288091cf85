"""What every run starts with: settings, registry, connectors and the as-of time, all
checked before any file is read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import Store
from flows.runtime import open_store
from xzzf.periods import as_of_time
from xzzf.settings import Settings, load_settings
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
    now: dt.datetime  # the wall clock when the run started: for how long files have been still

    def runs_dir(self, name: str):
        return self.settings.out / "runs" / ("dry-run" if self.dry_run else "") / name


def prepare(*, as_of=None, dry_run=False, only_units=None, inbox=None, units=None, db=None,
            out=None, needs_inbox=True) -> Run:
    """Build a run; a wrong setting or registry raises here, before any work."""
    settings = load_settings(inbox=inbox, units=units, database_url=db, out=out)
    registry = load_registry(settings.units).only(only_units)
    now = dt.datetime.now(dt.UTC)  # the one place a run reads the clock
    moment = as_of_time(as_of, now)
    settings.out.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)  # a URL that cannot connect: SettingsError naming it
    store.migrate()
    inbox_connector = Inbox(settings.inbox,
                            frozenset(u.code for u in registry.units) if only_units else None)
    if needs_inbox:
        inbox_connector.check()
    return Run(settings, registry, store, inbox_connector, Archive(settings.out / "archive"),
               moment, dry_run, now)
