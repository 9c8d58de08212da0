"""The order list's fast path (service/list_rows.py) answers exactly what ``OrderListOut`` would for
the same orders: every field, the nested references and every SLA field, byte for byte."""

import datetime
import json

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.pagination import Page
from aftersales.core.renderers import render_response
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import selectors, services
from aftersales.service.api import OrderListOut, OrderPage
from aftersales.service.choices import OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order


@pytest.fixture
def orders(centre, users):
    agent = users[Role.AGENT]
    now = timezone.now()
    latin = UserFactory(role=Role.TECHNICIAN, service_center=centre, first_name="Wei", last_name="Zhang")
    chinese = UserFactory(role=Role.TECHNICIAN, service_center=centre, first_name="伟", last_name="张")
    unnamed = UserFactory(role=Role.TECHNICIAN, service_center=centre, first_name="", last_name="")
    made = [
        make_order(by=agent, customer=CustomerFactory(service_center=centre, name="上海华通机电有限公司")),
        make_order(by=agent, customer=CustomerFactory(service_center=centre), with_unit=False, kind=OrderKind.CONSULTATION),
        # Received days ago: the response clock has run out (overdue), the resolution clock still runs.
        make_order(by=agent, customer=CustomerFactory(service_center=centre), received_at=now - datetime.timedelta(days=3)),
        make_order(by=agent, customer=CustomerFactory(service_center=centre), received_at=now - datetime.timedelta(days=20)),
        make_order(
            by=agent,
            customer=CustomerFactory(service_center=centre),
            kind=OrderKind.CONSULTATION,
            consultation_answer="已电话指导",
            close_now=True,
        ),
    ]  # fmt: skip
    for order, technician in zip(made[:3], (latin, chinese, unnamed), strict=True):
        services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    services.transition_order(made[3], to=OrderStatus.ACCEPTED, by=users[Role.DISPATCHER])
    # An order at risk: its at-risk time has passed, its due time has not.
    ServiceOrder.objects.filter(pk=made[0].pk).update(
        at_risk_at=now - datetime.timedelta(hours=1), due_at=now + datetime.timedelta(days=1)
    )
    return made


def _schema_answer(request_user, params: dict) -> dict:
    """What Ninja answers through OrderPage for the same page (model instances, validation, renderer)."""
    queryset = selectors.order_list(user=request_user).order_by("-id")
    rows = list(queryset[: params.get("limit", 25)])
    page = OrderPage.from_orm(Page(items=rows, next_cursor=None))
    return json.loads(render_response(None, page.model_dump()).content)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AGENT, Role.GENERAL_MANAGER, Role.TECHNICIAN])
def test_the_fast_list_answers_exactly_what_the_schema_answers(orders, users, api_client, role):
    response = api_client(users[role]).get("/api/v1/orders")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = response.json()
    assert answer == _schema_answer(users[role], {})
    if role != Role.TECHNICIAN:
        assert len(answer["items"]) == 5
        assert set(answer["items"][0]) == set(OrderListOut.model_fields)
        states = {item["sla"]["state"] for item in answer["items"]}
        assert {"on_track", "at_risk", "overdue", "done"} <= states, states


