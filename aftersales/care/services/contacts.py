"""The contact log: every call, letter and message in or out (domain.md Follow-up §15 7–8)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.care.choices import ContactChannel, Direction
from aftersales.care.models import ContactEntry
from aftersales.care.permissions import can_log_contacts
from aftersales.care.services.customer_sms import CONTACT_MESSAGE
from aftersales.core.bulk import insert_one
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.phones import is_mobile
from aftersales.core.validation import require_aware, require_choice, require_text
from aftersales.customers.models import Customer
from aftersales.customers.permissions import customers_visible_to
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.customer_sms import send_customer_sms
from aftersales.notifications.services import enqueue_message
from aftersales.service.models import ServiceOrder

# The contact channels a message leaves by through the outbox. An SMS is a customer SMS
# (notifications.customer_sms): signed 【company】, ending with the hotline, held through the quiet hours.
OUTBOX_CHANNELS = {ContactChannel.SMS: MessageChannel.SMS, ContactChannel.EMAIL: MessageChannel.EMAIL}


def require_customer_in_scope(by: User, customer: Customer) -> None:
    """404 for a customer the caller does not see (it does not exist for them); writes nothing."""
    if not customers_visible_to(by).filter(pk=customer.pk).exists():
        raise NotFoundError("not_found", _("No such customer."), field="customer")


def _check_may_log(by: User, customer: Customer) -> None:
    if not can_log_contacts(by):
        raise PermissionDeniedError("forbidden", _("You may not log contacts."))
    require_customer_in_scope(by, customer)
    if not can_log_contacts(by, centre_id=customer.service_center_id):
        raise NotFoundError("not_found", _("No such customer."), field="customer")


def add_entry(
    *,
    customer: Customer,
    channel: str,
    direction: str,
    summary: str,
    by: User | None,
    at: datetime.datetime | None = None,
    **links: object,
) -> ContactEntry:
    """Write one log entry without checks: for the services of this app, which checked their caller.
    The INSERT is ``core.bulk.insert_one``'s (an SMS to the reporter of every new order is logged)."""
    return insert_one(
        ContactEntry(
            customer=customer,
            channel=channel,
            direction=direction,
            summary=summary[:500],
            by=by if by is not None and not by.is_system else None,
            at=at or timezone.now(),
            **links,
        )
    )


@transaction.atomic
def log_contact(
    *,
    by: User,
    customer: Customer,
    channel: str,
    direction: str,
    summary: str,
    person: str = "",
    needs: str = "",
    order: ServiceOrder | None = None,
    at: datetime.datetime | None = None,
) -> ContactEntry:
    """Log a contact with the customer: who (``person``), when, by which channel, what, and the
    follow-up it needs. ``at`` may not be in the future."""
    _check_may_log(by, customer)
    require_choice(channel, field="channel", choices=ContactChannel)
    require_choice(direction, field="direction", choices=Direction)
    summary = require_text(summary, field="summary", max_length=500)
    person = require_text(person, field="person", max_length=100, required=False)
    needs = require_text(needs, field="needs", max_length=300, required=False)
    now = timezone.now()
    at = require_aware(at, field="at")
    if at is not None and at > now + datetime.timedelta(minutes=5):
        raise ValidationFailed("invalid_time", _("A contact cannot be logged in the future."), field="at")
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed("invalid_order", _("The order is not this customer's."), field="order")
    return ContactEntry.objects.create(
        customer=customer,
        channel=channel,
        direction=direction,
        summary=summary,
        person=person,
        needs=needs,
        order=order,
        by=by,
        at=at or now,
    )


@transaction.atomic
def send_customer_message(
    *,
    by: User,
    customer: Customer,
    channel: str,
    recipient: str,
    body: str,
    key: str,
    subject: str = "",
    summary: str = "",
    skip_checks: bool = False,
    kind: str = CONTACT_MESSAGE,
) -> ContactEntry:
    """Send the customer an SMS or e-mail through the outbox and log it; its delivery status is the
    outbox message's. ``key`` makes it at most once: the same key again sends nothing more and returns
    the first entry. An SMS goes to a mobile (400 ``invalid_phone`` otherwise, nothing written) as a
    customer SMS of ``kind`` (``contact_message``: typed by staff; a campaign's passes its own): signed
    【company】 and ending with the hotline, held through the quiet hours; the log keeps what the
    customer reads unless a ``summary`` is given."""
    if not skip_checks:
        _check_may_log(by, customer)
    existing = ContactEntry.objects.filter(message_key=key).first()
    if existing is not None:
        return existing
    outbox_channel = OUTBOX_CHANNELS.get(channel)  # type: ignore[call-overload]
    if outbox_channel is None:
        raise ValidationFailed("invalid_channel", _("Messages leave by SMS or e-mail."), field="channel")
    if outbox_channel == MessageChannel.SMS:
        if not is_mobile(recipient):
            raise ValidationFailed("invalid_phone", _("An SMS goes to a mobile number."), field="recipient")
        message = send_customer_sms(kind=kind, recipient=recipient, subject=subject, text=body, key=key)
    else:
        message = enqueue_message(channel=outbox_channel, recipient=recipient, subject=subject, body=body, key=key)
    return add_entry(
        customer=customer,
        channel=channel,
        direction=Direction.OUTBOUND,
        summary=summary or (message.body if message is not None else body),
        by=by,
        message_key=key,
        person=recipient[:100],
    )
