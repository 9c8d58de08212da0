"""An order's timeline: its own events (``OrderEvent``) as a registered timeline source, and one
renderer per event type that turns the event's data into readable lines (old → new, with field
names and choice labels rather than stored codes).

Another app adds entries to an order's timeline by registering its own ``TimelineSource`` for
"service.ServiceOrder" (and, for new event types, a ``TimelineRenderer``) in its ``ready()``; the
order screen shows ``core.registry.timeline_for("service.ServiceOrder", order)``.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aftersales.core.phones import display_phone
from aftersales.core.registry import (
    Change,
    TimelineEntry,
    TimelineRenderer,
    TimelineSource,
    render_changes,
    timeline_renderers,
    timeline_sources,
)
from aftersales.core.text import join_list
from aftersales.coverage.choices import CoverageReason
from aftersales.service import selectors
from aftersales.service.choices import EventType, UnsignedReason, WaitingFor
from aftersales.service.models import OrderEvent, ServiceOrder, Visit


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
    code = data.get("reason")
    text = _yes_no(data.get("covered"))
    if code == CoverageReason.IN_WARRANTY:
        # The reason "in warranty" only repeats the verdict: say until when instead, if the event knows.
        reason = _("until %(day)s") % {"day": data["until"]} if data.get("until") else ""
    else:
        reason = CoverageReason(code).label if code in CoverageReason.values else ""
    # The brackets are in the sentence: Chinese takes full-width ones.
    return _("%(warranty)s (%(reason)s)") % {"warranty": text, "reason": reason} if reason else text


def _when(value: str | None) -> str:
    parsed = parse_datetime(value) if value else None
    return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed else (value or "—")


def _person(data: dict[str, Any] | None) -> str:
    return str(data.get("name", "")) if data else "—"


# ---- one renderer per event type (registered as timeline renderers) ----------------------------
def fields_changed(event: OrderEvent) -> list[Change]:
    return [
        Change(_field_label(name), _field_value(name, diff.get("old")), _field_value(name, diff.get("new")))
        for name, diff in (event.data or {}).items()
        if isinstance(diff, dict)
    ]


def warranty(event: OrderEvent) -> list[Change]:
    data = event.data or {}
    if "warranty" in data:
        lines = [Change(_("Warranty"), "", _warranty(data["warranty"]))]
        if data.get("technician"):  # an imported order (services.imported)
            lines.append(Change(_("Technician"), "", _person(data["technician"])))
        if data.get("diagnosis"):
            lines.append(Change(_field_label("diagnosis"), "", str(data["diagnosis"])))
        return lines
    return [Change(_("Warranty"), _warranty(data.get("old")), _warranty(data.get("new"))), *_misuse(data)]


def assigned(event: OrderEvent) -> list[Change]:
    data = event.data or {}
    lines = [Change(_("Technician"), _person(data.get("old")) if data.get("old") else "", _person(data.get("new")))]
    helpers = [h.get("name", "") for h in data.get("helpers") or []]
    if helpers:
        lines.append(Change(_("Helpers"), "", join_list(helpers)))
    return lines


def due_extended(event: OrderEvent) -> list[Change]:
    data = event.data or {}
    lines = [Change(_("Due at"), _when(data.get("old")), _when(data.get("new")))]
    if data.get("working_days"):
        lines.append(Change(_("Working days"), "", str(data["working_days"])))
    return lines


def _flag(value: Any) -> str:
    return _("Yes") if value else _("No")


def _misuse(data: dict[str, Any]) -> list[Change]:
    """人为损坏 是 → 否 (or 否 → 是) when the event records the finding changing."""
    change = data.get("misuse_found")
    if not isinstance(change, dict):
        return []
    return [Change(_field_label("misuse_found"), _flag(change["old"]), _flag(change["new"]))]


def due_recomputed(event: OrderEvent) -> list[Change]:
    data = event.data or {}
    lines = [Change(_("Due at"), _when(data.get("old")), _when(data.get("new")))]
    if data.get("old_at_risk") != data.get("new_at_risk"):
        lines.append(Change(_("At risk from"), _when(data.get("old_at_risk")), _when(data.get("new_at_risk"))))
    if data.get("warning_cleared"):
        lines.append(Change(_("Calendar warning"), "", _("cleared")))
    return lines


def visit_recorded(event: OrderEvent) -> list[Change]:
    data = event.data or {}
    if data.get("arrived_at"):
        return [Change(_("Arrived at"), "", _when(data["arrived_at"]))]
    shown_apart = "misuse_found" if isinstance(data.get("misuse_found"), dict) else None
    fields = [_field_label(f) for f in data.get("fields") or [] if f != shown_apart]
    lines = [Change(_("Visit record"), "", join_list(fields))] if fields else []
    return lines + _misuse(data)


def signed(event: OrderEvent) -> list[Change]:
    return [Change(_("Signed by"), "", str((event.data or {}).get("signer_name", "")))]


def visit_ended_unsigned(event: OrderEvent) -> list[Change]:
    data = event.data or {}
    reason = data.get("reason")
    lines = (
        [Change(_("Why there is no signature"), "", UnsignedReason(reason).label)]
        if reason in UnsignedReason.values
        else []
    )
    if data.get("note"):
        lines.append(Change(_("Note"), "", str(data["note"])))
    return lines


def status_changed(event: OrderEvent) -> list[Change]:
    waiting = (event.data or {}).get("waiting_for")
    return [Change(_("Waiting for"), "", WaitingFor(waiting).label)] if waiting in WaitingFor.values else []


RENDERERS = {
    EventType.FIELDS_CHANGED: fields_changed,
    EventType.CREATED: warranty,
    EventType.WARRANTY_DECIDED: warranty,
    EventType.WARRANTY_OVERRIDDEN: warranty,
    EventType.ASSIGNED: assigned,
    EventType.REASSIGNED: assigned,
    EventType.DUE_EXTENDED: due_extended,
    EventType.DUE_RECOMPUTED: due_recomputed,
    EventType.VISIT_RECORDED: visit_recorded,
    EventType.SIGNED: signed,
    EventType.VISIT_ENDED_UNSIGNED: visit_ended_unsigned,
    EventType.STATUS_CHANGED: status_changed,
}


# ---- the order's own events as a timeline source -------------------------------------------------
def order_events(order: ServiceOrder) -> list[TimelineEntry]:
    """The order's ``OrderEvent`` rows as timeline entries (one query, actors joined)."""
    labels = dict(EventType.choices)
    return [
        TimelineEntry(
            at=event.created_at,
            title=labels.get(event.type, event.type),
            source="service.events",
            actor=event.actor,
            changes=tuple(render_changes(event.type, event)),
            reason=event.reason,
            template="service/_timeline_event.html",
            object=event,
        )
        for event in selectors.order_events(order=order)
    ]


def register_timeline() -> None:
    for event_type, render in RENDERERS.items():
        timeline_renderers.register(TimelineRenderer(str(event_type), render))
    timeline_sources.register(TimelineSource("service.events", "service.ServiceOrder", order_events, order=10))
