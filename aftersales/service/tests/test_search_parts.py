"""A search reads a page under each of its parts and merges them (service.filters.search_parts).

The phone search is the reporter's phone or a customer whose contact has that mobile. In one statement
their ``OR`` was planned by PostgreSQL as a walk of the primary key backwards, testing every newer
order, or as a sort of every match: 13 ms at 1,000,000 orders for a caller with 748 calls whose customer
has 980 orders (benchmarks/README.md). Read part by part, each page is a range of its own index, newest
first. These tests hold the answers to the ``OR``'s, page after page, and the SQL to one part a statement.
"""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.filters import search_orders, search_parts
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.plans import plan_with_only

pytestmark = pytest.mark.django_db

MOBILE = "+8613912345678"


@pytest.fixture
def calls(users, centre):
    """Orders a phone search for MOBILE finds by either part, by both, and some it must not find."""
    agent = users[Role.AGENT]
    company = CustomerFactory(service_center=centre, name="苏州精工")
    ContactFactory(customer=company, name="王五", mobile=MOBILE)
    other = CustomerFactory(service_center=centre, name="无锡机电")
    by_phone = [make_order(by=agent, customer=other, reporter_phone=MOBILE) for _ in range(3)]
    by_customer = [make_order(by=agent, customer=company, reporter_phone="+8613700000001") for _ in range(3)]
    by_both = [make_order(by=agent, customer=company, reporter_phone=MOBILE) for _ in range(2)]
    neither = [make_order(by=agent, customer=other, reporter_phone="+8613700000002") for _ in range(2)]
    return by_phone + by_customer + by_both, neither


def _pages(client, path: str) -> tuple[list[int], list[str]]:
    """Every id of a list, page after page, and the statements that read the order table."""
    ids, statements, url = [], [], path
    while url:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).json()
        ids += [row["id"] for row in body["items"]]
        statements += [q["sql"] for q in captured.captured_queries if 'FROM "service_serviceorder"' in q["sql"]]
        url = f"{path}&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    return ids, statements


def test_the_phone_search_pages_give_the_or_of_its_parts_each_order_once(calls, users, api_client):
    found, neither = calls
    client = api_client(users[Role.AGENT])

    ids, statements = _pages(client, f"/api/v1/orders?q={MOBILE}&limit=2")

    assert ids == sorted((order.pk for order in found), reverse=True)  # newest first, none twice, none left out
    assert not {order.pk for order in neither} & set(ids)
    assert ids == list(search_orders(ServiceOrder.objects.all(), MOBILE).order_by("-id").values_list("pk", flat=True))
    # One part a statement: no OR of the reporter's phone and the customers.
    assert statements and all(" OR " not in sql for sql in statements)


def test_the_console_list_reads_the_same_parts(calls, users, client):
    found, _neither = calls
    client.force_login(users[Role.AGENT])

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/orders/", {"q": MOBILE, "sort": "-received"})
    body = response.content.decode()

    assert response.status_code == 200
    assert all(order.number in body for order in found)
    assert body.count(found[0].number) == body.count(found[-1].number)  # the order in both parts shown once
    statements = [q["sql"] for q in captured.captured_queries if 'FROM "service_serviceorder"' in q["sql"]]
    assert statements and all(" OR " not in sql for sql in statements)


def test_a_search_that_finds_no_customer_and_no_unit_finds_nothing(calls, users, api_client):
    body = api_client(users[Role.AGENT]).get("/api/v1/orders?q=不存在的公司").json()

    assert body["items"] == []
    assert search_parts("不存在的公司") == [Q(pk__in=[])]


def test_a_text_that_is_a_serial_and_part_of_a_name_finds_both(users, centre, api_client):
    agent = users[Role.AGENT]
    trader = CustomerFactory(service_center=centre, name="KY2026苏州贸易")
    stranger = CustomerFactory(service_center=centre, name="无锡机电")
    unit = UnitFactory(customer=stranger, serial_number="KY2026苏州")
    of_unit = make_order(by=agent, customer=stranger, unit=unit)
    of_trader = make_order(by=agent, customer=trader)
    make_order(by=agent, customer=stranger)

    ids, statements = _pages(api_client(agent), "/api/v1/orders?q=KY2026苏州&limit=1")

    assert len(search_parts("KY2026苏州")) == 2  # the unit, and the customers whose name holds the text
    assert ids == sorted([of_unit.pk, of_trader.pk], reverse=True)
    assert all(" OR " not in sql for sql in statements)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_page_of_a_callers_orders_is_a_range_of_the_phone_index_newest_first():
    page = ServiceOrder.objects.filter(reporter_phone=MOBILE).order_by("-id").values("id")[:26]

    sql, params = page.query.sql_with_params()
    plan = plan_with_only(sql, "order_phone_idx", params)

    assert "order_phone_idx" in plan
    assert "Sort" not in plan  # in the index's order: no match read beyond the page, none sorted
