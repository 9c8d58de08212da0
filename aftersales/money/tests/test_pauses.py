"""The resolution clock stands still while the order waits for the customer's answer to a quote
(issue 10, Quotes): sending the quote opens the pause, the answer closes it and moves the due date by
the working days it lasted, on the Chinese calendar (a wait over the National Day week counts only its
working days); a withdrawn quote ends the wait too."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.calendars.selectors import business_timezone, working_days_between
from aftersales.money import services
from aftersales.money.choices import ChargeKind, PauseReason
from aftersales.money.models import ClockPause
from aftersales.money.services.pauses import end_pause, start_pause
from aftersales.money.tests.factories import order_with
from aftersales.service.models import OrderEvent, ServiceOrder

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=business_timezone())


def quoted(users):
    agent = users[Role.AGENT]
    order = order_with("expired", by=agent)
    services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    return order, services.send_quote(order, by=agent)


def test_the_quote_waits_with_the_clock_stopped_and_the_answer_moves_the_due_date(users):
    order, quote = quoted(users)
    pause = ClockPause.objects.get(order=order)
    assert (pause.reason, pause.note, pause.ended_at) == (PauseReason.CUSTOMER, quote.number, None)

    sent = timezone.now() - datetime.timedelta(days=10)
    ClockPause.objects.filter(pk=pause.pk).update(started_at=sent)
    due_before = ServiceOrder.objects.get(pk=order.pk).due_at
    services.answer_quote(quote, approve=True, name="王")

    pause.refresh_from_db()
    waited = working_days_between(start=timezone.localdate(sent), end=timezone.localdate())
    assert pause.ended_at is not None and pause.working_days == waited > 0
    assert ServiceOrder.objects.get(pk=order.pk).due_at > due_before
    event = OrderEvent.objects.get(order=order, type="due_extended")
    assert event.data["paused"] == PauseReason.CUSTOMER and event.data["working_days"] == waited


def test_an_answer_the_same_day_leaves_the_due_date_alone(users):
    order, quote = quoted(users)
    due_before = ServiceOrder.objects.get(pk=order.pk).due_at

    services.answer_quote(quote, approve=False, name="王")

    assert ClockPause.objects.get(order=order).working_days == 0
    assert not OrderEvent.objects.filter(order=order, type="due_extended").exists()
    assert ServiceOrder.objects.get(pk=order.pk).due_at == due_before


def test_a_withdrawn_quote_ends_the_wait(users):
    order, quote = quoted(users)

    services.withdraw_quote(quote, by=users[Role.AGENT])

    assert ClockPause.objects.get(order=order).ended_at is not None


def test_a_wait_over_the_national_day_week_counts_its_working_days_only(users):
    order = order_with("expired", by=users[Role.AGENT])
    start_pause(order, reason=PauseReason.CUSTOMER, note="QT-1", at=at(datetime.date(2026, 9, 30)))
    due_before = ServiceOrder.objects.get(pk=order.pk).due_at

    pause = end_pause(order, reason=PauseReason.CUSTOMER, by=None, at=at(datetime.date(2026, 10, 9)))

    assert pause is not None and pause.working_days == 2, "1-7 October are holidays: only the 8th and 9th count"
    event = OrderEvent.objects.get(order=order, type="due_extended")
    assert event.data["working_days"] == 2
    assert ServiceOrder.objects.get(pk=order.pk).due_at > due_before


def test_one_open_pause_per_reason_and_ending_none_is_a_no_op(users):
    order = order_with("expired", by=users[Role.AGENT])
    first = start_pause(order, reason=PauseReason.FACTORY, note="FR-1")

    assert start_pause(order, reason=PauseReason.FACTORY, note="FR-2") == first
    assert end_pause(order, reason=PauseReason.CUSTOMER, by=None) is None
    assert ClockPause.objects.filter(order=order).count() == 1


def test_the_quote_wait_is_shown_under_the_quotes_not_the_factory_returns(client, users):
    order, _quote = quoted(users)
    client.force_login(users[Role.MANAGER])

    html = client.get(f"/money/orders/{order.pk}/").content.decode()

    quotes = html[html.index('aria-labelledby="h-quotes"') : html.index('aria-labelledby="h-factory"')]
    factory = html[html.index('aria-labelledby="h-factory"') :]
    factory = factory[: factory.index("</section>")]
    # It sat under 返厂 (factory returns) and read as a factory matter.
    assert 'data-pause="customer"' in quotes
    assert "data-pause" not in factory
