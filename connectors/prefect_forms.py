"""The Prefect server's deployment forms (its API): the fields that name a unit offer the
registry's units as a list. Prefect builds a deployment's form from the flow's signature when
it is deployed, so a list that follows the registry is written into the stored form
afterwards — by deployments/deploy.sh, and by any deployed run whose registry differs from it.

Both of Prefect's UIs render a JSON-schema `enum` as a select (an `enum` in `items`: one that
takes several) and show each value as it is; neither shows titles beside values, so a value
carries the unit's name (flows.parameters.unit_choice). The server validates a run's
parameters against the same schema: a value not in the list is refused before a run exists."""

from __future__ import annotations

import copy

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentUpdate

# The JSON-schema keyword (unknown to validators and forms, which ignore it) marking a
# field that names units: its choices are the registry's.
UNIT_FIELD = "xzzf_unit_field"


def with_choices(schema: dict, choices: list[str]) -> dict:
    """`schema` (a deployment's parameter schema) with every unit field limited to `choices`."""
    schema = copy.deepcopy(schema)
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        if not field.get(UNIT_FIELD):
            continue
        if field.get("type") == "array":
            field["items"] = {"type": "string", "enum": list(choices)}
        else:
            field["enum"] = list(choices)
            if name not in required:
                # An optional one's empty default ("": all units) is not a choice: the form
                # would start with a value the server refuses. Left out, the flow's default holds.
                field.pop("default", None)
    return schema


def offer_choices(choices: list[str]) -> list[str]:
    """Write `choices` into every deployment's unit fields where they differ; the names of
    the deployments changed."""
    changed = []
    with get_client(sync_client=True) as client:
        for deployment in client.read_deployments():
            schema = deployment.parameter_openapi_schema or {}
            wanted = with_choices(schema, choices)
            if wanted != schema:
                client.update_deployment(deployment.id, DeploymentUpdate(parameter_openapi_schema=wanted))
                changed.append(deployment.name)
    return changed
