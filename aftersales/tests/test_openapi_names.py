"""Each schema the OpenAPI document names is one schema. Ninja builds each operation's schemas on their
own and merges them into ``components`` by class name, so two apps' ``TransitionIn`` (the order's and the
quality case's) left one of them documenting both: ``/orders/{id}/transitions`` was documented with the
quality case's body, ``/exchanges/{id}/decision`` with ``reason`` for ``note``, and ``make fuzz`` generated
its requests from those wrong bodies (32 names, found by hand on 2026-12-06)."""

import json
from collections import defaultdict

from ninja.openapi.schema import OpenAPISchema

from aftersales.api import api


def test_no_two_schemas_share_a_name(monkeypatch):
    definitions: dict[str, set[str]] = defaultdict(set)
    merge = OpenAPISchema.add_schema_definitions

    def record(self: OpenAPISchema, found: dict) -> None:
        for name, schema in found.items():
            definitions[name].add(json.dumps(schema, sort_keys=True))
        merge(self, found)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    api.get_openapi_schema(path_prefix="/api/v1")

    assert len(definitions) > 100  # the recording saw the document's schemas
    shared = sorted(name for name, schemas in definitions.items() if len(schemas) > 1)
    assert shared == [], f"one name for different schemas: {shared} (give each class a name of its own)"


def test_an_order_transition_is_documented_with_the_orders_body():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    body = schema["paths"]["/api/v1/orders/{order_id}/transitions"]["post"]["requestBody"]["content"]
    name = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    assert name == "TransitionIn"
    assert "design_change_ref" not in schema["components"]["schemas"][name]["properties"]