@pytest.mark.django_db
def test_the_fast_list_pages_with_the_same_cursor(orders, users, api_client):
    client = api_client(users[Role.AGENT])

    first = client.get("/api/v1/orders", {"limit": 2}).json()
    second = client.get("/api/v1/orders", {"limit": 2, "cursor": first["next_cursor"]}).json()

    ids = [order.pk for order in sorted(orders, key=lambda o: -o.pk)]
    assert [item["id"] for item in first["items"]] == ids[:2]
    assert [item["id"] for item in second["items"]] == ids[2:4]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"kind": "repair", "with_unit": True},
        {"kind": "installation", "with_unit": False, "priority": "urgent"},
        {"kind": "consultation", "with_unit": False, "consultation_answer": "已电话指导", "close_now": True},
    ],
    ids=["repair of a unit", "no unit", "consultation closed at once"],
)
def test_the_order_just_opened_answers_exactly_what_the_schema_answers(centre, users, api_client, body):
    from types import SimpleNamespace

    from aftersales.installed_base.tests.factories import UnitFactory
    from aftersales.service.api import OrderOut

    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    payload = {k: v for k, v in body.items() if k != "with_unit"} | {
        "customer_id": customer.pk,
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
        "description": "设备无法启动",
    }
    if body["with_unit"]:
        payload["unit_id"] = UnitFactory(customer=customer).pk
    client = api_client(agent)

    response = client.post("/api/v1/orders", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    replay = client.post("/api/v1/orders", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    order = ServiceOrder.objects.get(pk=response.json()["id"])
    schema = OrderOut.from_orm(order, context={"request": SimpleNamespace(user=agent)})
    assert response.json() == json.loads(render_response(None, schema.model_dump()).content)
    assert set(response.json()) == set(OrderOut.model_fields)
    assert replay.status_code == 201 and replay.json() == response.json()


@pytest.mark.django_db
def test_every_row_of_a_page_is_judged_at_one_instant(centre, users, monkeypatch):
    """A page whose respond-by time falls while it is written: no row may say overdue while the row
    before it, due at the same moment, says at risk (one ``now`` per page, not one per field)."""
    from aftersales.service.api import ORDER_ROWS
    from aftersales.service.list_rows import values_base

    agent = users[Role.AGENT]
    made = [make_order(by=agent, customer=CustomerFactory(service_center=centre)) for _ in range(3)]
    respond_by = timezone.now() + datetime.timedelta(hours=1)
    ServiceOrder.objects.filter(pk__in=[o.pk for o in made]).update(respond_by=respond_by)
    ticks = iter(respond_by + datetime.timedelta(seconds=n) for n in range(-1, 100))  # each call one second on
    monkeypatch.setattr(timezone, "now", lambda: next(ticks))

    rows = ORDER_ROWS.rows(values_base().filter(pk__in=[o.pk for o in made]).order_by("-id"))

    assert [row["sla"]["response_state"] for row in rows] == ["at_risk"] * 3
    assert {row["sla"]["state"] for row in rows} == {"at_risk"}


def test_resolvers_are_given_the_context_as_ninja_gives_it():
    """Ninja passes the context, by keyword, to a resolver with a ``context`` parameter or ``**kwargs``."""
    import types

    from ninja import Schema

    from aftersales.service.list_rows import RowWriter

    class Probe(Schema):
        a: str
        b: str
        c: str

        @staticmethod
        def resolve_a(obj, **kwargs) -> str:
            return kwargs["context"]["who"]

        @staticmethod
        def resolve_b(obj, *, context) -> str:
            return context["who"] + obj.x

        @staticmethod
        def resolve_c(obj) -> str:
            return obj.x

    obj, context = types.SimpleNamespace(x="!"), {"who": "me"}
    writer = RowWriter(Probe)

    expected = Probe.from_orm(obj, context=context).model_dump()
    assert expected == {"a": "me", "b": "me!", "c": "!"}
    assert writer.write(obj, context) == writer.one(obj, context) == expected


@pytest.mark.django_db
def test_the_list_does_not_read_the_columns_no_row_shows(orders, users, api_client):
    """The problem description and the answer given (up to 5,000 characters each) are not in a list row:
    the page's SELECT leaves them out, with the other columns of ``NOT_READ``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.service.list_rows import NOT_READ

    with CaptureQueriesContext(connection) as captured:
        response = api_client(users[Role.AGENT]).get("/api/v1/orders")

    assert response.status_code == 200 and len(response.json()["items"]) == 5
    (page,) = [q["sql"] for q in captured.captured_queries if '"service_serviceorder"."reporter_phone"' in q["sql"]]
    assert {"description", "consultation_answer"} <= NOT_READ
    assert [column for column in sorted(NOT_READ) if f'"service_serviceorder"."{column}"' in page] == []


@pytest.mark.django_db
@pytest.mark.parametrize("search", ["name", "received date"])
def test_a_search_reads_the_page_ids_alone_then_the_rows_by_id(orders, users, api_client, search):
    """A page planned for its values (a search, a received-date range) is read as its ids from the order
    table alone, then the rows by id: the same rows, in the same order, as the unfiltered list has them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(users[Role.AGENT])
    everything = {item["id"]: item for item in client.get("/api/v1/orders").json()["items"]}
    if search == "name":
        params, expected = {"q": "华通"}, [orders[0].pk]
    else:
        since = timezone.localdate() - datetime.timedelta(days=5)
        params = {"received_from": since.isoformat()}
        expected = sorted((o.pk for o in orders if o.received_at.date() >= since), reverse=True)
    assert 0 < len(expected) < len(orders)

    with CaptureQueriesContext(connection) as captured:
        answer = client.get("/api/v1/orders", params).json()

    assert answer["items"] == [everything[pk] for pk in expected]
    pages = [
        q["sql"] for q in captured.captured_queries if "service_serviceorder" in q["sql"] and "LIMIT 26" in q["sql"]
    ]
    assert len(pages) == 1 and "JOIN" not in pages[0], pages
    assert pages[0].startswith('SELECT "service_serviceorder"."id" AS "id" FROM "service_serviceorder" ')
    (rows,) = [q["sql"] for q in captured.captured_queries if '"service_serviceorder"."reporter_phone" AS' in q["sql"]]
    assert (
        '"service_serviceorder"."id" = ANY(' in rows or '"service_serviceorder"."id" IN (' in rows
    ) and "LIMIT" not in rows


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["the technician", "a manager filtering by them"])
@pytest.mark.parametrize(
    ("statuses", "ids_first"),
    [([], True), (["dispatched", "accepted"], True), (["dispatched"], False)],
    ids=["any status", "two statuses", "one status"],
)
def test_one_technicians_page_is_read_as_its_ids_first_unless_of_one_status(
    orders, users, api_client, who, statuses, ids_first
):
    """One technician's orders (their own scope, or ``?technician=``) of any status or several are read as
    their ids first, from the order table alone, then the rows by id: a generic plan of the joined page
    walked every order for a technician just hired (benchmarks/README.md, "Other scopes"). Of one status
    the joined page is one statement. The rows are the same either way, in the same order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    technician = ServiceOrder.objects.get(pk=orders[0].pk).technician
    services.assign_technician(orders[3], by=users[Role.DISPATCHER], technician=technician)  # accepted -> dispatched
    manager = api_client(users[Role.GENERAL_MANAGER])
    everything = manager.get("/api/v1/orders").json()["items"]
    expected = [
        item
        for item in everything
        if (item["technician"] or {}).get("id") == technician.pk and (not statuses or item["status"] in statuses)
    ]
    assert len(expected) == 2 and len(everything) == 5
    if who == "the technician":
        client, params = api_client(technician), {"status": statuses}
    else:
        client, params = manager, {"status": statuses, "technician": technician.pk}

    with CaptureQueriesContext(connection) as captured:
        answer = client.get("/api/v1/orders", params).json()

    assert answer["items"] == expected
    pages = [
        q["sql"] for q in captured.captured_queries if "service_serviceorder" in q["sql"] and "LIMIT 26" in q["sql"]
    ]
    # Several statuses on SQLite: one short read per status, merged (core.pagination.keyset_page).
    assert len(pages) == (len(statuses) if len(statuses) > 1 and connection.vendor == "sqlite" else 1), pages
    by_id = [q["sql"] for q in captured.captured_queries if '"service_serviceorder"."reporter_phone" AS' in q["sql"]]
    if ids_first:
        assert all(
            page.startswith('SELECT "service_serviceorder"."id" AS "id" FROM "service_serviceorder" ') for page in pages
        )
        # The parts' ids are merged first: the rows are read once, whatever the number of parts.
        assert not any("JOIN" in page for page in pages) and len(by_id) == 1
        assert not any("LIMIT" in rows for rows in by_id)
    else:
        assert "JOIN" in pages[0] and by_id == pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statuses", [[], ["dispatched"], ["dispatched", "accepted"]], ids=["any status", "one status", "two statuses"]
)
def test_a_technician_who_helps_reads_their_orders_and_the_ones_they_help_on_as_two_pages_merged(
    orders, users, api_client, statuses
):
    """A technician who helps on orders sees the orders assigned to them and those they help on. Their
    page is not read as one ``OR`` (its page, sorted by id, walked the primary key past every other order:
    27 ms at 1,000,000) but as a page of ids from each condition, merged, then the rows by id: the same
    rows in the same order, an order in both (assigned and helped on) once, paging to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    technician = ServiceOrder.objects.get(pk=orders[0].pk).technician
    dispatcher = users[Role.DISPATCHER]
    services.assign_technician(orders[3], by=dispatcher, technician=technician)  # accepted -> dispatched
    orders[1].helpers.add(technician)  # dispatched to another technician
    orders[0].helpers.add(technician)  # assigned to them as well
    orders[4].helpers.add(UserFactory(role=Role.TECHNICIAN, service_center=orders[4].service_center))  # not theirs
    everything = api_client(users[Role.GENERAL_MANAGER]).get("/api/v1/orders").json()["items"]
    theirs = {orders[0].pk, orders[1].pk, orders[3].pk}
    expected = [item for item in everything if item["id"] in theirs and (not statuses or item["status"] in statuses)]
    assert len(expected) == 3 and len(everything) == 5
    client = api_client(technician)

    with CaptureQueriesContext(connection) as captured:
        answer = client.get("/api/v1/orders", {"status": statuses}).json()

    assert answer["items"] == expected and answer["next_cursor"] is None
    pages = [q["sql"] for q in captured.captured_queries if "LIMIT 26" in q["sql"]]
    per_status = len(statuses) if len(statuses) > 1 and connection.vendor == "sqlite" else 1
    assert len(pages) == 2 * per_status, pages
    # One condition of the scope each, never their OR (several statuses are an OR of their own).
    own = [page for page in pages if '"service_serviceorder"."technician_id" =' in page]
    helped = [page for page in pages if '"service_serviceorder"."id" IN (' in page or '"id" = ANY(' in page]
    assert len(own) == len(helped) == per_status and not set(own) & set(helped), pages
    assert not [page for page in pages if "JOIN" in page], pages
    by_id = [q["sql"] for q in captured.captured_queries if '"service_serviceorder"."reporter_phone" AS' in q["sql"]]
    assert len(by_id) == 1 and "LIMIT" not in by_id[0]

    paged, cursor = [], None
    for _ in range(len(expected) + 1):
        params = {"status": statuses, "limit": 1} | ({"cursor": cursor} if cursor else {})
        answer = client.get("/api/v1/orders", params).json()
        paged += [item["id"] for item in answer["items"]]
        if (cursor := answer["next_cursor"]) is None:
            break
    assert paged == [item["id"] for item in expected]


def test_the_columns_left_out_are_columns_no_list_field_names():
    from aftersales.service.list_rows import NOT_READ

    columns = {field.attname for field in ServiceOrder._meta.concrete_fields}
    assert NOT_READ <= columns, NOT_READ - columns  # a misspelt name would leave its column in the SELECT
    assert not NOT_READ & set(OrderListOut.model_fields)


@pytest.mark.django_db
@pytest.mark.parametrize("statuses", [[], ["dispatched", "accepted"]], ids=["any status", "two statuses"])
def test_a_search_pages_with_its_cursor_to_the_end(orders, users, api_client, statuses):
    """Read as ids then rows, a received-date range still pages one row at a time through ``next_cursor``
    (two statuses: on SQLite one short read per status, merged), to the same rows as one page."""
    client = api_client(users[Role.AGENT])
    params = {"received_from": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(), "status": statuses}
    whole = [item["id"] for item in client.get("/api/v1/orders", params).json()["items"]]
    assert len(whole) >= 2

    paged, cursor = [], None
    for _ in range(len(whole) + 1):
        answer = client.get("/api/v1/orders", params | {"limit": 1} | ({"cursor": cursor} if cursor else {})).json()
        paged += [item["id"] for item in answer["items"]]
        if (cursor := answer["next_cursor"]) is None:
            break

    assert paged == whole
