"""Dispatch: one responsible technician (and helpers) per order (domain.md Intake §12: dispatch at once)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import holds_through_role
from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import site_language
from aftersales.core.validation import choice_label, require_text
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.dispatch_checks import dispatch_refusals, refusal_text
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import can_assign, can_override_dispatch_checks
from aftersales.service.services.common import lock_order, notify_user, record_event
from aftersales.service.services.customer_sms import tell_technician_assigned
from aftersales.service.services.orders import transition_order

ASSIGNABLE = (OrderStatus.NEW, OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.WAITING)


def _check_technician(user: User, *, field: str, centre_id: int) -> None:
    # Another centre's staff first, and unnamed: a dispatcher trying ids would otherwise read the name of
    # everyone in every centre from the refusals (found by hand, 2026-12-06).
    if user.service_center_id != centre_id:
        raise ValidationFailed("other_centre", _("That person works for another service centre."), field=field)
    if not holds_through_role(user, "service.work_assigned"):
        raise ValidationFailed(
            "not_a_technician", _("%(name)s is not an active technician.") % {"name": user}, field=field
        )


def _check_dispatchable(order: ServiceOrder, technician: User, *, by: User, override: bool, reason: str) -> list[str]:
    """Refuse a technician a dispatch check refuses; answer the reasons an override set aside."""
    refusals = dispatch_refusals(orders=[order], technicians=[technician], at=timezone.now()).get(
        (order.pk, technician.pk), []
    )
    if not refusals:
        return []
    blocking = [r for r in refusals if not r.overridable] if override else refusals
    if blocking:
        raise ValidationFailed(
            "not_dispatchable",
            _("%(name)s cannot be given this order: %(reasons)s")
            % {"name": technician, "reasons": refusal_text(blocking)},
            field="technician_id",
            reasons=[{"check": r.check, "reason": r.reason, "overridable": r.overridable} for r in blocking],
        )
    if not can_override_dispatch_checks(by, order):
        raise PermissionDeniedError("forbidden", _("You may not override the dispatch rules."))
    if not reason:
        raise ValidationFailed("reason_required", _("Give a reason for the override."), field="reason")
    return [r.reason for r in refusals]


@transaction.atomic
def assign_technician(
    order: ServiceOrder,
    *,
    by: User,
    technician: User,
    helpers: Sequence[User] = (),
    reason: str = "",
    expected_version: int | None = None,
    override: bool = False,
) -> ServiceOrder:
    """Give the order to a technician. An order that already has one is *reassigned*, which needs a
    reason. Two dispatchers assigning the same unassigned order: the row lock lets the first win; the
    second sees a technician and gets 409 ``already_assigned``.

    A technician a registered dispatch check refuses (absent, no valid certificate) answers 400
    ``not_dispatchable`` naming the reasons; ``override=True`` sets aside the overridable ones for a
    user holding ``service.override_dispatch_checks``, with a reason, and the event records them."""
    if not can_assign(by):
        raise PermissionDeniedError("forbidden", _("Only dispatchers and service managers assign orders."))
    order = lock_order(order, by=by, expected_version=expected_version)
    if order.status not in ASSIGNABLE:
        raise ConflictError(
            "transition_not_allowed",
            _("An order that is “%(status)s” cannot be assigned.")
            % {"status": choice_label(OrderStatus, order.status)},
        )
    reason = require_text(reason, field="reason", max_length=500, required=False)
    reassign = order.technician_id is not None
    if reassign and expected_version is None and not reason:
        raise ConflictError(
            "already_assigned",
            _("%(number)s was assigned to %(name)s already. Reassign it with a reason if it should change.")
            % {"number": order.number, "name": order.technician},
            technician_id=order.technician_id,
            current_version=order.version,
        )
    if reassign and not reason:
        raise ValidationFailed("reason_required", _("Give a reason for the reassignment."), field="reason")
    if reassign and order.technician_id == technician.pk and not helpers:
        raise ConflictError("already_assigned", _("The order is already assigned to %(name)s.") % {"name": technician})
    _check_technician(technician, field="technician_id", centre_id=order.service_center_id)
    for helper in helpers:
        _check_technician(helper, field="helper_ids", centre_id=order.service_center_id)
    overridden = _check_dispatchable(order, technician, by=by, override=override, reason=reason)
    previous = order.technician
    order.technician = technician
    order.version += 1
    order.save()
    order.helpers.set([h for h in helpers if h.pk != technician.pk])
    event = record_event(
        order,
        type=EventType.REASSIGNED if reassign else EventType.ASSIGNED,
        by=by,
        reason=reason,
        data={
            "old": {"id": previous.pk, "name": str(previous)} if previous else None,
            "new": {"id": technician.pk, "name": str(technician)},
            "helpers": [{"id": h.pk, "name": str(h)} for h in helpers],
            **({"overridden": overridden} if overridden else {}),
        },
    )
    if order.status in (OrderStatus.NEW, OrderStatus.ACCEPTED):
        if order.status == OrderStatus.NEW:
            order = transition_order(order, to=OrderStatus.ACCEPTED, by=by)
        order = transition_order(order, to=OrderStatus.DISPATCHED, by=by)
    with site_language():
        message = _("Service order %(number)s was assigned to you: %(customer)s.") % {
            "number": order.number,
            "customer": order.customer.name,
        }
    notify_user(user=technician, order=order, message=message, event=event)
    if previous is None or previous.pk != technician.pk:  # helpers changed only: nothing new for the customer
        tell_technician_assigned(order, technician=technician, event=event)
    return order
