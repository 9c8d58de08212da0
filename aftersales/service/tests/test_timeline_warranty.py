"""The timeline's warranty line says the verdict once. Found by a docs audit, 2026-12-07: an order in
warranty read "保修期内（保修期内）", the reason repeating the verdict."""

import pytest
from django.utils import translation

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import EventType
from aftersales.service.models import OrderEvent
from aftersales.service.tests.factories import make_order
from aftersales.service.timeline import warranty

pytestmark = pytest.mark.django_db


def line(event, language):
    with translation.override(language):
        [change, *_] = warranty(event)
        return str(change.new)


def test_an_order_in_warranty_says_so_once_and_until_when():
    order = make_order()
    event = order.events.get(type=EventType.CREATED)
    until = order.unit.purchase_date.replace(year=order.unit.purchase_date.year + 1)  # the default 12 months

    zh, en = line(event, "zh-hans"), line(event, "en")

    assert "保修期内（保修期内）" not in zh and zh.count("保修期内") == 1
    assert en.lower().count("in warranty") == 1
    assert str(until) in zh and str(until) in en


def test_an_event_without_the_last_day_shows_the_verdict_alone():
    event = OrderEvent(type=EventType.CREATED, data={"warranty": {"covered": True, "reason": "in_warranty"}})

    assert line(event, "zh-hans") == "保修期内"
    assert line(event, "en") == "in warranty"


def test_a_reason_that_adds_something_is_kept():
    event = OrderEvent(type=EventType.CREATED, data={"warranty": {"covered": False, "reason": "no_proof"}})

    assert line(event, "zh-hans") == "非保修（无购买凭证）"
    assert line(event, "en") == "not in warranty (No proof of purchase)"


def test_an_override_says_the_verdict_once_on_both_sides(users, centre):
    order = make_order(customer=CustomerFactory(service_center=centre))
    services.override_warranty(order, by=users["manager"], covered=False, reason="客户自行拆修")
    event = order.events.get(type=EventType.WARRANTY_OVERRIDDEN)

    with translation.override("zh-hans"):
        [change, *_] = warranty(event)
    assert change.old == "保修期内"
    assert change.new.startswith("非保修（")
