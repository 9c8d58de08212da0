"""Helpers shared by the service-order writes: locking, version checks, event rows, notices to staff
(what the customer is told is in ``customer_sms.py``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.bulk import insert_one
from aftersales.core.errors import ConflictError, NotFoundError
from aftersales.notifications import services as notifications
from aftersales.service import signals
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.permissions import order_in_scope


def require_order_in_scope(order: ServiceOrder, *, by: User) -> None:
    """An order outside the caller's scope does not exist for them (404), whichever face called."""
    if not order_in_scope(by, order):
        raise NotFoundError("not_found", _("No such order."))


def lock_order(order: ServiceOrder, *, by: User | None = None, expected_version: int | None = None) -> ServiceOrder:
    """Re-read the order under a row lock; refuse with 404 when it is outside ``by``'s scope and
    with 409 when the caller's copy is stale."""
    locked = ServiceOrder.objects.select_for_update().get(pk=order.pk)
    if by is not None:
        require_order_in_scope(locked, by=by)
    if expected_version is not None and expected_version != locked.version:
        raise ConflictError(
            "stale_version",
            _(
                "The order was changed by someone else (your version %(mine)d, current %(current)d). Reload and try again."
            )
            % {"mine": expected_version, "current": locked.version},
            current_version=locked.version,
            current_status=locked.status,
        )
    return locked


def record_event(
    order: ServiceOrder,
    *,
    type: str,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **status: str,
) -> OrderEvent:
    """Write the event row and announce it (``service.signals``) inside the caller's transaction.

    The one place that records order events, so subscribers observe every change; a receiver that
    raises rolls the change back (the services are atomic)."""
    event = insert_one(  # OrderEvent.objects.create, its INSERT written once (core/bulk.py)
        OrderEvent(
            order=order,
            type=type,
            actor=by,
            reason=reason,
            data=data or {},
            from_status=status.get("from_status", ""),
            to_status=status.get("to_status", ""),
        )
    )
    signals.order_event_recorded.send(sender=ServiceOrder, order=order, event=event, actor=by)
    if event.from_status != event.to_status and event.to_status:
        signals.order_status_changed.send(
            sender=ServiceOrder,
            order=order,
            event=event,
            actor=by,
            old_status=event.from_status,
            new_status=event.to_status,
        )
    return event


def record_events(
    changes: list[tuple[ServiceOrder, dict[str, Any]]], *, type: str, by: User | None, reason: str = ""
) -> list[OrderEvent]:
    """``record_event`` for many orders at once (no status move): the rows in one bulk insert, then
    each announced as ``record_event`` announces it, inside the caller's transaction."""
    events = OrderEvent.objects.bulk_create(
        OrderEvent(order=order, type=type, actor=by, reason=reason, data=data) for order, data in changes
    )
    for event in events:
        signals.order_event_recorded.send(sender=ServiceOrder, order=event.order, event=event, actor=by)
    return events


def notify_user(*, user: User, order: ServiceOrder, message: str, event: OrderEvent) -> None:
    """An in-app notice leading to the order and an SMS, through the outbox (after commit, once per event)."""
    notifications.notify_user(
        user=user,
        message=message,
        subject=order.number,
        url=reverse("service:order_detail", kwargs={"order_id": order.pk}),
        target=order,
        key=f"order-{order.pk}-event-{event.pk}-user-{user.pk}",
    )
