"""Notices are written the way the app writes them: through the outbox and the in-app channel."""

from typing import Any

from aftersales.accounts.models import User
from aftersales.notifications.models import Notification
from aftersales.notifications.services import enqueue_message, relay_due_messages


def make_notice(user: User, message: str = "SO1 was assigned to you", **context: Any) -> Notification:
    message_row = enqueue_message(channel="in_app", recipient=str(user.pk), body=message, context=context)
    relay_due_messages()
    return Notification.objects.get(source_key=message_row.key)
