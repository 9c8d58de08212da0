"""One FilterSet for customers: the customer list (API and screens) and the customer export."""

from typing import cast

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core.phones import phone_search_key
from aftersales.customers.choices import CustomerKind
from aftersales.customers.models import Contact, Customer
from aftersales.customers.querysets import CustomerQuerySet


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_name", max_length=100, label=_("Name"))
    phone = django_filters.CharFilter(method="filter_phone", max_length=30, label=_("Phone"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Kind"))
    service_center_id = django_filters.NumberFilter(field_name="service_center_id", label=_("Service centre"))

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_name(self, qs: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        """The name contains the text, ignoring case (``CustomerQuerySet.name_contains``: indexed)."""
        return cast(CustomerQuerySet, qs).name_contains(value) if value else qs

    def filter_phone(self, qs: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        """Any contact on this number, in whatever form it is written (``138-1234-5678``,
        ``+86 138 1234 5678``); text that is no phone number matches nobody."""
        if not value:
            return qs
        key = phone_search_key(value)
        if key is None:
            return qs.none()
        return qs.filter(pk__in=Contact.objects.filter(mobile=key).values("customer_id"))
