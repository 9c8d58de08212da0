"""What the portal reads: a customer's units with today's warranty, their orders, and each order's
timeline as the customer may see it (docs/portal.md "What a customer sees")."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageDecision
from aftersales.coverage.selectors import coverage_prepared, decide_coverage
from aftersales.installed_base.models import Unit
from aftersales.money.choices import QuoteStatus
from aftersales.money.models import Quote
from aftersales.money.services.quotes import quote_token
from aftersales.portal.permissions import PortalUser, portal_orders, portal_units
from aftersales.service.choices import OPEN_STATUSES, EventType, OrderKind, OrderStatus, WaitingFor
from aftersales.service.models import Attachment, OrderEvent, ServiceOrder, Visit


@dataclass(frozen=True)
class Warranty:
    """A unit's warranty today, in the customer's words."""

    covered: bool
    until: datetime.date | None
    explanation: str


def warranties_today(units: list[Unit]) -> list[tuple[Unit, Warranty]]:
    """Each unit with ``warranty_today``, the units' coverage read at once (one statement per source)."""
    with coverage_prepared(units):
        return [(unit, warranty_today(unit)) for unit in units]


def warranty_today(unit: Unit) -> Warranty:
    decision: CoverageDecision = decide_coverage(unit=unit, on=timezone.localdate(), kind=OrderKind.REPAIR)
    reason = CoverageReason(decision.reason).label if decision.reason in CoverageReason.values else ""
    return Warranty(covered=decision.covered, until=decision.until, explanation=str(reason))


def units_of(user: PortalUser) -> QuerySet[Unit]:
    return portal_units(user).select_related("product_model", "customer", "site").order_by("customer__name", "pk")


def orders_of(user: PortalUser) -> QuerySet[ServiceOrder]:
    return portal_orders(user).select_related("unit__product_model", "technician", "customer").order_by("-id")


def open_orders_of(user: PortalUser) -> QuerySet[ServiceOrder]:
    return orders_of(user).filter(status__in=OPEN_STATUSES)


def technician_name(order: ServiceOrder) -> str:
    """The technician's name only (never the login or the phone)."""
    if order.technician is None:
        return ""
    return order.technician.get_full_name() or _("Technician")


@dataclass(frozen=True)
class Step:
    at: datetime.datetime
    title: str
    detail: str = ""


def _due(value: str | None) -> str:
    parsed = parse_datetime(value) if value else None
    return timezone.localtime(parsed).strftime("%Y-%m-%d") if parsed else ""


def _status_title(status: str) -> str:
    titles: dict[str, str] = {
        OrderStatus.NEW: _("We have your report"),
        OrderStatus.ACCEPTED: _("Accepted: we are planning the visit"),
        OrderStatus.DISPATCHED: _("A technician is on the way"),
        OrderStatus.ON_SITE: _("The technician is on site"),
        OrderStatus.WAITING: _("Waiting"),
        OrderStatus.COMPLETED: _("The work is done"),
        OrderStatus.CLOSED: _("Closed"),
        OrderStatus.CANCELLED: _("Cancelled"),
    }
    return titles.get(status, status)


def _step(event: OrderEvent) -> Step | None:
    """One event as the customer may see it, or ``None``: reasons, remarks, warranty workings, field
    edits and everything internal stay out."""
    data = event.data or {}
    if event.type == EventType.CREATED:
        return Step(event.created_at, _("We have your report"))
    if event.type == EventType.STATUS_CHANGED:
        if event.to_status == OrderStatus.NEW:  # reopened: shown as taken up again
            return Step(event.created_at, _("Taken up again"))
        waiting = data.get("waiting_for")
        detail = WaitingFor(waiting).label if waiting in WaitingFor.values else ""
        return Step(event.created_at, _status_title(event.to_status), str(detail))
    if event.type in (EventType.ASSIGNED, EventType.REASSIGNED):
        name = str((data.get("new") or {}).get("name", ""))
        return Step(event.created_at, _("Technician assigned"), name)
    if event.type in (EventType.DUE_EXTENDED, EventType.DUE_RECOMPUTED):
        return Step(event.created_at, _("New due date"), _due(data.get("new")))
    if event.type == EventType.VISIT_RECORDED and data.get("arrived_at"):
        return Step(event.created_at, _("The technician arrived"))
    if event.type == EventType.SIGNED:
        return Step(event.created_at, _("Signed by"), str(data.get("signer_name", "")))
    if event.type == EventType.ATTACHMENT_ADDED and event.actor_id is not None and _is_portal(event):
        return Step(event.created_at, _("Photo received"))
    return None


def _is_portal(event: OrderEvent) -> bool:
    return getattr(event.actor, "system_kind", "") == "portal"


def customer_timeline(order: ServiceOrder) -> list[Step]:
    """The order's events meant for the customer, oldest first (one query)."""
    events = OrderEvent.objects.filter(order=order).select_related("actor").order_by("id")
    return [step for step in (_step(event) for event in events) if step is not None]


def customer_photos(order: ServiceOrder) -> QuerySet[Attachment]:
    """The photos the customer sent (the staff's own stay internal)."""
    return Attachment.objects.filter(order=order, uploaded_by__system_kind="portal").order_by("id")


def signed_visits(order: ServiceOrder) -> QuerySet[Visit]:
    return Visit.objects.filter(order=order, signed_at__isnull=False).select_related("technician").order_by("id")


def quote_links(order: ServiceOrder) -> list[tuple[Quote, str]]:
    """The order's quotes waiting for an answer or answered, with the customer's link (money's page,
    ``/q/<token>/``): the portal links to it and answers nothing itself."""
    quotes = Quote.objects.filter(order=order).exclude(status=QuoteStatus.WITHDRAWN).order_by("-id")
    return [(quote, quote_token(quote)) for quote in quotes]
