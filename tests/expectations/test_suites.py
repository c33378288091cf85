import json
import logging

import pandas as pd
import pytest

from expectations.runner import ExpectationError, SuiteRunner
from expectations.suites import SUITES_DIR, suite_dicts, suite_text
from xzzf.rules import RULES
from xzzf.signals import SIGNAL_RULES


def test_the_committed_suites_are_the_rule_table():
    """`python -m expectations.suites` regenerates them after a rule changes."""
    generated = suite_dicts()
    committed = {p.stem for p in SUITES_DIR.glob("*.json")}
    assert committed == set(generated)
    for name, suite in generated.items():
        assert (SUITES_DIR / f"{name}.json").read_text(encoding="utf-8") == suite_text(suite), name


def test_every_expectation_names_its_rule_and_severity():
    expectations = [e for suite in suite_dicts().values() for e in suite["expectations"]]
    assert sorted(e["meta"]["rule"] for e in expectations) == sorted(r.id for r in (*RULES, *SIGNAL_RULES))
    assert {e["severity"] for e in expectations} == {"critical", "warning"}
    decisions = json.loads((SUITES_DIR / "decisions.json").read_text(encoding="utf-8"))
    assert any(e["type"] == "expect_column_values_to_be_valid_credit_code" for e in decisions["expectations"])


def test_conditions_are_gx_condition_objects_not_pandas_strings():
    conditional = [e["kwargs"] for s in suite_dicts().values() for e in s["expectations"]
                   if "row_condition" in e["kwargs"]]
    assert conditional and not any("condition_parser" in k for k in conditional)  # deprecated in GX 1.9
    assert all(isinstance(k["row_condition"], dict) and "type" in k["row_condition"] for k in conditional)


def test_an_expectation_that_raises_fails_the_run_loudly():
    frame = pd.DataFrame({"_file_id": [0], "_excel_row": [2], "decision_no": ["X"]})
    with pytest.raises(ExpectationError, match="decisions"):
        SuiteRunner().failures({"decisions": frame})


def test_a_runner_says_nothing_an_administrator_cannot_act_on(caplog):
    """GX announces a temporary docs folder at INFO for every ephemeral context; a run's log
    (and the demo's output) had one such line per run."""
    with caplog.at_level(logging.INFO):
        SuiteRunner()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("great_expectations")] == []
