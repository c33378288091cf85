"""The monthly collection flow: the intake, then every unit's status for the period."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.intake import intake_run
from flows.setup import prepare
from xzzf.periods import parse_period


@flow(name="monthly-collection", log_prints=True)
def monthly(period: str, as_of: dt.date | None = None, only_units: list[str] | None = None,
            dry_run: bool = False, resend: bool = False, inbox: str | None = None,
            units: str | None = None, db: str | None = None, out: str | None = None) -> str:
    """Collect `period` (YYYY-MM): take new files, then report every unit's status."""
    period = parse_period(period)
    run = prepare(as_of=as_of, dry_run=dry_run, only_units=only_units, inbox=inbox, units=units,
                  db=db, out=out)
    return intake_run(run, period, period)
