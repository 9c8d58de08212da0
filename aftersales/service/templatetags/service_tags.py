"""Display helpers for the order screens: ``{% load service_tags %}``.

Due times with "in 2 days" / "3 hours overdue", phone numbers in national format, and the timeline's
event descriptions (old → new, with field names and choice labels rather than stored codes).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from aftersales.core.phones import display_phone
from aftersales.core.templatetags.ui import phone as ui_phone
from aftersales.coverage.choices import CoverageReason
from aftersales.service.choices import EventType, OldParts, OrderStatus, SlaState, WaitingFor
from aftersales.service.models import OrderEvent, ServiceOrder, Visit
from aftersales.service.sla import sla_state

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
    if state == SlaState.OVERDUE:
        text = _("%(time)s overdue") % {"time": timesince(due, now, depth=1)}
        return format_html('{} <small class="due-rel due-overdue">{}</small>', stamp, text)
    text = _("in %(time)s") % {"time": timeuntil(due, now, depth=1)}
    return format_html('{} <small class="due-rel text-body-secondary">{}</small>', stamp, text)


# ---- the timeline ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One line of an event: ``label: old → new`` (``old`` empty for a plain value)."""

    label: str
    old: str
    new: str


def _field_label(name: str) -> str:
    try:
        return str(ServiceOrder._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        try:
            return str(Visit._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name


def _field_value(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    try:
        field = ServiceOrder._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "reporter_phone":
        return display_phone(str(value))
    return str(value)


def _yes_no(value: Any) -> str:
    return _("in warranty") if value else _("not in warranty")


def _warranty(data: dict[str, Any] | None) -> str:
    if not data:
        return "—"
    reason = CoverageReason(data["reason"]).label if data.get("reason") in CoverageReason.values else ""
    text = _yes_no(data.get("covered"))
    return f"{text} ({reason})" if reason else text


def _when(value: str | None) -> str:
    parsed = parse_datetime(value) if value else None
    return local_dt(parsed) if parsed else (value or "—")


def _person(data: dict[str, Any] | None) -> str:
    return str(data.get("name", "")) if data else "—"


@register.simple_tag
def event_changes(event: OrderEvent) -> list[Change]:
    """``{% event_changes event as changes %}``: what an event changed, as readable lines."""
    data = event.data or {}
    kind = event.type
    if kind == EventType.FIELDS_CHANGED:
        return [
            Change(_field_label(name), _field_value(name, diff.get("old")), _field_value(name, diff.get("new")))
            for name, diff in data.items()
            if isinstance(diff, dict)
        ]
    if kind in (EventType.CREATED, EventType.WARRANTY_DECIDED, EventType.WARRANTY_OVERRIDDEN):
        if "warranty" in data:
            return [Change(_("Warranty"), "", _warranty(data["warranty"]))]
        return [Change(_("Warranty"), _warranty(data.get("old")), _warranty(data.get("new")))]
    if kind in (EventType.ASSIGNED, EventType.REASSIGNED):
        lines = [Change(_("Technician"), _person(data.get("old")) if data.get("old") else "", _person(data.get("new")))]
        helpers = [h.get("name", "") for h in data.get("helpers") or []]
        if helpers:
            lines.append(Change(_("Helpers"), "", "、".join(helpers)))
        return lines
    if kind == EventType.DUE_EXTENDED:
        lines = [Change(_("Due at"), _when(data.get("old")), _when(data.get("new")))]
        if data.get("working_days"):
            lines.append(Change(_("Working days"), "", str(data["working_days"])))
        return lines
    if kind == EventType.VISIT_RECORDED:
        if data.get("arrived_at"):
            return [Change(_("Arrived at"), "", _when(data["arrived_at"]))]
        return [Change(_("Visit record"), "", "、".join(_field_label(f) for f in data.get("fields") or []))]
    if kind == EventType.SIGNED:
        return [Change(_("Signed by"), "", str(data.get("signer_name", "")))]
    if kind == EventType.STATUS_CHANGED and data.get("waiting_for") in WaitingFor.values:
        return [Change(_("Waiting for"), "", WaitingFor(data["waiting_for"]).label)]
    return []


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
