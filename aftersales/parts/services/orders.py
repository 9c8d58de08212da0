"""What the parts services ask of a service order: in the caller's scope, still open, and locked
while stock is written against it."""

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.permissions import order_in_scope


def require_open_order(order: ServiceOrder, *, by: User) -> ServiceOrder:
    """The order read again under its row lock, inside the caller's transaction: 404 outside the
    caller's scope, 409 ``order_not_open`` once it is completed, closed or cancelled (no part goes to
    an order that is done).

    The lock is what makes the check hold until the parts are written: completing, cancelling or
    closing the order and signing a visit lock the order first (``service.services.common.lock_order``),
    so they wait for the parts, or the parts wait for them and are refused. The parts services take it
    before any stock or reservation row, the order in which completion takes them (the order, then
    ``release_for_order``'s reservations and stock): docs/architecture.md, "Row locks". ``FOR NO KEY
    UPDATE`` still conflicts with the service's ``FOR UPDATE`` (and with itself), but not with the key
    share a new row referring to the order takes. A receipt filling a waiting reservation of this order
    takes the same lock first too, before its stock row (``reservations.lock_waiting``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("require_open_order runs inside the caller's transaction")
    fresh = ServiceOrder.objects.select_for_update(no_key=True).get(pk=order.pk)
    if not order_in_scope(by, fresh):
        raise NotFoundError("not_found", _("No such order."), field="order")
    if not fresh.is_open:
        raise ConflictError(
            "order_not_open",
            _("Order %(number)s is %(status)s: parts go only to open orders.")
            % {"number": fresh.number, "status": fresh.get_status_display()},
            field="order",
        )
    return fresh


def require_unsigned_visit(visit: Visit) -> Visit:
    """The visit read again; 409 ``visit_signed`` once the customer has signed it (``visit_ended`` once it
    ended without a signature): the signed record is
    what the customer confirmed, so no part is added to it afterwards (the phone page hides the parts
    then; the service refuses them too). Call with the order locked (``require_open_order``):
    ``sign_visit`` locks the order first, so the signature cannot come between this check and the
    parts."""
    fresh = Visit.objects.get(pk=visit.pk)
    if fresh.signed_at is not None:
        raise ConflictError(
            "visit_signed",
            _("The customer has signed this visit record: parts can no longer be added to it."),
            field="visit",
        )
    if fresh.unsigned_reason:  # ended without a signature: as final (service.services.visits)
        raise ConflictError(
            "visit_ended",
            _("This visit ended without a signature: parts can no longer be added to it."),
            field="visit",
        )
    return fresh


def order_is_open(order: ServiceOrder) -> bool:
    return order.is_open
