"""How the outbox screen and API show a message to a reader: the recipient (masked unless the reader
may see it whole), the text (unless secret) and the record it is about."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.notifications.channels import mask
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import can_requeue

# Business records a message key names, linked by their URL name (the app that owns the page decides
# who may open it). Keys are written by the senders: docs/notifications.md, "Who sends what".
KEY_LINKS = ((re.compile(r"^order-(\d+)-"), "service:order_detail", gettext_lazy("Service order")),)


@dataclass
class Source:
    """The record a message is about, as far as its context or key says."""

    label: str
    url: str = ""


def source_of(message: OutboxMessage) -> Source | None:
    """Where a message came from: the in-app notice's link and target, or a record its key names."""
    context = message.context if isinstance(message.context, dict) else {}
    url = str(context.get("url") or "")
    if not (url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)):
        url = ""
    if context.get("target"):
        return Source(f"{context['target']} #{context.get('target_id', '')}", url)
    for pattern, url_name, label in KEY_LINKS:
        found = pattern.match(message.key)
        if found:
            try:
                url = url or reverse(url_name, args=[int(found.group(1))])
            except NoReverseMatch:
                pass
            return Source(f"{label} #{found.group(1)}", url)
    return Source(url, url) if url else None


def shown_recipient(message: OutboxMessage, *, full: bool, users: dict[str, Any]) -> str:
    """The recipient as this reader may see it: a user's name for an in-app notice, a robot's name as
    it is, a number or an address masked unless ``full``."""
    if message.channel == MessageChannel.IN_APP:
        user = users.get(message.recipient)
        return f"{user.get_full_name() or user.username}" if user else f"#{message.recipient}"
    if message.channel in (MessageChannel.SMS, MessageChannel.EMAIL) and not full:
        return mask(message.recipient)
    return message.recipient


def shown_body(message: OutboxMessage) -> str:
    """The text, unless its sender marked it secret (a sign-in code): nobody reads that here."""
    if isinstance(message.context, dict) and message.context.get("secret"):
        return _("(hidden: the text holds a secret, such as a sign-in code)")
    return message.body or _("(rendered from the template %(template)s when sent)") % {"template": message.template}


def mark_states(messages: list[OutboxMessage], *, now: datetime.datetime | None = None) -> None:
    """Set ``gave_up`` (failed, never tried again) and ``stuck`` (sending past the stuck time) on each."""
    now = now or timezone.now()
    for message in messages:
        message.gave_up = message.status == MessageStatus.FAILED and message.next_attempt_at is None  # type: ignore[attr-defined]
        message.stuck = message.status == MessageStatus.SENDING and can_requeue(message, now=now)  # type: ignore[attr-defined]
