"""core.pagination.keyset_page with ``parts``: one short read per part, merged, gives the pages a single
read gives (the order list with several statuses on SQLite, benchmarks/README.md)."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.core.compiled import values_rows
from aftersales.core.pagination import keyset_page
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(centre, users):
    agent, dispatcher = users[Role.AGENT], users[Role.DISPATCHER]
    made = [make_order(by=agent, customer=CustomerFactory(service_center=centre)) for _ in range(9)]
    for order in made[::3]:  # every third accepted: the statuses interleave in id order
        services.transition_order(order, to=OrderStatus.ACCEPTED, by=dispatcher)
    services.transition_order(made[1], to=OrderStatus.CANCELLED, by=dispatcher, reason="重复报修")
    return made


def _pages(queryset, **kwargs) -> list[tuple[list[int], str | None]]:
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, cursor=cursor, limit=2, **kwargs)
        ids = [row["id"] if isinstance(row, dict) else row.pk for row in page.items]
        pages.append((ids, page.next_cursor))
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("fetch", [list, values_rows], ids=["instances", "values"])
def test_a_page_read_in_parts_is_the_page_read_at_once(orders, fetch):
    wanted = [OrderStatus.NEW, OrderStatus.ACCEPTED]
    queryset = ServiceOrder.objects.filter(status__in=wanted)
    if fetch is values_rows:
        queryset = queryset.values("id", "status")

    at_once = _pages(queryset, fetch=fetch)
    in_parts = _pages(queryset, fetch=fetch, parts=[Q(status=s) for s in wanted])

    assert in_parts == at_once
    with CaptureQueriesContext(connection) as reads:
        keyset_page(queryset, cursor=None, limit=2, fetch=fetch, parts=[Q(status=s) for s in wanted])
    # SQLite reads each part on its own; PostgreSQL merges the index ranges itself in one read.
    assert len(reads.captured_queries) == (2 if connection.vendor == "sqlite" else 1)
    assert [i for ids, _cursor in at_once for i in ids] == sorted(
        (o.pk for o in orders if o.pk != orders[1].pk), reverse=True
    )


def test_the_order_list_with_several_statuses_pages_as_the_database_orders_them(orders, users, api_client):
    client = api_client(users[Role.AGENT])
    expected = list(
        ServiceOrder.objects.filter(status__in=["new", "accepted"]).order_by("-id").values_list("id", flat=True)
    )

    seen, cursor = [], ""
    for _ in range(10):
        params = {"status": ["new", "accepted", "new"], "limit": 3} | ({"cursor": cursor} if cursor else {})
        answer = client.get("/api/v1/orders", params).json()
        seen += [item["id"] for item in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break

    assert seen == expected and len(expected) == 8


@pytest.mark.parametrize("fetch", [list, values_rows], ids=["instances", "values"])
@pytest.mark.parametrize("with_parts", [False, True], ids=["one read per source", "and per status"])
def test_a_page_read_from_a_union_is_the_page_of_the_or(orders, fetch, with_parts):
    """``union``: the querysets of an OR's conditions (which may share rows) read as a page each and
    merged give the pages of the OR itself, each row once."""
    wanted = [OrderStatus.NEW, OrderStatus.ACCEPTED]
    mine, shared = Q(pk__in=[o.pk for o in orders[:5]]), Q(pk__in=[o.pk for o in orders[3:8]])  # 3 and 4 in both
    base = ServiceOrder.objects.filter(status__in=wanted)
    if fetch is values_rows:
        base = base.values("id", "status")
    parts = {"parts": [Q(status=s) for s in wanted]} if with_parts else {}

    of_the_or = _pages(base.filter(mine | shared), fetch=fetch)
    merged = _pages(base.filter(mine), fetch=fetch, union=[base.filter(shared)], **parts)

    assert merged == of_the_or
    ids = [i for page_ids, _cursor in merged for i in page_ids]
    expected = sorted((o.pk for o in orders[:8] if o.pk != orders[1].pk), reverse=True)
    assert ids == expected and len(ids) == len(set(ids)) == 7
    with CaptureQueriesContext(connection) as reads:
        keyset_page(base.filter(mine), cursor=None, limit=2, fetch=fetch, union=[base.filter(shared)], **parts)
    per_source = 2 if with_parts and connection.vendor == "sqlite" else 1
    assert len(reads.captured_queries) == 2 * per_source
    assert not [q["sql"] for q in reads.captured_queries if " OR " in q["sql"]]
