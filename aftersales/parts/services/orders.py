"""What the parts services ask of a service order: in the caller's scope, and still open."""

from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import order_in_scope


def require_open_order(order: ServiceOrder, *, by: User) -> ServiceOrder:
    """The order read again: 404 outside the caller's scope, 409 ``order_not_open`` once it is
    completed, closed or cancelled (no part goes to an order that is done)."""
    fresh = ServiceOrder.objects.get(pk=order.pk)
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


def order_is_open(order: ServiceOrder) -> bool:
    return order.is_open
