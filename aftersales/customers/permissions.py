"""Who may see and change customers."""

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.core.errors import NotFoundError, PermissionDeniedError
from aftersales.customers.models import Customer

# A technician sees only the customers of their own jobs. The jobs live in apps above this one
# (service orders; contracts later), so each of them registers, from its AppConfig.ready(), a function
# that answers "the ids of the customers this technician works for" (a subquery); customers never
# imports them (docs/architecture.md, Layers).
TechnicianCustomers = Callable[[User], QuerySet[Any]]
_technician_customers: list[TechnicianCustomers] = []


def register_technician_customers(source: TechnicianCustomers) -> TechnicianCustomers:
    """Add a source of the customers a technician may see (registering the same one twice is a no-op)."""
    if source not in _technician_customers:
        _technician_customers.append(source)
    return source


# The customers rows of the capability table (registered by CustomersConfig.ready()).
CAPABILITIES = (
    capability(
        "customers.view_centre_customers",
        _("See the customers of one's centre"),
        *(role for role in Role.values if role != Role.TECHNICIAN),
    ),
    capability(
        "customers.edit_customers",
        _("Add and edit customers, contacts, sites and units"),
        Role.AGENT,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.ADMIN,
        systems=(SystemActor.IMPORTER,),
    ),
)


def sees_centre_customers(user: User) -> bool:
    """Without this a user (a technician) sees only the customers of their own jobs."""
    return has_capability(user, "customers.view_centre_customers")


def sees_own_customers_only(user: User) -> bool:
    """An active user scoped to the customers of their own jobs (a technician), not by centre: the branch
    ``customers_visible_to`` and the units' scopes take."""
    return user.is_authenticated and user.is_active and not sees_centre_customers(user)


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """Desk roles see their centre's customers; a technician only the customers of their own jobs
    (their phone numbers are nobody else's business)."""
    if sees_own_customers_only(user):
        if not _technician_customers:
            return Customer.objects.none()
        condition = Q()
        for source in _technician_customers:
            condition |= Q(pk__in=source(user))
        return Customer.objects.filter(condition)
    return scope_by_centre(Customer.objects.all(), user, field="service_center")


def can_edit_customers(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "customers.edit_customers", centre_id=centre_id)


def can_import_customers(user: User) -> bool:
    """The customer import (and its template): whoever may add customers."""
    return can_edit_customers(user)


def can_export_customers(user: User) -> bool:
    """The customer export: anyone who sees customers gets their own scope (it may be empty)."""
    return bool(user.is_authenticated and user.is_active)


def require_may_edit_customer(
    user: User, *, centre_id: int, not_found: str | Promise | None = None, field: str | None = None
) -> None:
    """What every customer write asks first: 403 for a caller who may edit no customer, 404 for a
    record of a centre outside their scope (it does not exist for them). Writes nothing."""
    if not can_edit_customers(user):
        raise PermissionDeniedError("forbidden", gettext("You may not change customers."))
    if not can_edit_customers(user, centre_id=centre_id):
        raise NotFoundError("not_found", str(not_found or gettext("No such customer.")), field=field)
