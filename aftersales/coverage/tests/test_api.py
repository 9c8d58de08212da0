"""Coverage through the API: the decision for a unit, the sources, and the rules' endpoints."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.models import IdempotencyKey
from aftersales.coverage.models import LifetimeItem, SerialDateRule
from aftersales.coverage.tests.factories import LifetimeItemFactory, SerialDateRuleFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.installed_base.tests.factories import UnitFactory

JSON = "application/json"
D = datetime.date
MANAGERS = {Role.MANAGER, Role.ADMIN}


@pytest.fixture
def agent(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.AGENT])


@pytest.fixture
def manager(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.MANAGER])


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre)


@pytest.fixture
def model(db: Any) -> Any:
    return ProductModelFactory(code="LG-37", warranty_months=12)


# ---- GET /units/{id}/warranty -------------------------------------------------------------------
@pytest.mark.django_db
def test_warranty_of_unit_for_a_given_day(agent, customer):
    unit = UnitFactory(
        customer=customer,
        product_model=ProductModelFactory(warranty_months=12),
        purchase_date=datetime.date(2025, 3, 10),
    )

    inside = agent.get(f"/api/v1/units/{unit.pk}/warranty", {"on": "2026-03-10"}).json()
    after = agent.get(f"/api/v1/units/{unit.pk}/warranty", {"on": "2026-03-11"}).json()

    assert (inside["covered"], inside["until"]) == (True, "2026-03-10")
    assert (inside["start"], inside["source"], inside["on"]) == ("2025-03-10", "warranty_months", "2026-03-10")
    assert (after["covered"], after["reason"]) == (False, "expired")


@pytest.mark.django_db
def test_warranty_of_unit_bad_day_answers_400(agent, customer):
    unit = UnitFactory(customer=customer)

    response = agent.get(f"/api/v1/units/{unit.pk}/warranty", {"on": "tomorrow"})

    assert response.status_code == 400
    assert response.json()["field"] == "on"


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "field"), [({"kind": "k" * 21}, "kind"), ({"item": "i" * 41}, "item")])
def test_warranty_of_unit_too_long_parameter_answers_400(agent, customer, params, field):
    unit = UnitFactory(customer=customer)

    response = agent.get(f"/api/v1/units/{unit.pk}/warranty", params)

    assert (response.status_code, response.json()["field"]) == (400, field)


@pytest.mark.django_db
def test_warranty_of_a_listed_item_is_lifetime(agent, customer, model):
    unit = UnitFactory(customer=customer, product_model=model, purchase_date=D(2015, 1, 5))
    LifetimeItemFactory(product_model=model, code="FRAME", name="机架")

    body = agent.get(f"/api/v1/units/{unit.pk}/warranty", {"on": "2026-01-01", "item": "frame"}).json()

    assert (body["covered"], body["reason"], body["source"], body["item"]) == (
        True,
        "lifetime",
        "lifetime_item",
        "FRAME",
    )


@pytest.mark.django_db
def test_warranty_of_another_centres_unit_answers_404(other_centre, api_client):
    unit = UnitFactory()
    outsider = UserFactory(role=Role.AGENT, service_center=other_centre)

    response = api_client(outsider).get(f"/api/v1/units/{unit.pk}/warranty")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.django_db
def test_sources_are_listed_in_the_order_they_are_asked(agent):
    body = agent.get("/api/v1/coverage/sources").json()

    assert [s["key"] for s in body][:3] == ["override", "misuse", "no_unit"]
    assert [s["precedence"] for s in body] == sorted(s["precedence"] for s in body)


# ---- serial-date rules --------------------------------------------------------------------------
def rule_body(model: Any, **overrides: Any) -> dict[str, Any]:
    return {"product_model_id": model.pk, "date_position": 3, "date_format": "YYMM", "grace_months": 3, **overrides}


@pytest.mark.django_db
def test_create_serial_date_rule_answers_201_and_it_decides(manager, model, customer):
    response = manager.post("/api/v1/coverage/serial-date-rules", rule_body(model), content_type=JSON)

    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "product_model_id": model.pk,
        "product_model_code": "LG-37",
        "serial_prefix": "",
        "date_position": 3,
        "date_format": "YYMM",
        "grace_months": 3,
        "is_active": True,
        "note": "",
    }
    unit = UnitFactory(
        customer=customer, product_model=model, serial_number="AB2403X1", purchase_date=None, proof_reference=""
    )
    decision = manager.get(f"/api/v1/units/{unit.pk}/warranty", {"on": "2025-06-01"}).json()
    assert (decision["covered"], decision["source"], decision["until"]) == (True, "serial_date", "2025-06-01")


@pytest.mark.django_db
def test_create_serial_date_rule_is_idempotent(manager, model):
    headers = {"HTTP_IDEMPOTENCY_KEY": "rule-1"}
    first = manager.post("/api/v1/coverage/serial-date-rules", rule_body(model), content_type=JSON, **headers)
    again = manager.post("/api/v1/coverage/serial-date-rules", rule_body(model), content_type=JSON, **headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert (SerialDateRule.objects.count(), IdempotencyKey.objects.count()) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"date_format": "MMYY"}, 400, "invalid_input", "date_format"),
        ({"date_position": 0}, 400, "invalid_input", "date_position"),
        ({"date_position": 62}, 400, "out_of_range", "date_position"),
        ({"grace_months": 61}, 400, "invalid_input", "grace_months"),
        ({"product_model_id": None}, 400, "scope_required", "serial_prefix"),
        ({"serial_prefix": "X" * 21}, 400, "invalid_input", "serial_prefix"),
        ({"colour": "red"}, 400, "invalid_input", "colour"),
        ({"product_model_id": 999999}, 404, "not_found", "product_model_id"),
    ],
)
def test_create_serial_date_rule_bad_input_answers_4xx_and_writes_nothing(
    manager, model, overrides, status, code, field
):
    response = manager.post("/api/v1/coverage/serial-date-rules", rule_body(model, **overrides), content_type=JSON)

    assert response.status_code == status, response.content
    assert (response.json()["code"], response.json().get("field")) == (code, field)
    assert (SerialDateRule.objects.count(), Activity.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_create_serial_date_rule_twice_answers_409(manager, model):
    manager.post("/api/v1/coverage/serial-date-rules", rule_body(model), content_type=JSON)

    response = manager.post("/api/v1/coverage/serial-date-rules", rule_body(model), content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (409, "duplicate_rule")


@pytest.mark.django_db
def test_update_serial_date_rule_switches_it_off(manager, model):
    rule = SerialDateRuleFactory(product_model=model)

    response = manager.put(
        f"/api/v1/coverage/serial-date-rules/{rule.pk}", rule_body(model, is_active=False), content_type=JSON
    )

    assert (response.status_code, response.json()["is_active"]) == (200, False)
    rule.refresh_from_db()
    assert rule.is_active is False


@pytest.mark.django_db
def test_update_unknown_rule_answers_404(manager, model):
    response = manager.put("/api/v1/coverage/serial-date-rules/999999", rule_body(model), content_type=JSON)

    assert response.status_code == 404


@pytest.mark.django_db
def test_serial_date_rule_list_pages_and_filters_in_constant_queries(agent, model):
    SerialDateRuleFactory(product_model=model)
    agent.get("/api/v1/coverage/serial-date-rules")  # the token's first use writes once
    with CaptureQueriesContext(connection) as few:
        agent.get("/api/v1/coverage/serial-date-rules")
    SerialDateRuleFactory.create_batch(4)
    SerialDateRuleFactory(product_model=None, serial_prefix="HX")

    with CaptureQueriesContext(connection) as many:
        body = agent.get("/api/v1/coverage/serial-date-rules", {"limit": 3}).json()
    rest = agent.get("/api/v1/coverage/serial-date-rules", {"limit": 3, "cursor": body["next_cursor"]}).json()
    filtered = agent.get("/api/v1/coverage/serial-date-rules", {"product_model_id": model.pk}).json()

    assert len(many) == len(few)
    assert len(body["items"]) + len(rest["items"]) == 6
    assert [r["product_model_code"] for r in filtered["items"]] == ["LG-37"]


@pytest.mark.django_db
def test_serial_date_rule_list_bad_limit_answers_400(agent):
    response = agent.get("/api/v1/coverage/serial-date-rules", {"limit": 0})

    assert (response.status_code, response.json()["code"]) == (400, "invalid_limit")


# ---- lifetime-covered items ---------------------------------------------------------------------
@pytest.mark.django_db
def test_create_and_update_lifetime_item(manager, model):
    created = manager.post(
        "/api/v1/coverage/lifetime-items",
        {"product_model_id": model.pk, "code": "frame", "name": "机架"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]

    updated = manager.put(
        f"/api/v1/coverage/lifetime-items/{item_id}",
        {"product_model_id": model.pk, "code": "FRAME", "name": "机架（铸铁）", "is_active": True},
        content_type=JSON,
    )

    assert (created.json()["code"], updated.json()["name"]) == ("FRAME", "机架（铸铁）")
    assert manager.get(f"/api/v1/coverage/lifetime-items/{item_id}").json()["name"] == "机架（铸铁）"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"code": "", "name": "机架"}, 400, "required", "code"),
        ({"code": "C" * 41, "name": "机架"}, 400, "invalid_input", "code"),
        ({"code": "FRAME"}, 400, "invalid_input", "name"),
        ({"code": "FRAME", "name": "机架", "product_model_id": 999999}, 404, "not_found", "product_model_id"),
    ],
)
def test_create_lifetime_item_bad_input_answers_4xx_and_writes_nothing(manager, model, body, status, code, field):
    response = manager.post(
        "/api/v1/coverage/lifetime-items", {"product_model_id": model.pk, **body}, content_type=JSON
    )

    assert response.status_code == status, response.content
    assert (response.json()["code"], response.json().get("field")) == (code, field)
    assert LifetimeItem.objects.count() == 0


@pytest.mark.django_db
def test_lifetime_item_list_in_constant_queries(agent, model):
    LifetimeItemFactory(product_model=model)
    agent.get("/api/v1/coverage/lifetime-items")  # the token's first use writes once
    with CaptureQueriesContext(connection) as few:
        agent.get("/api/v1/coverage/lifetime-items")
    LifetimeItemFactory.create_batch(5)

    with CaptureQueriesContext(connection) as many:
        body = agent.get("/api/v1/coverage/lifetime-items").json()

    assert len(many) == len(few)
    assert len(body["items"]) == 6


# ---- who may do what ----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_reads_the_rules_and_only_managers_write(role, users, api_client, model):
    client = api_client(users[role])
    rule = SerialDateRuleFactory(product_model=ProductModelFactory())
    item = LifetimeItemFactory(product_model=model)

    reads = [
        client.get("/api/v1/coverage/sources"),
        client.get("/api/v1/coverage/serial-date-rules"),
        client.get(f"/api/v1/coverage/serial-date-rules/{rule.pk}"),
        client.get("/api/v1/coverage/lifetime-items"),
        client.get(f"/api/v1/coverage/lifetime-items/{item.pk}"),
    ]
    writes = [
        client.post("/api/v1/coverage/serial-date-rules", rule_body(model), content_type=JSON),
        client.put(
            f"/api/v1/coverage/serial-date-rules/{rule.pk}",
            rule_body(rule.product_model, grace_months=1),
            content_type=JSON,
        ),
        client.post(
            "/api/v1/coverage/lifetime-items",
            {"product_model_id": model.pk, "code": "X", "name": "x"},
            content_type=JSON,
        ),
        client.put(
            f"/api/v1/coverage/lifetime-items/{item.pk}",
            {"product_model_id": model.pk, "code": item.code, "name": "y"},
            content_type=JSON,
        ),
    ]

    assert [r.status_code for r in reads] == [200] * 5
    expected = [201, 200, 201, 200] if role in MANAGERS else [403] * 4
    assert [r.status_code for r in writes] == expected


@pytest.mark.django_db
def test_the_rules_need_a_signed_in_caller(client):
    assert client.get("/api/v1/coverage/serial-date-rules").status_code == 401
