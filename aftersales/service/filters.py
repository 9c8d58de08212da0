"""One FilterSet for service orders: the order list screen and the API's query parameters."""

import datetime
import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.filtering import DayFilter
from aftersales.core.phones import phone_search_key
from aftersales.customers.models import Contact, Customer
from aftersales.installed_base.models import Unit
from aftersales.service.choices import Channel, OrderKind, OrderStatus, Priority, SlaState
from aftersales.service.models import ServiceOrder


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


ORDER_NUMBER = re.compile(r"^SO\d{6,13}$", re.IGNORECASE)


# Up to this many matching customers are passed to the order query as a literal list, which lets
# PostgreSQL use the (customer, -id) index; beyond it, a fragment so common that the newest orders
# match anyway is left as a subquery.
ID_LIST_LIMIT = 1000


def _ids_or_subquery(qs: QuerySet, field: str = "id") -> list[int] | QuerySet:
    ids = list(qs.values_list(field, flat=True)[: ID_LIST_LIMIT + 1])
    return ids if len(ids) <= ID_LIST_LIMIT else qs.values(field)


def search_orders(qs: QuerySet[ServiceOrder], text: str) -> QuerySet[ServiceOrder]:
    """Search by order number, any phone number (reporter or customer contact), serial number or
    customer name — whichever the text looks like.

    Matching customers and units are looked up first (small, indexed queries); the order query then
    filters on their ids, so it walks an index instead of testing every order (benchmarks/README.md).
    """
    text = text.strip()[:100]
    if not text:
        return qs
    if ORDER_NUMBER.match(text):
        return qs.filter(number=text.upper())
    phone = phone_search_key(text) if sum(c.isdigit() for c in text) >= 7 else None
    if phone:
        customers = _ids_or_subquery(Contact.objects.filter(mobile=phone), "customer_id")
        return qs.filter(Q(reporter_phone=phone) | Q(customer_id__in=customers))
    units = list(Unit.objects.filter(serial_number=text.upper()).values_list("id", flat=True))
    customers = _ids_or_subquery(Customer.objects.name_contains(text))
    return qs.filter(Q(unit_id__in=units) | Q(customer_id__in=customers))


class ServiceOrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=OrderStatus.choices,
        label=_("Status"),
        distinct=False,  # no JOIN here: DISTINCT would only cost
    )
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices, label=_("Kind"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    service_center = django_filters.NumberFilter(field_name="service_center_id", label=_("Service centre"))
    technician = django_filters.NumberFilter(field_name="technician_id", label=_("Technician"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Unit"))
    sla_state = django_filters.ChoiceFilter(choices=SlaState.choices, method="filter_sla_state", label=_("SLA state"))
    response_state = django_filters.ChoiceFilter(
        choices=SlaState.choices, method="filter_response_state", label=_("Response")
    )
    resolution_state = django_filters.ChoiceFilter(
        choices=SlaState.choices, method="filter_resolution_state", label=_("Resolution")
    )
    # Local days, compared with the stored column (methods below), never ``received_at__date``.
    received_from = DayFilter(method="filter_received_from", label=_("Received from"))
    received_to = DayFilter(method="filter_received_to", label=_("Received to"))
    unassigned = django_filters.BooleanFilter(field_name="technician", lookup_expr="isnull", label=_("Unassigned"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = ServiceOrder
        fields: list[str] = []

    def filter_sla_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_sla_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_response_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_response_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_resolution_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_resolution_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_received_from(
        self, qs: QuerySet[ServiceOrder], name: str, value: datetime.date
    ) -> QuerySet[ServiceOrder]:
        # Compare with local midnight rather than ``received_at__date``: no conversion on the column,
        # so the index on received_at is used.
        return qs.filter(received_at__gte=local_midnight(value)) if value else qs

    def filter_received_to(self, qs: QuerySet[ServiceOrder], name: str, value: datetime.date) -> QuerySet[ServiceOrder]:
        return qs.filter(received_at__lt=local_midnight(value + datetime.timedelta(days=1))) if value else qs

    def filter_q(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return search_orders(qs, value)
