"""Lists and details run a constant number of SQL queries whatever the number of rows (no N+1)."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_api_visits import image_file


def queries(client: Any, path: str, params: dict[str, Any] | None = None) -> int:
    client.get(path, params or {})  # warm caches (content types, translations) outside the count
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def add_orders(n: int, *, centre: Any, users: dict[str, Any]) -> list[Any]:
    """``n`` orders, each with its own customer, unit and technician, assigned (so every relation is set)."""
    orders = []
    for _ in range(n):
        customer = CustomerFactory(service_center=centre)
        tech = UserFactory(role=Role.TECHNICIAN, service_center=centre)
        order = make_order(by=users[Role.AGENT], customer=customer, unit=UnitFactory(customer=customer))
        orders.append(services.assign_technician(order, by=users[Role.DISPATCHER], technician=tech))
    return orders


@pytest.mark.django_db
def test_order_list_query_count_is_constant(centre, users, api_client):
    client = api_client(users[Role.AGENT])
    add_orders(3, centre=centre, users=users)
    few = queries(client, "/api/v1/orders", {"limit": 100})

    add_orders(27, centre=centre, users=users)
    many = queries(client, "/api/v1/orders", {"limit": 100})

    assert len(client.get("/api/v1/orders", {"limit": 100}).json()["items"]) == 30
    assert many == few


@pytest.mark.django_db
def test_order_list_with_filters_query_count_is_constant(centre, users, api_client):
    client = api_client(users[Role.DISPATCHER])
    # Every filter matches every order built below ("有限公司" is in each customer's name).
    params = {"status": ["dispatched", "new"], "sla_state": "on_track", "q": "有限公司", "limit": 100}
    add_orders(3, centre=centre, users=users)
    few = queries(client, "/api/v1/orders", params)

    add_orders(27, centre=centre, users=users)
    many = queries(client, "/api/v1/orders", params)

    assert len(client.get("/api/v1/orders", params).json()["items"]) == 30  # the filters match every row
    assert many == few


@pytest.mark.django_db
def test_order_list_for_technician_query_count_is_constant(centre, users, api_client):
    tech = users[Role.TECHNICIAN]
    client = api_client(tech)

    def assign(n: int) -> None:
        for order in add_orders(n, centre=centre, users=users):
            services.assign_technician(order, by=users[Role.DISPATCHER], technician=tech, reason="调整")

    assign(3)
    few = queries(client, "/api/v1/orders", {"limit": 100})
    assign(27)
    many = queries(client, "/api/v1/orders", {"limit": 100})

    assert many == few


@pytest.mark.django_db
def test_order_detail_query_count_does_not_grow_with_helpers(centre, users, api_client):
    client = api_client(users[Role.AGENT])
    lone, crowded = add_orders(2, centre=centre, users=users)
    helpers = [UserFactory(role=Role.TECHNICIAN, service_center=centre) for _ in range(5)]
    services.assign_technician(
        crowded, by=users[Role.DISPATCHER], technician=crowded.technician, helpers=helpers, reason="加派"
    )

    assert queries(client, f"/api/v1/orders/{crowded.pk}") == queries(client, f"/api/v1/orders/{lone.pk}")


@pytest.mark.django_db
def test_order_events_query_count_is_constant(centre, users, api_client):
    client = api_client(users[Role.AGENT])
    short, long = add_orders(2, centre=centre, users=users)
    for i in range(10):
        actor = UserFactory(role=Role.AGENT, service_center=centre)
        services.update_order(long, by=actor, expected_version=None, changes={"description": f"补充说明 {i}"})
        long.refresh_from_db()

    assert queries(client, f"/api/v1/orders/{long.pk}/events") == queries(client, f"/api/v1/orders/{short.pk}/events")


@pytest.mark.django_db
def test_order_visits_query_count_is_constant(centre, users, api_client):
    client = api_client(users[Role.MANAGER])
    one, other = add_orders(2, centre=centre, users=users)
    services.record_visit(one, by=users[Role.MANAGER])
    for _ in range(5):  # one record open at a time: each return visit after the last was signed
        visit = services.record_visit(other, by=users[Role.MANAGER])
        services.sign_visit(visit, by=users[Role.MANAGER], signer_name="王五", image=image_file())

    assert queries(client, f"/api/v1/orders/{other.pk}/visits") == queries(client, f"/api/v1/orders/{one.pk}/visits")


def add_customers(n: int, *, centre: Any) -> None:
    for _ in range(n):
        customer = CustomerFactory(service_center=centre)
        ContactFactory(customer=customer)
        ContactFactory(customer=customer)
        SiteFactory(customer=customer)
        UnitFactory(customer=customer)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/units"])
def test_customer_and_unit_lists_query_count_is_constant(path, centre, users, api_client):
    client = api_client(users[Role.AGENT])
    add_customers(3, centre=centre)
    few = queries(client, path, {"limit": 100})

    add_customers(27, centre=centre)
    many = queries(client, path, {"limit": 100})

    assert len(client.get(path, {"limit": 100}).json()["items"]) == 30
    assert many == few


@pytest.mark.django_db
def test_technicians_query_count_is_constant(centre, users, api_client):
    client = api_client(users[Role.DISPATCHER])
    add_orders(3, centre=centre, users=users)
    few = queries(client, "/api/v1/technicians")

    add_orders(27, centre=centre, users=users)
    many = queries(client, "/api/v1/technicians")

    assert many == few


@pytest.mark.django_db
def test_order_list_query_count_has_a_ceiling(centre, users, api_client):
    # Auth, the page, nothing per row: a jump here means a new query crept into every list call.
    client = api_client(users[Role.AGENT])
    add_orders(5, centre=centre, users=users)

    assert queries(client, "/api/v1/orders") <= 3


@pytest.mark.django_db
def test_opening_an_order_through_the_api_runs_eight_statements(centre, users, api_client):
    """benchmarks/README.md "create": the token, the unit with its customer (one query), the unit's
    live contracts (the contract coverage source), the day's counter, the order and its event; on
    PostgreSQL the counter is incremented by the order's INSERT (core.bulk.insert_numbered). Then the
    reporter's "order received" SMS (service.services.customer_sms): the outbox message (one INSERT
    … ON CONFLICT (key) DO NOTHING, core.bulk.insert_new) and its line on the customer's contact log
    (care, given the order the SMS is about); the SMS switches and the company profile that signs it
    come from the cache. Eight, seven on PostgreSQL (six and five before the SMS; eleven and ten with
    a key read first, savepoints and the order read again). The SLA policies and the calendar come from the cache; an
    order just opened has no helpers and no visits, so its answer reads none. The unit has its site, as
    the benchmark's units do (a unit without one costs one query more: the customer's only site,
    open_order)."""
    from aftersales.customers.tests.factories import SiteFactory

    client = api_client(users[Role.AGENT])
    customer = CustomerFactory(service_center=centre)
    unit = UnitFactory(customer=customer, site=SiteFactory(customer=customer))
    body = {
        "kind": "repair",
        "customer_id": customer.pk,
        "unit_id": unit.pk,
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
        "description": "设备无法启动",
    }
    assert client.post("/api/v1/orders", body, content_type="application/json").status_code == 201  # warm caches

    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/orders", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["helpers"] == []
    assert "accepted" in response.json()["allowed_transitions"]
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == (7 if connection.vendor == "postgresql" else 8), "\n".join(statements)
