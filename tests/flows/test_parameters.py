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


def test_a_unit_chosen_from_the_forms_list_is_its_code_and_one_not_registered_is_refused_in_one_line(env):
    """The form offers "SFJ 司法局" (flows.parameters.unit_choice); the API and the command
    line give "SFJ". A code the registry lacks, started without the form, is refused by the
    run in one Chinese line."""
    from flows.parameters import unit_choice
    from xzzf.units import SAMPLE_REGISTRY, load_registry

    sfj = load_registry(SAMPLE_REGISTRY).get("SFJ")
    assert unit_choice(sfj) == "SFJ 司法局"
    assert set(env.monthly("2026-10", dt.date(2026, 11, 4), only_units=[unit_choice(sfj)])["units"]) == {"SFJ"}
    state = env.monthly_state("2026-10", dt.date(2026, 11, 4), only_units=["NOSUCH"])
    assert (state.type.value, state.name, state.message) == ("FAILED", "已拒绝", "未登记的单位编码：NOSUCH")


def test_the_forms_unit_fields_become_lists_of_the_registrys_units():
    """connectors.prefect_api.with_choices on the flows' own schemas: a field naming units
    becomes a select of the choices (several for a list); an optional one loses its empty
    default, which is no choice; the other fields are left as they are."""
    from prefect.utilities.callables import parameter_schema

    from connectors.prefect_api import with_choices
    from flows.monthly import monthly
    from flows.receipts import resend_receipts
    from flows.recheck import recheck

    offered = ["SFJ 司法局", "LQX 柳泉乡"]
    schemas = {f.name: parameter_schema(f).model_dump() for f in (monthly, recheck, resend_receipts)}
    patched = {name: with_choices(schema, offered) for name, schema in schemas.items()}
    assert patched["monthly-collection"]["properties"]["only_units"]["items"] == {"type": "string", "enum": offered}
    assert patched["resend-receipts"]["properties"]["unit"]["enum"] == offered
    unit = patched["recheck-files"]["properties"]["unit"]
    assert unit["enum"] == offered and "default" not in unit
    for name, schema in schemas.items():
        for key, field in schema["properties"].items():
            if key not in ("only_units", "unit"):
                assert patched[name]["properties"][key] == field, (name, key)
    assert with_choices(patched["recheck-files"], offered) == patched["recheck-files"]  # written once
