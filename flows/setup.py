"""What every run starts with: settings, registry, connectors and the as-of time, all
checked before any file is read; and, for a run that writes, the store held until it ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import Store
from flows.receipt_list import Written
from flows.runtime import open_store
from xzzf.adjustments import Obligations, Standing, standing
from xzzf.intake import SubmissionFact, as_of_view, in_force
from xzzf.periods import BEIJING, as_of_time, end_of_day, period_of
from xzzf.plans import PlanInForce, plan_in_force
from xzzf.quality import open_signals
from xzzf.settings import Settings, SettingsError, load_settings
from xzzf.units import Registry, RegistryError, load_registry
from xzzf.vocabulary import EVER_ACCEPTED


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
    _said: set[str] = field(default_factory=set)  # the plan notices already in the run log
    # The 回执 this run wrote, listed with what became of their mail once it is sent
    # (flows.intake.send_owed_mail).
    written: list[Written] = field(default_factory=list)

    def runs_dir(self, name: str):
        return self.settings.out / "runs" / ("dry-run" if self.dry_run else "") / name

    def standing(self) -> Standing:
        """The 司法局's decisions in force at the run's as-of time."""
        return standing(self.store.adjustments(), self.as_of)

    def view(self, decided: Standing | None = None) -> list[SubmissionFact]:
        """The store's files as they stood at the run's as-of time (xzzf.intake.as_of_view)."""
        return as_of_view(self.store.facts(), self.as_of, (decided or self.standing()).withdrawn)

    def open_signals(self, year: int | None = None, view: list[SubmissionFact] | None = None) -> list:
        """The data-quality signals open at the run's as-of time (xzzf.quality.open_signals), on
        the files in force in `view` (the run's view(), read again when not given)."""
        return open_signals(self.store.signals(), self.as_of, in_force(self.view() if view is None else view), year)

    def plan(self, period: str) -> PlanInForce:
        """The plan in force for `period` (YYYY-MM); a year no plan covers is said once in the run log."""
        found = plan_in_force(self.store.plans(), period)
        if found.notice and found.notice not in self._said:
            from flows.artifacts import run_log  # Prefect: imported only when a run is going

            self._said.add(found.notice)
            run_log().warning(found.notice)
        return found

    def obligations(self, decided: Standing | None = None) -> Obligations:
        return Obligations(self.registry, self.settings.due_day, self.settings.calendar(),
                           decided or self.standing())


@contextmanager
def prepare(*, as_of=None, dry_run=False, only_units=None, needs_inbox=True, records=False) -> Iterator[Run]:
    """Build a run for a `with` block; a wrong setting or registry raises here, before any
    work. Where it runs (inbox, registry, database, output) is the deployment's setting, from
    the environment (the command line puts its flags there). A run that writes holds the
    store until the block ends, however it ends: a second run waits for it, then stops with
    StoreBusy. A dry run writes nothing and holds nothing. A run that `records` something at
    its as-of time (a decision, a reminder owed) may not be dated in the future, as the
    intake may not."""
    # Here, not at the top: the command line's checks import this module and must answer at
    # once, without Prefect's seconds of import.
    from prefect.runtime import deployment, flow_run

    settings = load_settings()
    registry = load_registry(settings.units)
    if deployment.id:  # a run of the deployments: their forms list this registry's units
        from flows.artifacts import run_log
        from flows.unit_choices import refresh_in_run

        refresh_in_run(registry, run_log())
    registry = registry.only(only_units)
    now = dt.datetime.now(dt.UTC)  # the one place a run reads the clock
    moment = as_of_time(as_of, now)
    if (needs_inbox or records) and not dry_run:  # it records its scan, a decision or a mail at its as-of
        refuse_future(f"as_of {as_of}", moment, now)
    store = open_store(settings)  # a URL that cannot connect: SettingsError naming it
    with nullcontext() if dry_run else store.lock(flow_run.flow_name, settings.lock_wait_s, now):
        settings.out.mkdir(parents=True, exist_ok=True)  # held: a run that must wait writes nothing
        store.migrate()  # held: two runs on a new store would both create its tables
        refuse_orphans(load_registry(settings.units) if only_units else registry, store)
        inbox_connector = Inbox(settings.inbox,
                                frozenset(u.code for u in registry.units) if only_units else None)
        if needs_inbox:
            inbox_connector.check()
        run = Run(settings, registry, store, inbox_connector, Archive(settings.out / "archive"), moment, dry_run, now)
        run.plan(period_of(moment.astimezone(BEIJING).date()))  # a year without a plan: said in every run's log
        yield run


def refuse_orphans(registry: Registry, store) -> None:
    """A registry that no longer owns stored accepted files (a unit removed, or given dates
    that leave out a month it reported) is refused: its figures would silently vanish."""
    orphans: dict[str, list[str]] = {}
    for fact in store.facts():
        unit = registry.get(fact.unit_code)
        owned = unit is not None and (fact.period is None or unit.has_month(fact.period))
        if fact.status in EVER_ACCEPTED and not owned:
            orphans.setdefault(fact.unit_code, []).append(fact.period)
    if orphans:
        listed = "；".join(f"{code}：{'、'.join(sorted(set(periods)))}" for code, periods in sorted(orphans.items()))
        raise RegistryError(f"单位名册与已受理的数据不符（{listed}）：这些单位在这些月份已有受理的报送，"
                            "名册却删除了该单位或其存续期间（from/until）不含这些月份。请恢复该单位或更正日期；"
                            "撤并的单位请保留在名册中，写明 until，并在承接单位写明 replaces")


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
