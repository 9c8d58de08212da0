"""Who may see units: those who may see their owner."""

import functools

from django.db.models import Q, QuerySet

from aftersales.accounts.models import User
from aftersales.accounts.permissions import centre_scope, scope_by_centre
from aftersales.core.compiled import InstancesBy, instances
from aftersales.customers.permissions import can_edit_customers, customers_visible_to, sees_own_customers_only
from aftersales.installed_base.models import Unit


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Units of the customers the user may see."""
    if sees_own_customers_only(user):
        return Unit.objects.filter(customer__in=customers_visible_to(user))
    return scope_by_centre(Unit.objects.all(), user, field="customer__service_center")


def visible_unit(user: User, *, unit_id: int, customer_id: int, related: tuple[str, ...] = ()) -> Unit | None:
    """Unit ``unit_id`` of customer ``customer_id``, read with its ``related`` rows (as ``select_related``
    reads them), if it is in ``units_visible_to(user)``; else None.

    For a user who sees their centre's customers (the desk roles), whose scope is every centre or one,
    the read is a statement compiled once per process with the centre as a parameter (the unit of every
    order opened: building and compiling ``units_visible_to``'s subquery for it was a sixth of a
    create's Python); such a user of no centre, or inactive, sees no unit and nothing is read. Any other
    scope (a technician's customers) reads through ``units_visible_to`` itself.
    ``service/tests/test_customer_scope.py`` checks both against ``units_visible_to`` for every role."""
    if sees_own_customers_only(user):
        visible = Q(pk__in=units_visible_to(user).values("pk"))
        found = instances(Unit, related, visible, pk=unit_id, customer_id=customer_id)
    else:
        every_centre, one_centre = _unit_reads(related)
        scope = centre_scope(user)
        if scope.every:
            found = every_centre(unit_id, customer_id)
        elif scope.centre_id is not None:
            found = one_centre(unit_id, customer_id, scope.centre_id)
        else:
            found = []
    return found[0] if found else None


@functools.cache
def _unit_reads(related: tuple[str, ...]) -> tuple[InstancesBy, InstancesBy]:
    return (
        InstancesBy(Unit, related, "pk", "customer_id"),
        InstancesBy(Unit, related, "pk", "customer_id", "customer__service_center"),
    )


def can_import_units(user: User) -> bool:
    """The unit import (and its template): whoever may register units, i.e. edit customers."""
    return can_edit_customers(user)


def can_export_units(user: User) -> bool:
    """The unit export: anyone signed in gets the units in their own scope (it may be empty)."""
    return bool(user.is_authenticated and user.is_active)
