"""Every time the API answers is Asia/Shanghai with ``+08:00``: never ``Z`` in one field and
``+08:00`` in the next (core/renderers.py). The fields are found from the OpenAPI schema."""

import datetime
import re
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.api import api
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.tests.factories import make_order

JSON = "application/json"
# An ISO time anywhere in a body, also inside free-form data (an event's old → new).
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def described_times(value: Any, schema: dict[str, Any], components: dict[str, Any], path: str = "") -> list[tuple]:
    """(path, value) of every value the schema describes as ``format: date-time``."""
    schema = _resolve(schema, components)
    found: list[tuple] = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        found += described_times(value, option, components, path)
    if value is None:
        return found
    if schema.get("format") == "date-time":
        found.append((path, value))
    if isinstance(value, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += described_times(value[name], sub, components, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += described_times(item, schema["items"], components, f"{path}[{index}]")
    return found


def every_string(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in every_string(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in every_string(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) else []


def response_schema(openapi: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    responses = openapi["paths"][path][method]["responses"]
    answer = responses.get(status) or responses[str(status)]
    return answer["content"]["application/json"]["schema"]


@pytest.mark.django_db
def test_every_time_in_the_answers_is_shanghai_time(users, centre, api_client):
    manager = users[Role.MANAGER]
    customer = CustomerFactory(service_center=centre)
    unit = UnitFactory(customer=customer)
    received = timezone.now() - datetime.timedelta(days=2)  # in UTC, as a client in another zone may send it
    order = make_order(by=users[Role.AGENT], customer=customer, unit=unit, received_at=received)
    order = services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    services.record_visit(order, by=users[Role.TECHNICIAN], arrived_at=timezone.now() - datetime.timedelta(hours=1))
    services.extend_due(order, by=manager, working_days=2, reason="等待配件")
    client = api_client(manager)
    created = client.post(
        "/api/v1/orders",
        {
            "kind": "repair",
            "customer_id": customer.pk,
            "reporter_name": "王五",
            "reporter_phone": "13900001111",
            "description": "异响",
            "received_at": received.isoformat(),  # "+00:00"
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    openapi = api.get_openapi_schema()
    components = openapi["components"]["schemas"]
    calls = [
        ("/api/v1/orders", "post", 201, created),
        ("/api/v1/orders", "get", 200, client.get("/api/v1/orders")),
        ("/api/v1/orders/{order_id}", "get", 200, client.get(f"/api/v1/orders/{order.pk}")),
        ("/api/v1/orders/{order_id}/events", "get", 200, client.get(f"/api/v1/orders/{order.pk}/events")),
        ("/api/v1/orders/{order_id}/visits", "get", 200, client.get(f"/api/v1/orders/{order.pk}/visits")),
        ("/api/v1/units/{unit_id}", "get", 200, client.get(f"/api/v1/units/{unit.pk}")),
        ("/api/v1/auth/tokens", "get", 200, client.get("/api/v1/auth/tokens")),
        ("/api/v1/notifications", "get", 200, api_client(users[Role.TECHNICIAN]).get("/api/v1/notifications")),
    ]

    checked = 0
    for path, method, status, response in calls:
        assert response.status_code == status, (path, response.content)
        body = response.json()
        times = described_times(body, response_schema(openapi, path, method, status), components)
        for where, value in times:
            assert value.endswith("+08:00"), (path, where, value)
        checked += len(times)
        for where, text in every_string(body):
            if ISO_TIME.match(text):
                assert text.endswith("+08:00"), (path, where, text)
    assert checked >= 20  # the walk found the times (received, due, created, arrived, token use …)


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 2, 12, 15, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 2, 12, 15, 0, 0, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 2, 12, 23, 59, 59, 999, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.datetime(2026, 2, 12, 15, 0, 7),  # naive: left as it is
        datetime.datetime(2026, 2, 12, 15, 0, 7, 5),
    ],
)
def test_json_time_writes_what_the_encoder_of_django_writes_for_the_local_time(value):
    """The order list writes its times with json_time (service/list_rows.py); the renderer's encoder
    writes every other time the same way: Django's format of the time in Asia/Shanghai."""
    from django.core.serializers.json import DjangoJSONEncoder

    from aftersales.core.renderers import LocalTimeEncoder, json_time, local_time

    expected = DjangoJSONEncoder().default(local_time(value))
    assert json_time(value) == LocalTimeEncoder().default(value) == expected
    if timezone.is_aware(value):
        assert expected.endswith("+08:00")
        with override_settings(TIME_ZONE="UTC"):  # a zero offset: the encoder's "Z"
            assert json_time(value) == DjangoJSONEncoder().default(local_time(value))
            assert json_time(value).endswith("Z")


def test_decimals_are_written_without_an_exponent():
    """Found by hand, 2026-12-06: a stock receipt of "1e3" answered "quantity": "1E+3" (the list showed
    "1000.000"); Django's encoder writes str(), which keeps the exponent of the input."""
    import json
    from decimal import Decimal

    from aftersales.core.renderers import LocalTimeEncoder

    written = json.loads(
        json.dumps({"a": Decimal("1E+3"), "b": Decimal("150.00"), "c": Decimal("0E-2")}, cls=LocalTimeEncoder)
    )

    assert written == {"a": "1000", "b": "150.00", "c": "0.00"}
