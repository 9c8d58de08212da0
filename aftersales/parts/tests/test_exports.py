"""The stock-take and price list exports (parts/exports.py): the stock-take list's counts of the
locations the reader sees, with how many lines are counted and differ; the price list in force today,
with the screen's search, the prices as money."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.parts.models import LabourRate, PartPrice
from aftersales.parts.services import stocktakes
from aftersales.parts.tests.factories import PartFactory, stock_up, store

pytestmark = pytest.mark.django_db


def _url(kind):
    return reverse("exchange:export", kwargs={"kind": kind, "fmt": "xlsx"})


def _rows(client, kind, **params):
    answer = client.get(_url(kind), params)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(min_row=2, values_only=True))


# ---- stock-takes -------------------------------------------------------------------------------------
def test_the_stock_take_export_is_the_lists_counts_in_scope(client, keeper, shop, part, other_centre):
    second = PartFactory(number="BRG-6206")
    stock_up(shop, part, 5, by=keeper)
    stock_up(shop, second, 3, by=keeper)
    take = stocktakes.start_stock_take(by=keeper, location=shop)
    stocktakes.record_counts(
        by=keeper, stock_take=take, counts={take.lines.get(part=part).pk: "4", take.lines.get(part=second).pk: "3"}
    )
    their_keeper = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)
    theirs = store(other_centre)
    stock_up(theirs, part, 1, by=their_keeper)
    stocktakes.start_stock_take(by=their_keeper, location=theirs)
    client.force_login(keeper)

    page = client.get(reverse("parts:stock_takes")).content.decode()
    [row] = _rows(client, "stock_takes")  # not the other centre's count

    assert 'href="/exports/stock_takes.xlsx"' in page
    assert (row[0], row[1], row[5], row[6], row[7], row[8]) == (take.number, shop.code, str(keeper), 2, 2, 1)


def test_the_stock_take_exports_queries_do_not_grow_with_its_rows(client, keeper, centre, part):
    client.force_login(keeper)

    def count(n):
        for i in range(n):
            location = store(centre, code=f"S{n}{i}")
            stock_up(location, part, 2, by=keeper)
            stocktakes.start_stock_take(by=keeper, location=location)

    count(1)
    with CaptureQueriesContext(connection) as few:
        _rows(client, "stock_takes")
    count(4)
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client, "stock_takes")

    assert len(rows) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- the price list ----------------------------------------------------------------------------------
@pytest.fixture
def prices(part):
    today = timezone.localdate()
    PartPrice.objects.create(part=part, valid_from=today - datetime.timedelta(days=60), price=Decimal("70.00"))
    PartPrice.objects.create(part=part, valid_from=today - datetime.timedelta(days=1), price=Decimal("80.00"))
    PartPrice.objects.create(part=part, valid_from=today + datetime.timedelta(days=5), price=Decimal("90.00"))
    belt = PartFactory(number="BELT-1", name="同步带")
    PartPrice.objects.create(part=belt, valid_from=today, price=Decimal("1234.50"))
    PartFactory(number="NOPRICE-1")  # no list price: not on the list
    LabourRate.objects.create(code="L1", name="上门服务费", price=Decimal("100.00"), unit="次")
    return {"bearing": part, "belt": belt}


def test_the_price_list_export_has_todays_prices_as_money_and_the_labour_rates(client, users, prices):
    client.force_login(users[Role.AGENT])

    page = client.get(reverse("parts:price_list"), {"q": "BRG"}).content.decode()
    everything = _rows(client, "price_list")
    [bearing, labour] = _rows(client, "price_list", q="BRG")

    assert 'href="/exports/price_list.xlsx?q=BRG"' in page
    assert [(row[1], Decimal(str(row[4]))) for row in everything] == [
        ("BELT-1", Decimal("1234.50")),
        ("BRG-6205", Decimal("80.00")),  # the price in force today, not the next one
        ("L1", Decimal("100.00")),
    ]
    assert (bearing[0], bearing[2], labour[0], labour[3]) == ("配件", "主轴轴承 6205-2RS", "人工", "次")


def test_a_public_visitor_sees_the_list_but_no_export_link(client, prices):
    page = client.get(reverse("parts:price_list")).content.decode()

    assert "BRG-6205" in page and "/exports/price_list.xlsx" not in page


def test_the_price_list_exports_queries_do_not_grow_with_its_rows(client, users, prices):
    client.force_login(users[Role.AGENT])
    with CaptureQueriesContext(connection) as few:
        _rows(client, "price_list")
    for n in range(5):
        PartPrice.objects.create(part=PartFactory(number=f"X-{n}"), valid_from=timezone.localdate(), price=Decimal(n))
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client, "price_list")

    assert len(rows) == 3 + 5
    assert len(many.captured_queries) == len(few.captured_queries)
