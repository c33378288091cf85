"""Running the suites: one Great Expectations validation call per sheet for a whole run.

GX is imported only when there is something to validate (it costs seconds to import), and
one ephemeral context serves the run; GX objects are not shared between threads.
"""

from __future__ import annotations

import json
import logging
import math

import pandas as pd

from expectations.suites import SUITES_DIR
from xzzf.rules import RULES, RULES_BY_ID
from xzzf.signals import SIGNAL_RULES
from xzzf.validation import INDEX_COLUMNS, Failure


def preload() -> None:
    """Import Great Expectations (seconds) ahead of the first SuiteRunner: a run calls this
    in a thread while its workers read the files."""
    import great_expectations  # noqa: F401

    import expectations.credit_code  # noqa: F401


CHECKED = RULES_BY_ID | {rule.id: rule for rule in SIGNAL_RULES}  # every rule an expectation checks


class ExpectationError(RuntimeError):
    """An expectation raised: a defect of the pipeline, never a fault of the files."""


class SuiteRunner:
    def __init__(self):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # GX logs at INFO what it loads and, for every ephemeral context, where it puts a
        # temporary docs folder: nothing the administrator reading a run's log (or the demo's
        # output) can act on. Its config module sets its own logger to INFO when imported.
        for name in ("great_expectations", ProgressBarsConfig.__module__):
            logging.getLogger(name).setLevel(logging.WARNING)

        import expectations.credit_code  # noqa: F401  (registers the custom expectation)

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.source = self.context.data_sources.add_pandas("xzzf")
        self.batches: dict[str, object] = {}
        self.calls = 0

    def _batch_definition(self, name: str):
        if name not in self.batches:
            self.batches[name] = self.source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("run")
        return self.batches[name]

    def suite(self, name: str):
        data = json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
        return self._gx.ExpectationSuite(name=data["name"], expectations=data["expectations"])

    def failures(self, frames: dict[str, pd.DataFrame]) -> list[Failure]:
        """Validate each non-empty frame with its sheet's suite, in one call per sheet."""
        found: list[Failure] = []
        for name, frame in frames.items():
            if frame.empty:
                continue
            batch = self._batch_definition(name).get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(self.suite(name), result_format={
                "result_format": "COMPLETE", "unexpected_index_column_names": _index_columns(name)})
            self.calls += 1
            found += _failures_of(result)
        return found


def _raised(info: dict) -> str | None:
    """The exception message, whether GX reports it flat or per metric."""
    if info.get("raised_exception"):
        return info.get("exception_message") or "raised"
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return nested[0].get("exception_message") or "raised" if nested else None


def _index_columns(sheet: str) -> list[str]:
    """File and row, plus the columns that rules on derived columns point the clerk at."""
    shown = sorted({r.column for r in RULES if r.sheet == sheet and "derived" in r.params})
    return [*INDEX_COLUMNS, *shown]


def _failures_of(result) -> list[Failure]:
    failures = []
    for item in result.results:
        rule_id = item.expectation_config.meta["rule"]
        raised = _raised(item.exception_info or {})
        if raised:
            raise ExpectationError(f"{rule_id}: {raised}")
        if item.success:
            continue
        rule = CHECKED[rule_id]
        for index in item.result.get("unexpected_index_list") or []:
            value = index.get(rule.column)
            failures.append(Failure(rule_id, int(index["_file_id"]), int(index["_excel_row"]),
                                    None if isinstance(value, float) and math.isnan(value) else value))
    return failures
