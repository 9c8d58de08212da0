"""Notices are written the way the app writes them: through the outbox and the in-app channel."""

import datetime
from typing import Any

from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.notifications.models import CustomerSmsSwitch, Notification, OutboxMessage
from aftersales.notifications.services import enqueue_message, relay_due_messages
from aftersales.notifications.switches import forget_switches


def make_notice(user: User, message: str = "SO1 was assigned to you", **context: Any) -> Notification:
    message_row = enqueue_message(channel="in_app", recipient=str(user.pk), body=message, context=context)
    relay_due_messages()
    return Notification.objects.get(source_key=message_row.key)


def quiet_hours_around_now(settings: Any) -> None:
    """Quiet hours from an hour ago to an hour from now (local time), so a customer SMS a service writes
    now is held: the tests of the services that send them need no clock of their own."""
    local = timezone.localtime()
    start, end = (f"{(local + datetime.timedelta(hours=h)):%H:%M}" for h in (-1, 1))
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_QUIET_HOURS": f"{start}-{end}"}


def switch_off(kind: str) -> None:
    """An administrator switched the customer SMS ``kind`` off (settings → 客户短信)."""
    CustomerSmsSwitch.objects.update_or_create(kind=kind, defaults={"enabled": False})
    forget_switches()


def assert_signed_and_held(message: OutboxMessage | None, *, company: str, hotline: str) -> None:
    """What every customer SMS is: signed 【company】, ending with the hotline, waiting for the morning
    (written inside ``quiet_hours_around_now``)."""
    assert message is not None
    assert message.channel == "sms"
    assert message.body.startswith(f"【{company}】"), message.body
    assert message.body.endswith(f"客服热线：{hotline}"), message.body
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(minutes=30)
