"""One FilterSet for service orders: the order list screen and the API's query parameters."""

import datetime
import functools
import operator
import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.filtering import DayFilter
from aftersales.core.phones import phone_search_key
from aftersales.customers.models import Contact, Customer
from aftersales.installed_base.models import Unit
from aftersales.service.choices import Channel, OrderKind, OrderStatus, Priority, SlaState, WaitingFor
from aftersales.service.models import ServiceOrder


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


ORDER_NUMBER = re.compile(r"^SO[0-9]{6,13}$", re.IGNORECASE)


# Up to this many matching customers are passed to the order query as a literal list, which lets
# PostgreSQL use the (customer, -id) index; beyond it, a fragment so common that the newest orders
# match anyway is left as a subquery.
ID_LIST_LIMIT = 1000


def _ids_or_subquery(qs: QuerySet, field: str = "id") -> list[int] | QuerySet:
    ids = list(qs.values_list(field, flat=True)[: ID_LIST_LIMIT + 1])
    return ids if len(ids) <= ID_LIST_LIMIT else qs.values(field)


LATIN = re.compile(r"[A-Za-z]")


def search_parts(text: str) -> list[Q]:
    """The search as the conditions whose union it is: by order number, any phone number (the reporter's,
    or a contact's of the customer), serial number or customer name — whichever the text looks like.
    ``[]`` for a blank text (no search).

    Matching customers and units are looked up first (small, indexed queries), so each condition is a
    range of one index of the order table, newest first: the reporter's phone (``order_phone_idx``), the
    customers (``order_customer_idx``), the units. A list reads a page from each and merges them
    (``core.pagination.keyset_page``'s ``any_of``): PostgreSQL planned their ``OR`` as a walk of the
    primary key backwards, testing every newer order, or as a bitmap of every match sorted (13 ms for
    the phone of a customer with 980 orders and a caller with 748 calls, benchmarks/README.md).
    A condition that can match nothing (no such unit or customer) is left out.
    """
    text = text.strip()[:100]
    if not text:
        return []
    if ORDER_NUMBER.match(text):
        return [Q(number=text.upper())]
    # A text with Latin letters is not a phone number: the phone library skips leading letters, so a serial
    # holding a mobile's digits (KTMF13026040006) was searched as +8613026040006 and never as a serial (QA,
    # 2026-12-07). Serials are stored upper case: the upper-cased text matches the indexed column exactly.
    phone = phone_search_key(text) if sum(c.isdigit() for c in text) >= 7 and not LATIN.search(text) else None
    if phone:
        customers = _ids_or_subquery(Contact.objects.filter(mobile=phone), "customer_id")
        return [Q(reporter_phone=phone), *_matching("customer_id", customers)]
    units = list(Unit.objects.filter(serial_number=text.upper()).values_list("id", flat=True))
    customers = _ids_or_subquery(Customer.objects.name_contains(text))
    # No such unit and no such customer: one condition that matches nothing (an empty IN).
    return [*_matching("unit_id", units), *_matching("customer_id", customers)] or [Q(pk__in=[])]


def _matching(field: str, ids: list[int] | QuerySet) -> list[Q]:
    """``field`` in ``ids``, or nothing for no ids (a subquery is kept: it is not read here)."""
    return [Q(**{f"{field}__in": ids})] if isinstance(ids, QuerySet) or ids else []


def search_orders(qs: QuerySet[ServiceOrder], text: str) -> QuerySet[ServiceOrder]:
    """``qs`` narrowed to the orders ``search_parts(text)`` finds, as one condition (their ``OR``): for a
    whole list (an export); a page is read part by part."""
    parts = search_parts(text)
    return qs.filter(functools.reduce(operator.or_, parts)) if parts else qs


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
    # What a waiting order waits for: the parts keeper's "waiting for parts" list links here.
    waiting_for = django_filters.ChoiceFilter(choices=WaitingFor.choices, label=_("Waiting for"))
    # "Unassigned" is an open order waiting for a technician, as the home tile and the dispatcher's list
    # count it (``ServiceOrderQuerySet.unassigned``): a consultation closed at intake, or an order cancelled
    # before anyone went, never needed one. ``false``: the orders with a technician.
    unassigned = django_filters.BooleanFilter(method="filter_unassigned", label=_("Unassigned"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = ServiceOrder
        fields: list[str] = []

    def __init__(self, *args: Any, search_as_parts: bool = False, **kwargs: Any) -> None:
        """``search_as_parts``: the search (``q``) is not applied to ``qs`` but left in ``search_parts``
        (``None`` without a search) for a caller that reads a page under each part and merges them
        (``core.pagination.keyset_page``'s ``any_of``)."""
        super().__init__(*args, **kwargs)
        self.search_as_parts = search_as_parts
        self.search_parts: list[Q] | None = None

    def filter_sla_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_sla_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_response_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_response_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_resolution_state(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        return qs.in_resolution_state(value) if value else qs  # type: ignore[attr-defined]

    def filter_unassigned(self, qs: QuerySet[ServiceOrder], name: str, value: bool | None) -> QuerySet[ServiceOrder]:
        if value is None:
            return qs
        return qs.unassigned() if value else qs.filter(technician__isnull=False)  # type: ignore[attr-defined]

    def filter_received_from(
        self, qs: QuerySet[ServiceOrder], name: str, value: datetime.date
    ) -> QuerySet[ServiceOrder]:
        # Compare with local midnight rather than ``received_at__date``: no conversion on the column,
        # so the index on received_at is used.
        return qs.filter(received_at__gte=local_midnight(value)) if value else qs

    def filter_received_to(self, qs: QuerySet[ServiceOrder], name: str, value: datetime.date) -> QuerySet[ServiceOrder]:
        return qs.filter(received_at__lt=local_midnight(value + datetime.timedelta(days=1))) if value else qs

    def filter_q(self, qs: QuerySet[ServiceOrder], name: str, value: str) -> QuerySet[ServiceOrder]:
        if self.search_as_parts:
            self.search_parts = search_parts(value) or None
            return qs
        return search_orders(qs, value)
