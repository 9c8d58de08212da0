"""Template tags shared by every screen: ``{% load ui %}``.

Colours live here, never on models or in templates; a badge always shows its text, so colour is
never the only signal.
"""

from typing import Any

from django import template
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.utils.html import format_html

from aftersales.console.navigation import nav_items_for
from aftersales.core.phones import display_phone
from aftersales.service.choices import OrderStatus, SlaState

register = template.Library()

# Bootstrap "text-bg-*" classes pick a readable text colour for each background.
STATUS_BADGE_CLASSES: dict[str, str] = {
    # order statuses
    OrderStatus.NEW: "text-bg-primary",
    OrderStatus.ACCEPTED: "text-bg-info",
    OrderStatus.DISPATCHED: "text-bg-info",
    OrderStatus.ON_SITE: "text-bg-dark",
    OrderStatus.WAITING: "text-bg-warning",
    OrderStatus.COMPLETED: "text-bg-success",
    OrderStatus.CLOSED: "text-bg-secondary",
    OrderStatus.CANCELLED: "text-bg-light border",
    # SLA states
    SlaState.ON_TRACK: "text-bg-success",
    SlaState.AT_RISK: "text-bg-warning",
    SlaState.OVERDUE: "text-bg-danger",
    SlaState.DONE: "text-bg-secondary",
}
DEFAULT_BADGE_CLASS = "text-bg-secondary"

_LABELS: dict[str, Any] = {**dict(OrderStatus.choices), **dict(SlaState.choices)}

MESSAGE_ALERT_CLASSES: dict[int, str] = {
    message_levels.DEBUG: "alert-secondary",
    message_levels.INFO: "alert-info",
    message_levels.SUCCESS: "alert-success",
    message_levels.WARNING: "alert-warning",
    message_levels.ERROR: "alert-danger",
}


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> list[dict[str, Any]]:
    """The top-bar links for the signed-in user: ``{% nav_items as items %}``.

    Each item has ``key``, ``label``, ``url``, ``icon`` (a Bootstrap Icons name) and ``active``.
    """
    request = context.get("request")
    if request is None:
        return []
    return [
        {
            "key": item.key,
            "label": item.label,
            "url": item.url,
            "icon": item.icon,
            "active": item.is_active(request.path),
        }
        for item in nav_items_for(request.user)
    ]


@register.simple_tag
def status_badge(status: str, label: str = "") -> str:
    """``{% status_badge order.status order.get_status_display %}`` for order statuses and SLA states.

    Without a label the status's own choice label is used; unknown values fall back to grey.
    """
    value = str(status or "")
    text = label or _LABELS.get(value, value)
    css = STATUS_BADGE_CLASSES.get(value, DEFAULT_BADGE_CLASS)
    return format_html('<span class="badge status-badge {}" data-status="{}">{}</span>', css, value, text)


@register.filter
def alert_class(message: Message) -> str:
    """Bootstrap alert class for a ``django.contrib.messages`` message."""
    return MESSAGE_ALERT_CLASSES.get(message.level, "alert-info")


@register.filter
def phone(value: str | None) -> str:
    """A stored phone number as every screen shows it: ``+8613812345678`` → ``138 1234 5678``.

    The one filter for phones in templates; ``tel:`` links keep the stored E.164 form.
    """
    return display_phone(value) if value else ""
