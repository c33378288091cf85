"""The Great Expectations suites, one per sheet, generated from the rule table (and one per
frame the data-quality signals check, from xzzf.signals.SIGNAL_RULES).

`python -m expectations.suites` rewrites `expectations/<sheet>.json`; a test fails when the
committed files and the rule table disagree. Severity is explicit in every expectation
(GX `critical` = an error that rejects the file, `warning` = reported, loaded anyway).
"""

from __future__ import annotations

import json
from pathlib import Path

from xzzf.rules import RULES, Rule, When
from xzzf.signals import SIGNAL_RULES
from xzzf.validation import EXCEL_ROW, FILE_ID

SUITES_DIR = Path(__file__).parent
SEVERITY = {"error": "critical", "warning": "warning"}
_PAIR_SKIP = {"ignore_row_if": "either_value_is_missing"}


def _condition(condition: When) -> dict:
    terms = []
    for column, operator, value in condition.terms:
        if operator in ("null", "not_null"):
            terms.append({"type": "nullity", "column": {"name": column}, "is_null": operator == "null"})
        else:
            terms.append({"type": "comparison", "column": {"name": column}, "operator": operator,
                          "parameter": value})
    return terms[0] if len(terms) == 1 else {"type": "and", "conditions": terms}


def _expectation(rule: Rule) -> dict:
    column = rule.params.get("derived", rule.column)
    kinds = {
        "not_null": ("expect_column_values_to_not_be_null", {"column": column}),
        "null": ("expect_column_values_to_be_null", {"column": column}),
        "in_set": ("expect_column_values_to_be_in_set",
                   {"column": column, "value_set": rule.params.get("value_set")}),
        "not_in_set": ("expect_column_values_to_not_be_in_set",
                       {"column": column, "value_set": rule.params.get("value_set")}),
        "between": ("expect_column_values_to_be_between",
                    {"column": column, **{k: v for k, v in rule.params.items()
                                          if k in ("min_value", "max_value", "strict_min")}}),
        "max_length": ("expect_column_value_lengths_to_be_between",
                       {"column": column, "max_value": rule.params.get("max_value")}),
        "credit_code": ("expect_column_values_to_be_valid_credit_code", {"column": column}),
        "at_least": ("expect_column_pair_values_a_to_be_greater_than_b",
                     {"column_A": rule.params.get("column"), "column_B": rule.params.get("floor"),
                      "or_equal": True, **_PAIR_SKIP}),
        # Uniqueness is per file: the file id is part of the compound key.
        "unique": ("expect_compound_columns_to_be_unique",
                   {"column_list": [FILE_ID, *rule.params.get("columns", ())],
                    "ignore_row_if": "any_value_is_missing"}),
    }
    kind, kwargs = kinds[rule.check]
    if rule.condition:
        kwargs |= {"row_condition": _condition(rule.condition)}
    return {"type": kind, "kwargs": kwargs, "meta": {"rule": rule.id}, "severity": SEVERITY[rule.severity]}


def suite_dicts() -> dict[str, dict]:
    suites: dict[str, dict] = {}
    for rule in (*RULES, *SIGNAL_RULES):
        suite = suites.setdefault(rule.sheet, {"name": rule.sheet, "expectations": [],
                                               "meta": {"index_columns": [FILE_ID, EXCEL_ROW]}})
        suite["expectations"].append(_expectation(rule))
    return suites


def suite_text(suite: dict) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=2) + "\n"


def write_suites() -> list[Path]:
    paths = []
    for name, suite in suite_dicts().items():
        path = SUITES_DIR / f"{name}.json"
        path.write_text(suite_text(suite), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_suites():
        print(written)
