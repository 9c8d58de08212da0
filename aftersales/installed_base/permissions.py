"""Who may see units: those who may see their owner."""

from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.customers.permissions import can_edit_customers, customers_visible_to, sees_centre_customers
from aftersales.installed_base.models import Unit


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Units of the customers the user may see."""
    if user.is_authenticated and user.is_active and not sees_centre_customers(user):
        return Unit.objects.filter(customer__in=customers_visible_to(user))
    return scope_by_centre(Unit.objects.all(), user, field="customer__service_center")


def can_import_units(user: User) -> bool:
    """The unit import (and its template): whoever may register units, i.e. edit customers."""
    return can_edit_customers(user)


def can_export_units(user: User) -> bool:
    """The unit export: anyone signed in gets the units in their own scope (it may be empty)."""
    return bool(user.is_authenticated and user.is_active)
