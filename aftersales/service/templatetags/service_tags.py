"""Display helpers for the order screens: ``{% load service_tags %}``.

Due times with "in 2 days" / "3 hours overdue", phone numbers in national format, and the timeline's
event descriptions (old → new, with field names and choice labels rather than stored codes).
"""

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from aftersales.core.registry import render_changes
from aftersales.core.templatetags.ui import phone as ui_phone
from aftersales.service.choices import EventType, OldParts, OrderStatus, SlaState
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.panels import render_order_panels_html, render_visit_panels
from aftersales.service.sla import finished_in_time, sla_state

register = template.Library()

# The same filter as ``{% load ui %}``'s, for templates that load only these tags.
register.filter("phone", ui_phone)


@register.filter
def local_dt(value: datetime.datetime | None) -> str:
    """A date-time in the site's time zone as ``2026-12-01 17:30`` (the same in both languages)."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.simple_tag
def sla_outcome(order: ServiceOrder) -> SafeString:
    """A finished order's SLA column: in time or late (its "done" state would only repeat the status
    beside it; found by hand, 2026-12-06); a dash for an order cancelled before it was completed."""
    in_time = finished_in_time(order)
    if in_time is None:
        return format_html('<span class="text-body-secondary" data-outcome="none">{}</span>', "—")
    if in_time:
        return format_html(
            '<span class="text-success text-nowrap" data-outcome="in_time">{}</span>', _("Finished in time")
        )
    return format_html(
        '<span class="text-danger-emphasis text-nowrap" data-outcome="late">{}</span>', _("Finished late")
    )


@register.simple_tag
def order_sla(order: ServiceOrder) -> str:
    """``{% order_sla order as state %}``: the SLA state now (on_track, at_risk, overdue, done)."""
    return sla_state(order)


@register.simple_tag
def due_time(order: ServiceOrder, state: str = "") -> SafeString:
    """The due time with how long is left (or how long it is overdue); closed orders show the time only."""
    due = order.due_at
    stamp = format_html('<time datetime="{}">{}</time>', due.isoformat(), local_dt(due))
    state = state or sla_state(order)
    now = timezone.now()
    if state == SlaState.DONE:
        return stamp
    if state == SlaState.OVERDUE and due >= now:  # the response is overdue, the repair is not yet
        text = _("no response for %(time)s past the respond-by time") % {
            "time": timesince(order.respond_by, now, depth=1)
        }
        return format_html('{} <small class="due-rel due-overdue">{}</small>', stamp, text)
    if state == SlaState.OVERDUE:
        text = _("%(time)s overdue") % {"time": timesince(due, now, depth=1)}
        return format_html('{} <small class="due-rel due-overdue">{}</small>', stamp, text)
    text = _("in %(time)s") % {"time": timeuntil(due, now, depth=1)}
    return format_html('{} <small class="due-rel text-body-secondary">{}</small>', stamp, text)


@register.simple_tag
def event_changes(event: OrderEvent) -> list[Any]:
    """``{% event_changes event as changes %}``: what an event changed, as readable lines, from the
    renderer registered for its type (``service/timeline.py``; other apps may add types)."""
    return render_changes(event.type, event)


@register.filter
def status_label(value: str) -> str:
    return str(OrderStatus(value).label) if value in OrderStatus.values else value


@register.filter
def old_parts_label(value: str) -> str:
    return str(OldParts(value).label) if value in OldParts.values else value


@register.filter
def event_label(value: str) -> str:
    return str(EventType(value).label) if value in EventType.values else value


@register.simple_tag
def rating_stars(rating: int | None) -> SafeString:
    """``★★★★☆ 4/5`` with the number as text (stars alone are not read out)."""
    if not rating:
        return format_html("{}", "—")
    return format_html(
        '<span aria-hidden="true" class="rating-stars">{}</span> {}/5', "★" * rating + "☆" * (5 - rating), rating
    )


@register.simple_tag(takes_context=True)
def visit_panels(context: template.Context, visit: Any, place: str) -> SafeString:
    """What other apps show for ``visit`` at ``place`` ("page", "phone", "print"): ``service.panels``."""
    return render_visit_panels(context.get("request"), visit, place)


@register.simple_tag(takes_context=True)
def order_panels(context: template.Context, order: Any) -> SafeString:
    """What other apps show about ``order`` (``service.panels.order_panels``)."""
    return render_order_panels_html(context.get("request"), order)
