"""复核 (issue 20) on a small store: a file whose archive copy is gone keeps its outcome and the
调整记录 says so; with no copy at all the 复核 is refused before anything is recorded."""

from __future__ import annotations

import pytest
from prefect.exceptions import FailedRun

from connectors.archive import Archive
from connectors.inbox import Inbox
from connectors.store import Store
from flows import intake_steps
from tests.builders import write_workbook
from tests.flows.conftest import at, set_mtime
from xzzf.settings import load_settings
from xzzf.units import load_registry


def hurt(env) -> Store:
    """SFJ's and ZRZY's October files, come on 3 November, taken by a run as of 20 September
    whose clock said the same (as the runs did before not_arrived): rejected as a future month."""
    for code in ("SFJ", "ZRZY"):
        set_mtime(write_workbook(env.inbox / code / "10.xlsx", code), at("2026-11-03"))
    settings, store = load_settings(), Store(env.db)
    store.migrate()
    day = at("2026-09-20", "18:00")
    scan = intake_steps.examine(Inbox(settings.inbox), settings, load_registry(settings.units), store, day, day)
    intake_steps.record(scan, store, Archive(settings.out / "archive"), day, False)
    assert [e.status for e in scan.entries] == ["rejected", "rejected"]
    return store


def test_a_file_without_its_archive_copy_keeps_its_outcome_and_the_record_says_so(env):
    from flows.recheck import recheck

    store = hurt(env)
    lost = next(s for s in store.submissions_for("2026-10") if s.unit_code == "ZRZY")
    Archive(env.out / "archive").path_of(lost.sha256).unlink()
    line = recheck(period="2026-10", reason="误判为未来月份", operator="王五")
    assert "复核文件 1 个，改变结论 1 个" in line and "另有 1 个文件没有归档副本，无法复核，结论不变" in line
    statuses = {s.unit_code: s.status for s in store.submissions_for("2026-10")}
    assert statuses == {"SFJ": "accepted", "ZRZY": "rejected"}


def test_a_recheck_with_no_archive_copy_at_all_is_refused_and_records_nothing(env):
    from flows.recheck import recheck

    store = hurt(env)
    for stored in store.submissions_for("2026-10"):
        Archive(env.out / "archive").path_of(stored.sha256).unlink()
    with pytest.raises(FailedRun, match="没有副本，无法复核：请先从备份恢复归档文件夹"):  # a refusal: 已拒绝
        recheck(period="2026-10", reason="误判为未来月份", operator="王五")
    assert store.adjustments() == []
