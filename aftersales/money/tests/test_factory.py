"""Return to factory end to end through the API: shipment, the factory's quote plus our margin (the
factory's in warranty, the customer's quote out of warranty), chasing with the customer told, the
return; the order's clock stands still while the unit is away (on the Chinese calendar)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.calendars.selectors import add_working_days
from aftersales.money.models import ClockPause, FactoryReturn, Quote
from aftersales.money.services.factory import chase_factory_returns
from aftersales.money.services.quotes import quote_token
from aftersales.money.tests.factories import order_with
from aftersales.notifications.models import OutboxMessage
from aftersales.service.models import OrderEvent, ServiceOrder

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def desk(users, api_client):
    return api_client(users[Role.AGENT])


def ship(desk, order, **body):
    body = {"factory": "无锡压缩机厂", "carrier": "顺丰", "waybill": "SF1234567890", **body}
    return post(desk, f"/orders/{order.pk}/factory-returns", body)


def back_days_ago(fr_id: int, days: int) -> None:
    """The unit left ``days`` calendar days ago (and its pause began then)."""
    then = timezone.now() - datetime.timedelta(days=days)
    FactoryReturn.objects.filter(pk=fr_id).update(shipped_on=timezone.localdate(then))
    ClockPause.objects.filter(order__factory_returns=fr_id, ended_at__isnull=True).update(started_at=then)


def test_out_of_warranty_factory_repair_quote_plus_margin_then_customer_quote_and_invoice(
    users, desk, api_client, client
):
    order = order_with("expired", by=users[Role.AGENT])
    shipped = ship(desk, order)
    assert shipped.status_code == 201, shipped.content
    fr = shipped.json()
    expected = add_working_days(start=timezone.localdate(), days=15).day
    assert fr["status"] == "shipped" and fr["expected_by"] == expected.isoformat()
    assert ClockPause.objects.filter(order=order, reason="factory", ended_at__isnull=True).exists()
    # The reporter's SMS about the order itself (received …) aside, one tells the waybill.
    assert (
        "SF1234567890"
        in OutboxMessage.objects.exclude(key__endswith="reporter-sms").get(recipient=order.reporter_phone).body
    )

    quoted = post(
        desk,
        f"/factory-returns/{fr['id']}/quote",
        {"diagnosis": "转子磨损", "amount": "1234.57", "margin_percent": "15"},
    )
    assert quoted.status_code == 200, quoted.content
    line = order.charge_lines.get()
    # 1234.57 × 1.15 = 1419.7555 → 1419.76; tax 13 % of it = 184.5688 → 184.57
    assert (line.kind, line.bearer, line.unit_price, line.tax, line.gross) == (
        "factory_repair",
        "customer",
        Decimal("1419.76"),
        Decimal("184.57"),
        Decimal("1604.33"),
    )
    quote = Quote.objects.get(pk=post(desk, f"/orders/{order.pk}/quotes").json()["id"])
    post(client, f"/public/quotes/{quote_token(quote)}/answer", {"approve": True, "name": "王"})
    finance = api_client(users[Role.FINANCE])
    invoice = post(finance, f"/orders/{order.pk}/invoices").json()
    assert invoice["gross"] == "1604.33"

    assert (
        post(desk, f"/factory-returns/{fr['id']}/ship-back", {"carrier": "顺丰", "waybill": "SF999"}).status_code == 200
    )
    assert post(desk, f"/factory-returns/{fr['id']}/receive").json()["status"] == "received"


def test_in_warranty_the_factory_bears_its_repair(users, desk):
    order = order_with("in_warranty", by=users[Role.AGENT])
    fr = ship(desk, order).json()
    post(desk, f"/factory-returns/{fr['id']}/quote", {"diagnosis": "电机故障", "amount": "800.00"})
    line = order.charge_lines.get()
    assert (line.bearer, line.status, line.unit_price) == ("factory", "approved", Decimal("920.00"))


def test_the_clock_stands_still_while_the_unit_is_away(users, desk):
    order = order_with("expired", by=users[Role.AGENT])
    due_before = order.due_at
    fr = ship(desk, order).json()
    back_days_ago(fr["id"], 14)  # two calendar weeks away: ten working days or so, on the calendar
    pause = ClockPause.objects.get(order=order)
    working = add_working_days  # noqa: F841 - the calendar decides; read it back below

    post(desk, f"/factory-returns/{fr['id']}/receive")

    pause.refresh_from_db()
    order = ServiceOrder.objects.get(pk=order.pk)
    assert pause.ended_at is not None and pause.working_days >= 8
    assert order.due_at > due_before
    event = OrderEvent.objects.filter(order=order, type="due_extended").get()
    assert event.data["paused"] == "factory" and event.data["working_days"] == pause.working_days


def test_chasing_tells_the_shipper_and_the_customer_each_time(users, desk):
    order = order_with("expired", by=users[Role.AGENT])
    fr = ship(desk, order, chase_every_days=2).json()
    FactoryReturn.objects.filter(pk=fr["id"]).update(next_chase_on=timezone.localdate())
    OutboxMessage.objects.all().delete()

    assert chase_factory_returns() == 1
    assert chase_factory_returns() == 0  # next chase two working days on

    stored = FactoryReturn.objects.get(pk=fr["id"])
    assert stored.chase_count == 1 and stored.next_chase_on == add_working_days(start=timezone.localdate(), days=2).day
    channels = sorted(OutboxMessage.objects.values_list("channel", flat=True))
    assert channels == ["in_app", "sms"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"waybill": ""}, "invalid_input", "waybill"),
        ({"shipped_on": "2099-01-01"}, "date_out_of_range", "shipped_on"),
        ({"chase_every_days": 0}, "invalid_input", "chase_every_days"),
    ],
)
def test_bad_shipments_write_nothing(users, desk, body, code, field):
    order = order_with("expired", by=users[Role.AGENT])
    response = ship(desk, order, **body)
    assert response.status_code == 400 and response.json()["field"] == field, response.json()
    assert not FactoryReturn.objects.exists() and not ClockPause.objects.exists()


def test_one_return_at_a_time_and_steps_in_order(users, desk):
    order = order_with("expired", by=users[Role.AGENT])
    fr = ship(desk, order).json()
    assert ship(desk, order).json()["code"] == "factory_return_open"
    negative = post(desk, f"/factory-returns/{fr['id']}/quote", {"diagnosis": "x", "amount": "-1"})
    assert (negative.status_code, negative.json()["code"]) == (400, "negative_amount")
    post(desk, f"/factory-returns/{fr['id']}/receive")
    again = post(desk, f"/factory-returns/{fr['id']}/quote", {"diagnosis": "x", "amount": "1"})
    assert (again.status_code, again.json()["code"]) == (409, "factory_return_state")
    assert not order.charge_lines.exists()
