"""What money does when an order changes (service's domain events, docs/architecture.md)."""

from typing import Any

from django.utils.translation import gettext as _

from aftersales.core.errors import ConflictError
from aftersales.money.choices import InvoiceStatus
from aftersales.money.models import Invoice
from aftersales.money.services.charges import rederive_bearers
from aftersales.service.choices import EventType, OrderStatus

COVERAGE_EVENTS = (EventType.WARRANTY_DECIDED, EventType.WARRANTY_OVERRIDDEN)


def on_order_event(*, order: Any, event: Any, actor: Any, **kwargs: Any) -> None:
    """The coverage decision changed (overridden, misuse found): lines nobody overrode follow it."""
    if event.type in COVERAGE_EVENTS and order.charge_lines.exists():
        rederive_bearers(order, by=actor)


def refuse_cancel_while_invoiced(*, order: Any, new_status: str, **kwargs: Any) -> None:
    """An order whose issued invoice is not credited cannot be cancelled (409 ``invoice_issued``): the
    money would stay owed on a cancelled order, its lines invoiced (found by hand, 2026-12-06: an agent
    cancelled an order with a part-paid invoice). Credit the invoice first. The transition's transaction
    rolls back (service/signals.py)."""
    if new_status != OrderStatus.CANCELLED:
        return
    issued = Invoice.objects.filter(order=order, status=InvoiceStatus.ISSUED).order_by("id").first()
    if issued is not None:
        raise ConflictError(
            "invoice_issued",
            _("Invoice %(number)s of this order is issued: credit it before cancelling the order.")
            % {"number": issued.number},
        )
