"""Every portal list runs a constant number of queries, whatever its number of rows (N+1)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import ContactFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.portal.tests.conftest import Pair, work_order
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _more(pair: Pair, users: Any, n: int) -> None:
    for _ in range(n):
        unit = UnitFactory(customer=pair.a)
        order = make_order(by=users[Role.AGENT], customer=pair.a, unit=unit, contact=pair.a_admin)
        ContactFactory(customer=pair.a)
        work_order(order, users)


PAGES: dict[str, Callable[[Pair], str]] = {
    "home": lambda p: reverse("portal:home"),
    "orders": lambda p: reverse("portal:order_list"),
    "unit": lambda p: reverse("portal:unit_detail", args=[p.unit_a.pk]),
    "report": lambda p: reverse("portal:report"),
    "order": lambda p: reverse("portal:order_detail", args=[p.order_admin.pk]),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_customer_pages_do_not_grow_with_rows(name: str, pair: Pair, users: Any, portal_client: Any) -> None:
    client = portal_client(pair.a_admin)
    url = PAGES[name](pair)
    work_order(pair.order_admin, users)
    before = _queries(client, url)

    _more(pair, users, 4)

    assert _queries(client, url) == before


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("portal_staff:access_list"),
        lambda p: f"{reverse('portal_staff:label_list')}?customer={p.a.pk}",
        lambda p: f"{reverse('portal_staff:label_sheet')}?customer={p.a.pk}",
    ],
    ids=["access", "labels", "sheet"],
)
def test_staff_lists_do_not_grow_with_rows(url: Any, pair: Pair, users: Any) -> None:
    client = Client()
    client.force_login(users[Role.AGENT])
    before = _queries(client, url(pair))

    _more(pair, users, 3)

    assert _queries(client, url(pair)) == before
