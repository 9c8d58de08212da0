"""A boolean in a JSON body is ``true`` or ``false``, nothing else (QA, 2026-12-07: ``{"misuse_found": "yes"}``
turned an order's warranty to misuse and ``close_now: "yes"`` closed a new consultation; "no", "off", "t", 1
and 0.0 were read as booleans too). Query strings and form fields are text: ``?unassigned=true`` still works,
but only "true" or "false" (``approve=yes`` of an on-site quote answer was recorded as an approval)."""

from typing import Any

import pytest
from pydantic import BaseModel

from aftersales.accounts.choices import Role
from aftersales.core.api import Input, is_boolean
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.models import OrderEvent, ServiceOrder, Visit
from aftersales.service.tests.factories import make_order
from aftersales.tests.body_schemas import body_schemas, lax_fields, lax_schemas, text_schemas

JSON = "application/json"
NOT_BOOLEANS = ["yes", "no", "off", "t", "true", 1, 0, 0.0, "1", [], {}]


# ---- every body schema of the API ---------------------------------------------------------------------
def _lax_booleans(model: type[BaseModel]) -> list[str]:
    mixed = [
        f"{name} (a bool inside {field.annotation}: make it a field of its own)"
        for name, field in model.model_fields.items()
        if not is_boolean(field.annotation) and "bool" in str(field.annotation)
    ]
    return mixed + lax_fields(model, lambda field: NOT_BOOLEANS if is_boolean(field.annotation) else [], {"bool_type"})


def test_every_boolean_a_body_takes_is_a_json_boolean():
    schemas = body_schemas()
    lax = lax_schemas(schemas, _lax_booleans)
    booleans = [model for model in schemas if any(is_boolean(f.annotation) for f in model.model_fields.values())]

    assert len(schemas) > 100  # the walk found the bodies
    assert len(booleans) >= 20  # … and the booleans in them (close_now, misuse_found, covered, active, …)
    assert lax == {}, "derive these schemas from core.api.Input"


def test_every_body_schema_with_fields_is_an_input():
    # A body that is not an Input would take unknown fields and lax booleans; the devices' batch is a list
    # of raw messages, each checked on its own (devices/ingest.py).
    others = {
        f"{model.__module__}.{model.__name__}"
        for model in body_schemas()
        if not issubclass(model, Input) and model.model_fields
    }

    assert others == {"aftersales.devices.api.MessagesIn"}


@pytest.mark.parametrize("value", [True, False])
def test_a_json_boolean_is_still_taken(value):
    from aftersales.service.api import VisitPatch

    assert VisitPatch.model_validate({"misuse_found": value}).misuse_found is value
    assert VisitPatch.model_validate({"misuse_found": None}).misuse_found is None


# ---- through the API: a refusal names the field and writes nothing --------------------------------------
@pytest.fixture
def order(users: dict[str, Any], centre: Any) -> ServiceOrder:
    customer = CustomerFactory(service_center=centre)
    order = make_order(by=users[Role.AGENT], customer=customer, unit=UnitFactory(customer=customer))
    return services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yes", "no", "off", "t", 1, 0.0])
def test_misuse_found_that_is_not_a_boolean_answers_400_and_writes_nothing(value, order, users, api_client):
    visit = services.record_visit(order, by=users[Role.TECHNICIAN], diagnosis="轴承磨损")
    events = OrderEvent.objects.count()

    response = api_client(users[Role.TECHNICIAN]).patch(
        f"/api/v1/visits/{visit.pk}", {"misuse_found": value, "diagnosis": "改了"}, content_type=JSON
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], body["field"], body["errors"][0]["type"]) == ("invalid_input", "misuse_found", "bool_type")
    assert body["detail"] == "misuse_found: 请输入 true 或 false。"
    order.refresh_from_db()
    assert (order.warranty_covered, order.misuse_found) == (True, False)
    assert Visit.objects.get(pk=visit.pk).diagnosis == "轴承磨损"
    assert OrderEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_close_now_that_is_not_a_boolean_answers_400_and_opens_nothing(value, users, centre, api_client):
    customer = CustomerFactory(service_center=centre)
    body = {
        "kind": "consultation",
        "customer_id": customer.pk,
        "reporter_name": "王五",
        "reporter_phone": "139 0000 1111",
        "description": "怎么复位",
        "consultation_answer": "已电话指导复位",
        "close_now": value,
    }

    response = api_client(users[Role.AGENT]).post("/api/v1/orders", body, content_type=JSON)

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("invalid_input", "close_now")
    assert ServiceOrder.objects.count() == 0


@pytest.mark.django_db
def test_a_boolean_in_the_query_string_is_still_read(order, users, api_client):
    client = api_client(users[Role.AGENT])
    unassigned = make_order(by=users[Role.AGENT], customer=order.customer)

    assigned_ids = [row["id"] for row in client.get("/api/v1/orders?unassigned=false").json()["items"]]
    unassigned_ids = [row["id"] for row in client.get("/api/v1/orders?unassigned=true").json()["items"]]

    assert (assigned_ids, unassigned_ids) == ([order.pk], [unassigned.pk])


# ---- query strings and form fields: text, "true" or "false" -----------------------------------------------
TEXT_NOT_BOOLEANS = ["yes", "no", "on", "off", "1", "0", "t", "f", "y", "n", "True", "FALSE", "", "maybe"]


def _lax_text_booleans(model: type[BaseModel]) -> list[str]:
    return lax_fields(model, lambda field: TEXT_NOT_BOOLEANS if is_boolean(field.annotation) else [], {"bool_parsing"})


def test_every_boolean_of_a_query_string_or_form_is_true_or_false():
    # QA, 2026-12-07: POST /quotes/{id}/answer read approve=yes, on or 1 as an approval (a Form[bool]);
    # ?unread=yes passed as well. A boolean sent as text is "true" or "false" (core.api.TextBool).
    schemas = text_schemas()
    lax = lax_schemas(schemas, _lax_text_booleans)
    booleans = {name for model in schemas for name, f in model.model_fields.items() if is_boolean(f.annotation)}

    assert {"approve", "unread", "unassigned", "overdue", "current", "waiting", "expiring"} <= booleans
    assert lax == {}, "annotate these fields with core.api.TextBool"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yes", "1", "on"])
def test_a_query_boolean_that_is_not_true_or_false_answers_400(value, order, users, api_client):
    response = api_client(users[Role.AGENT]).get(f"/api/v1/orders?unassigned={value}")

    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], body["field"], body["errors"][0]["type"]) == ("invalid_input", "unassigned", "bool_parsing")
