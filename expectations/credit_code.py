"""Custom expectation: 统一社会信用代码 values carry a valid GB 32100 check character.
Importing this module registers `expect_column_values_to_be_valid_credit_code` with GX."""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

from xzzf.credit_code import is_valid


class ColumnValuesValidCreditCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_credit_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return column.map(is_valid)


class ExpectColumnValuesToBeValidCreditCode(ColumnMapExpectation):
    """Expect each non-null value to be an 18-character code whose last character is the
    GB 32100 mod-31 check character of the first 17."""

    map_metric = "column_values.valid_credit_code"
    success_keys = ("mostly",)
