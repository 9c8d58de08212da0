"""What care hears from the apps below it: an SMS to an order's reporter goes on the contact log
(notifications' ``message_queued``), once; other messages do not."""

import datetime

import pytest

from aftersales.accounts.choices import Role
from aftersales.care.choices import ContactChannel, Direction
from aftersales.care.models import ContactEntry
from aftersales.care.tests.factories import close_order
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.services import enqueue_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(users, centre):
    return close_order(
        manager=users[Role.MANAGER],
        customer=CustomerFactory(service_center=centre),
        handed_back=datetime.date(2026, 12, 1),
    )


def test_an_sms_to_the_reporter_goes_on_the_customers_contact_log_once(order):
    key = f"order-{order.pk}-event-99-reporter-sms"

    enqueue_message(channel=MessageChannel.SMS, recipient="+8613900001111", body="您的设备已修好", key=key)
    enqueue_message(channel=MessageChannel.SMS, recipient="+8613900001111", body="again", key=key)

    entries = ContactEntry.objects.filter(message_key=key)
    assert [(e.customer_id, e.order_id, e.channel, e.direction, e.summary, e.person) for e in entries] == [
        (order.customer_id, order.pk, ContactChannel.SMS, Direction.OUTBOUND, "您的设备已修好", "+8613900001111")
    ]


def test_the_customer_file_shows_the_sms_number_as_every_screen_does(order, users):
    """Found by a helper's probe, 2026-12-06: the file read "SMS · Outbound · +8613816881234"."""
    from aftersales.care.selectors import customer_file

    key = f"order-{order.pk}-event-99-reporter-sms"
    enqueue_message(channel=MessageChannel.SMS, recipient="+8613900001111", body="您的设备已修好", key=key)

    shown = customer_file(user=users[Role.MANAGER], customer=order.customer)
    titles = [item.title for item in shown.timeline if item.kind == "contact"]
    assert any("139 0000 1111" in title for title in titles) and not any("+86" in title for title in titles)


@pytest.mark.parametrize(
    ("channel", "key"),
    [
        (MessageChannel.IN_APP, "order-{pk}-event-1-reporter-sms"),  # not an SMS
        (MessageChannel.SMS, "order-{pk}-event-1-technician-sms"),  # not to the reporter
        (MessageChannel.SMS, "order-999999-event-1-reporter-sms"),  # no such order
    ],
)
def test_other_messages_are_not_logged(order, channel, key):
    before = ContactEntry.objects.count()

    enqueue_message(channel=channel, recipient="1", body="x", key=key.format(pk=order.pk))

    assert ContactEntry.objects.count() == before


def test_a_call_taken_at_intake_is_logged_in_the_site_language_whoever_takes_it(users, centre):
    # QA 2026-12-07: an agent reading English left "Order … opened: …" on the customer's contact log.
    from django.utils import translation

    from aftersales.service.choices import Channel
    from aftersales.service.tests.factories import make_order

    with translation.override("en"):
        order = make_order(
            by=users[Role.AGENT], customer=CustomerFactory(service_center=centre), channel=Channel.HOTLINE
        )

    entry = ContactEntry.objects.get(order=order, channel=ContactChannel.PHONE)  # the received SMS is its own line
    assert (entry.channel, entry.summary) == (ContactChannel.PHONE, f"工单 {order.number} 已受理：设备无法启动")


def test_the_sms_the_reporter_gets_from_an_order_go_on_the_contact_log(users, centre):
    """Received, technician assigned (service.services.customer_sms): each on the log with its key."""
    from aftersales.service import services
    from aftersales.service.tests.factories import make_order

    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])

    entries = ContactEntry.objects.filter(order=order, channel=ContactChannel.SMS).order_by("pk")
    assert [e.message_key.split("-")[-3] for e in entries] == ["received", "assigned"]
    assert all(e.direction == Direction.OUTBOUND and order.number in e.summary for e in entries)
    assert all(e.person == order.reporter_phone for e in entries)
