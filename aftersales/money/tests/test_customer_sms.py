"""Money's SMS to a customer (a quote's link, a payment reminder, an exchange's answer, a return to the
factory) are customer SMS (notifications.customer_sms): signed 【company】 and ending with the hotline,
held through the quiet hours, each of its own kind that an administrator can switch off."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.money import services
from aftersales.money.choices import ChargeKind
from aftersales.money.models import FactoryReturn, Invoice
from aftersales.money.services import exchange, factory
from aftersales.money.services.customer_sms import (
    EXCHANGE_ANSWERED,
    FACTORY_BACK,
    FACTORY_CHASED,
    FACTORY_SHIPPED,
    KINDS,
    PAYMENT_REMINDER,
    QUOTE_SENT,
)
from aftersales.money.services.reminders import remind_receivables
from aftersales.money.tests.factories import order_with
from aftersales.notifications.customer_sms import ensure_switches
from aftersales.notifications.kinds import customer_sms_kinds
from aftersales.notifications.models import CustomerSmsSwitch, OutboxMessage
from aftersales.notifications.tests.factories import assert_signed_and_held, quiet_hours_around_now, switch_off

pytestmark = pytest.mark.django_db

COMPANY, HOTLINE = "华东设备有限公司", "400 800 1234"
FACTORY_NOTE = "厂家内部：该批次库存不足"


@pytest.fixture(autouse=True)
def _company(users: dict[str, Any]) -> None:
    update_company_profile(by=users[Role.ADMIN], name=COMPANY, hotline=HOTLINE)


def _quote(users: dict[str, Any]) -> str:
    agent = users[Role.AGENT]
    order = order_with("expired", by=agent)
    services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    quote = services.send_quote(order, by=agent)
    return f"quote-{quote.pk}-sent-{quote.nonce}"


def _reminder(users: dict[str, Any]) -> str:
    agent, finance = users[Role.AGENT], users[Role.FINANCE]
    order = order_with("expired", by=agent)
    services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=agent), approve=True, name="王")
    invoice = services.issue_invoice(services.create_invoice(order, by=finance), by=finance)
    Invoice.objects.filter(pk=invoice.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    remind_receivables()
    return f"invoice-{invoice.pk}-reminder-1"


def _exchange_refused(users: dict[str, Any]) -> str:
    agent = users[Role.AGENT]
    ex = exchange.request_exchange(order_with("in_warranty", by=agent), by=agent, reason="压缩机反复故障")
    exchange.decide_exchange(ex, by=users[Role.MANAGER], approve=True)
    exchange.record_factory_answer(ex, by=agent, agreed=False, note=FACTORY_NOTE)
    return f"exchange-{ex.pk}-factory"


def _ship(users: dict[str, Any]) -> FactoryReturn:
    agent = users[Role.AGENT]
    return factory.ship_to_factory(
        order_with("expired", by=agent), by=agent, factory="无锡压缩机厂", carrier="顺丰", waybill="SF1234567890"
    )


def _factory_shipped(users: dict[str, Any]) -> str:
    return f"factory-{_ship(users).pk}-shipped"


def _factory_chased(users: dict[str, Any]) -> str:
    fr = _ship(users)
    FactoryReturn.objects.filter(pk=fr.pk).update(next_chase_on=timezone.localdate())
    factory.chase_factory_returns()
    return f"factory-{fr.pk}-chase-1-customer"


def _factory_back(users: dict[str, Any]) -> str:
    fr = _ship(users)
    factory.receive_from_factory(fr, by=users[Role.AGENT])
    return f"factory-{fr.pk}-received"


CASES: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    (QUOTE_SENT, _quote),
    (PAYMENT_REMINDER, _reminder),
    (EXCHANGE_ANSWERED, _exchange_refused),
    (FACTORY_SHIPPED, _factory_shipped),
    (FACTORY_CHASED, _factory_chased),
    (FACTORY_BACK, _factory_back),
]
IDS = [kind for kind, _ in CASES]


@pytest.mark.parametrize(("kind", "send"), CASES, ids=IDS)
def test_each_money_sms_is_signed_ends_with_the_hotline_and_waits_for_the_morning(users, settings, kind, send):
    quiet_hours_around_now(settings)

    message = OutboxMessage.objects.filter(key=send(users)).first()

    assert_signed_and_held(message, company=COMPANY, hotline=HOTLINE)
    assert FACTORY_NOTE not in message.body  # the factory's note is the staff's (the exchange's case)


@pytest.mark.parametrize(("kind", "send"), CASES, ids=IDS)
def test_each_money_sms_switched_off_writes_none(users, kind, send):
    switch_off(kind)

    assert not OutboxMessage.objects.filter(key=send(users)).exists()


def test_the_money_kinds_are_registered_each_with_a_switch(db):
    ensure_switches()

    keys = {kind.key for kind in KINDS}
    assert keys <= {kind.key for kind in customer_sms_kinds}
    assert all(kind.switchable and str(kind.description) for kind in KINDS)
    assert set(CustomerSmsSwitch.objects.filter(kind__in=keys).values_list("kind", flat=True)) == keys


def test_a_reminder_switched_off_tells_finance_the_customer_got_none_once(users):
    switch_off(PAYMENT_REMINDER)

    key = _reminder(users)

    notice = OutboxMessage.objects.get(key=f"{key}-finance-in_app")
    assert "未收到短信" in notice.body
    assert remind_receivables() == 0  # told already: no second notice, no count
    assert OutboxMessage.objects.filter(key__startswith=key).count() == 1
