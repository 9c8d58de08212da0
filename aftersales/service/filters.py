"""One FilterSet for service orders: the order list screen and the API's query parameters."""

import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core.phones import phone_search_key
from aftersales.customers.models import Contact, Customer
from aftersales.service.choices import OrderKind, OrderStatus, Priority, SlaState
from aftersales.service.models import ServiceOrder

ORDER_NUMBER = re.compile(r"^SO\d{6,13}$", re.IGNORECASE)


def search_orders(qs: QuerySet[ServiceOrder], text: str) -> QuerySet[ServiceOrder]:
    """Search by order number, any phone number (reporter or customer contact), serial number or
    customer name — whichever the text looks like."""
    text = text.strip()[:100]
    if not text:
        return qs
    if ORDER_NUMBER.match(text):
        return qs.filter(number=text.upper())
    phone = phone_search_key(text) if sum(c.isdigit() for c in text) >= 7 else None
    if phone:
        contact_customers = Contact.objects.filter(mobile=phone).values("customer_id")
        return qs.filter(Q(reporter_phone=phone) | Q(customer_id__in=contact_customers))
    by_name = Customer.objects.filter(name__icontains=text).values("id")
    return qs.filter(Q(unit__serial_number=text.upper()) | Q(customer_id__in=by_name))


class ServiceOrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices, label=_("Kind"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    service_center = django_filters.NumberFilter(field_name="service_center_id", label=_("Service centre"))
    technician = django_filters.NumberFilter(field_name="technician_id", label=_("Technician"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Unit"))
    sla_state = django_filters.ChoiceFilter(choices=SlaState.choices, method="filter_sla_state", label=_("SLA state"))
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from")
    )
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte", label=_("Received to"))
    unassigned = django_filters.BooleanFilter(field_name="technician", lookup_expr="isnull", label=_("Unassigned"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = ServiceOrder
        fields: list[str] = []

    def filter_sla_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_sla_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_q(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return search_orders(qs, value)
