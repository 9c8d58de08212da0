"""Template tags shared by every screen: ``{% load ui %}``.

The top bar and the badges iterate the registries (``core.registry``) that each app fills in its
``ready()``: colours live next to each choice, never on models or in templates; a badge always
shows its text, so colour is never the only signal.
"""

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.utils.html import format_html
from django.utils.translation import gettext

from aftersales.core import registry
from aftersales.core.phones import display_phone
from aftersales.core.renderers import local_time
from aftersales.core.text import label_colon

register = template.Library()

MESSAGE_ALERT_CLASSES: dict[int, str] = {
    message_levels.DEBUG: "alert-secondary",
    message_levels.INFO: "alert-info",
    message_levels.SUCCESS: "alert-success",
    message_levels.WARNING: "alert-warning",
    message_levels.ERROR: "alert-danger",
}


@register.simple_tag(takes_context=True)
def nav_menu(context: template.Context) -> list[dict[str, Any]]:
    """The top bar for the signed-in user: ``{% nav_menu as groups %}``, group after group.

    Each group has ``key``, ``label``, ``active`` (one of its links is the page), ``inline`` and its
    ``items`` (``key``, ``label``, ``url``, ``icon``, ``active``). The first group (the day's work) and a
    group of one link are links in the bar; every other group is one menu under its name, so a manager's
    two dozen areas fit one row at 1280 px.
    """
    request = context.get("request")
    if request is None:
        return []
    groups = []
    for index, (group, entries) in enumerate(registry.nav_for(request.user)):
        items = [
            {
                "key": entry.key,
                "label": entry.label,
                "url": entry.url,
                "icon": entry.icon,
                "active": entry.is_active(request.path),
            }
            for entry in entries
        ]
        groups.append(
            {
                "key": group.key,
                "label": group.label,
                "active": any(item["active"] for item in items),
                "inline": index == 0 or len(items) == 1 or not group.key,
                "items": items,
            }
        )
    return groups


@register.simple_tag(takes_context=True)
def navbar_widgets(context: template.Context) -> list[str]:
    """``{% navbar_widgets as widgets %}``: the templates of the top-bar widgets the user sees
    (``registry.navbar_widgets``), in order, to ``{% include %}``."""
    request = context.get("request")
    if request is None:
        return []
    return [widget.template for widget in registry.navbar_widgets.visible_to(request.user)]


@register.simple_tag
def badge(enum: str, value: Any, label: str = "") -> str:
    """``{% badge "service.OrderStatus" order.status order.get_status_display %}``: a value of a
    registered enum with its colour. Without a label the choice's own label is used; an unknown
    value (or enum) falls back to grey and shows the value."""
    text_value = str(value or "")
    colours = registry.badges.get(enum)
    css = colours.css(text_value) if colours else registry.DEFAULT_BADGE_CLASS
    text = label or (colours.label(text_value) if colours else text_value)
    return format_html(
        '<span class="badge status-badge {}" data-enum="{}" data-status="{}">{}</span>', css, enum, text_value, text
    )


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


@register.filter
def yuan(value: Decimal | str | None) -> str:
    """A CNY amount as a ledger prints it: thousands grouped, to the fen (``12345.6`` → ``12,345.60``).
    The one filter for amounts of money in templates (found by hand, 2026-12-06: screens and PDFs showed
    ``1234567.00``)."""
    return "" if value is None or value == "" else f"{Decimal(value):,.2f}"


@register.filter
def in_yuan(label: str) -> str:
    """A money column's heading with its unit, as Chinese business screens write it: ``{{ _("Net")|in_yuan }}``
    → 净额（元）. The one pattern for the unit, so a column of amounts shows plain ``655.00`` under a heading
    that says what they are (found in a screen review, 2026-12-07: the invoice list and the pay run showed
    amounts with no unit anywhere)."""
    return gettext("%(label)s (CNY)") % {"label": label}


@register.filter
def in_yuan_stacked(label: str) -> str:
    """``in_yuan`` for a table of many money columns: the unit on a line of its own under the label, so
    each heading is as narrow as its label and never breaks inside a word (found in a screen review,
    2026-12-07: the pay run's ten headings broke 考评薪/资 on a phone and "Held / back / (CNY)" at 1280 px).
    The unit comes from the same translated pattern. A hyphen does not break either: "Year-end award" broke
    after "Year-" in English; it becomes a non-breaking hyphen (U+2011)."""
    unit = gettext("%(label)s (CNY)") % {"label": ""}
    return format_html(
        '{}<span class="d-block small fw-normal">{}</span>', str(label).replace("-", "\u2011"), unit.strip()
    )


@register.filter
def cell(value: Any) -> Any:
    """A value of a list of records as the screens write it: a time ``2026-11-13 10:01`` in the business
    zone, a day ``2026-11-13``, nothing as "—" (found by a helper's probe, 2026-12-06: the reports' record
    lists read "Nov. 13, 2026, 10:01 a.m.", Django's default format)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return f"{local_time(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@register.simple_tag
def colon() -> str:
    """``{% translate "Priority" %}{% colon %}{{ value }}``: "优先级：高" in Chinese, "Priority: High" in
    English. The tag replaces the colon and the space after it; any closing tag goes after the tag."""
    return label_colon()
