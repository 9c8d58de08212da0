"""What customer care does when an order changes (``service.signals``) or a message to a customer
is written to the outbox (``notifications.signals.message_queued``), inside the transaction of the
change (docs/architecture.md, Domain events)."""

import re
from typing import Any

from django.utils.translation import gettext as _

from aftersales.care.choices import ContactChannel, Direction
from aftersales.care.services.complaints import complaint_from_order
from aftersales.care.services.contacts import add_entry
from aftersales.care.services.followups import cancel_follow_ups, schedule_follow_ups
from aftersales.core.text import site_language
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.models import OutboxMessage
from aftersales.service.choices import Channel, OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder

# How an order's call came in, as a contact on the log (web, portal and API calls are no contact).
INTAKE_CHANNELS = {
    Channel.HOTLINE: ContactChannel.PHONE,
    Channel.WALK_IN: ContactChannel.VISIT,
    Channel.EMAIL: ContactChannel.EMAIL,
}

# The keys of service.services.customer_sms: the SMS that keep the reporter informed (order received,
# technician assigned, order completed, due date moved), "order-<id>-[event-<id>-]<kind>-reporter-sms".
REPORTER_SMS_KEY = re.compile(r"^order-(?P<order>\d+)-(?:[a-z0-9-]+-)?reporter-sms$")


def on_status_changed(
    sender: Any, *, order: ServiceOrder, actor: Any, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """Closing schedules the follow-ups; reopening cancels the open ones; a call taken at intake
    goes on the contact log, and a complaint order gets its complaint."""
    if new_status == OrderStatus.CLOSED:
        schedule_follow_ups(order=order)
    elif old_status == OrderStatus.CLOSED:
        cancel_follow_ups(order=order)
    if old_status == "" and new_status == OrderStatus.NEW:
        channel = INTAKE_CHANNELS.get(order.channel)  # type: ignore[call-overload]
        if channel is not None:
            # A record the whole centre reads: in the site's language, not the agent's (QA 2026-12-07).
            with site_language():
                summary = _("Order %(number)s opened: %(text)s") % {"number": order.number, "text": order.description}
            add_entry(
                customer=order.customer,
                channel=channel,
                direction=Direction.INBOUND,
                summary=summary,
                by=actor,
                at=order.received_at,
                order=order,
                person=order.reporter_name,
            )
        if order.kind == OrderKind.COMPLAINT:
            complaint_from_order(order=order, by=actor)


def on_message_queued(sender: Any, *, message: OutboxMessage, about: Any = None, **kwargs: Any) -> None:
    """An SMS to an order's reporter (progress, a moved due date) goes on the customer's contact log;
    its delivery status is the outbox message's. Once: the signal comes once per outbox key, and the
    entry keeps the key. The order is the one the sender holds (``about``; every order create sends
    one, so no read), else it is read."""
    if message.channel != MessageChannel.SMS:
        return
    match = REPORTER_SMS_KEY.match(message.key)
    if match is None:
        return
    order_id = int(match["order"])
    if isinstance(about, ServiceOrder) and about.pk == order_id:
        order = about
    else:
        order = ServiceOrder.objects.select_related("customer").filter(pk=order_id).first()
        if order is None:
            return
    add_entry(
        customer=order.customer,
        channel=ContactChannel.SMS,
        direction=Direction.OUTBOUND,
        summary=message.body,
        by=None,
        order=order,
        person=message.recipient[:100],
        message_key=message.key,
    )
