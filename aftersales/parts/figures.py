"""The parts figure for pay (``core.registry.figure_sources``): parts sales (配件销售额), the parts used
on visits in a month at their list price, per order.

A part counts in the month it was issued to the visit (whatever the order's dates), for the orders of
the kinds and statuses the reader's rules name (empty: every one); a part without a list price counts
0. Each order's parts are one row credited to whoever used them (the technician)."""

import datetime
from collections.abc import Collection, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.amounts import FEN
from aftersales.core.registry import FigureRow, FigureSource, figure_sources
from aftersales.parts.models import VisitPart
from aftersales.service.figures import moment


def measure_parts_sales(
    *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
) -> Iterator[FigureRow]:
    used = VisitPart.objects.filter(created_at__gte=moment(start), created_at__lt=moment(end))
    if centre_ids is not None:
        used = used.filter(order__service_center_id__in=list(centre_ids))
    if rules.get("kinds"):
        used = used.filter(order__kind__in=rules["kinds"])
    if rules.get("statuses"):
        used = used.filter(order__status__in=rules["statuses"])
    totals: dict[tuple[int, int], Decimal] = {}
    refs: dict[int, tuple[str, int]] = {}
    for order_id, number, centre, person, quantity, price in used.order_by("order_id", "pk").values_list(
        "order_id", "order__number", "order__service_center_id", "created_by_id", "quantity", "unit_price"
    ):
        amount = (quantity * (price or 0)).quantize(FEN, rounding=ROUND_HALF_UP)
        totals[(order_id, person)] = totals.get((order_id, person), Decimal(0)) + amount
        refs[order_id] = (number, centre)
    for (order_id, person), amount in totals.items():
        number, centre = refs[order_id]
        yield FigureRow(person_id=person, centre_id=centre, amount=amount, record_id=order_id, reference=number)


def register_figures() -> None:
    figure_sources.register(FigureSource("parts_sales", _("Parts sales"), "amount", measure_parts_sales, 70))
