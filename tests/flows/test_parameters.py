"""Typed flow parameters: defaults computed at run time; bad values fail before any work."""

import datetime as dt

import pytest
from prefect.exceptions import ParameterTypeError


def test_the_monthly_period_defaults_to_the_month_before_the_as_of_date(env):
    assert env.monthly(None, dt.date(2026, 1, 4))["period"] == "2025-12"


@pytest.mark.parametrize(("call", "parameter"), [("monthly", "period"), ("annual", "year"), ("templates", "period")])
def test_a_bad_parameter_fails_at_once_naming_it(env, call, parameter):
    from flows.annual import annual
    from flows.monthly import monthly
    from flows.templates import templates

    runs = {"monthly": lambda: monthly(period="2025-13"), "annual": lambda: annual(year=1900),
            "templates": lambda: templates(period="2025-13")}
    with pytest.raises(ParameterTypeError, match=parameter):
        runs[call]()
    assert not (env.inbox.parent / "xzzf.db").exists()  # the store was never opened
