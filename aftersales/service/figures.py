"""The orders a measured figure counts (``core.registry.FigureSource``): those of the month and centres
asked for, under the reader's rules (which kinds and statuses count, and on which of ``received_at``,
``completed_at``, ``closed_at`` an order counts). Shared by the apps that register figures over orders."""

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from aftersales.service.models import ServiceOrder

COUNTED_ON = ("received_at", "completed_at", "closed_at")


def moment(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the business time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counted_orders(
    *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
) -> QuerySet[ServiceOrder]:
    """Orders counted in ``start`` ≤ day < ``end`` under ``rules`` (``kinds``, ``statuses``: empty is every
    one; ``counted_on``: the order's day that counts, ``received_at`` by default), in id order."""
    counted_on = rules.get("counted_on") or "received_at"
    if counted_on not in COUNTED_ON:
        raise ValueError(f"counted_on: {counted_on}")
    qs = ServiceOrder.objects.filter(**{f"{counted_on}__gte": moment(start), f"{counted_on}__lt": moment(end)})
    if centre_ids is not None:
        qs = qs.filter(service_center_id__in=list(centre_ids))
    if rules.get("kinds"):
        qs = qs.filter(kind__in=rules["kinds"])
    if rules.get("statuses"):
        qs = qs.filter(status__in=rules["statuses"])
    return qs.order_by("pk")
