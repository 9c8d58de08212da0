"""One FilterSet for customers: the customer list (API and screens) and the customer export."""

import re
from typing import cast

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core.phones import phone_search_key
from aftersales.customers.choices import CustomerKind
from aftersales.customers.models import Contact, Customer
from aftersales.customers.querysets import CustomerQuerySet

# The digits of a phone number a caller gives in part (尾号 5678, or the first digits): at least this many.
PHONE_DIGITS_MIN = 4
_PHONE_PUNCTUATION = re.compile(r"[\s()+-]")


def search_customers(qs: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """The one search box (the customer screen's, ``search`` of the list and the export): a phone
    number in whatever form it is written finds the customers with a contact on it; digits that are
    no whole number (four or more: a number's tail or head) those with a contact whose number
    contains them; any other text the customers whose name contains it."""
    text = text.strip()
    if not text:
        return qs
    if key := phone_search_key(text):
        return _with_contact(qs, mobile=key)
    digits = _PHONE_PUNCTUATION.sub("", text)
    if digits.isascii() and digits.isdigit() and len(digits) >= PHONE_DIGITS_MIN:
        return _with_contact(qs, mobile__contains=digits)
    return cast(CustomerQuerySet, qs).name_contains(text)


def _with_contact(qs: QuerySet[Customer], **lookup: str) -> QuerySet[Customer]:
    return qs.filter(pk__in=Contact.objects.filter(**lookup).values("customer_id"))


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=100, label=_("Name or phone number"))
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

    def filter_search(self, qs: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        return search_customers(qs, value)

    def filter_phone(self, qs: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        """Any contact on this number, in whatever form it is written (``138-1234-5678``,
        ``+86 138 1234 5678``); text that is no phone number matches nobody."""
        if not value:
            return qs
        key = phone_search_key(value)
        return _with_contact(qs, mobile=key) if key else qs.none()
