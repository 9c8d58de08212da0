"""Who may see and change customers."""

from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.accounts.permissions import STAFF_WRITERS, can_see_centre, has_any_role, scope_by_centre
from aftersales.customers.models import Customer


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return scope_by_centre(Customer.objects.all(), user, field="service_center")


def can_edit_customers(user: User, *, centre_id: int | None = None) -> bool:
    if not has_any_role(user, STAFF_WRITERS):
        return False
    return centre_id is None or can_see_centre(user, centre_id)
