"""Reads on customers: lookup by any contact's phone number, search by name."""

from django.db.models import Prefetch, QuerySet

from aftersales.accounts.models import User
from aftersales.core.phones import phone_search_key
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.permissions import customers_visible_to


def customers_by_phone(*, user: User, phone: str) -> QuerySet[Customer]:
    """Customers in the user's scope with any contact on this number (any written form of it)."""
    key = phone_search_key(phone)
    if key is None:
        return Customer.objects.none()
    ids = Contact.objects.filter(mobile=key).values("customer_id")
    return customers_visible_to(user).filter(pk__in=ids)


def customer_list(*, user: User) -> QuerySet[Customer]:
    return (
        customers_visible_to(user)
        .select_related("service_center")
        .prefetch_related(
            # Those in use first; the ones taken out of use are still listed (old orders name them).
            Prefetch("contacts", queryset=Contact.objects.order_by("-in_use", "-is_primary", "id")),
            Prefetch("sites", queryset=Site.objects.order_by("-in_use", "id")),
        )
    )
