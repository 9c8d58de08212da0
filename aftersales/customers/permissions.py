"""Who may see and change customers."""

from django.db.models import QuerySet

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import STAFF_WRITERS, can_see_centre, has_any_role, scope_by_centre
from aftersales.customers.models import Customer


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """Desk roles see their centre's customers; a technician only the customers of their own jobs
    (their phone numbers are nobody else's business)."""
    if user.is_authenticated and user.role == Role.TECHNICIAN and not user.is_superuser:
        from aftersales.service.permissions import orders_visible_to

        return Customer.objects.filter(pk__in=orders_visible_to(user).values("customer_id"))
    return scope_by_centre(Customer.objects.all(), user, field="service_center")


def can_edit_customers(user: User, *, centre_id: int | None = None) -> bool:
    if not has_any_role(user, STAFF_WRITERS):
        return False
    return centre_id is None or can_see_centre(user, centre_id)
