"""Money's figures for pay (``core.registry.figure_sources``): labour and parts revenue (工时费产值,
配件产值) of the orders counted in a month, from their charge lines.

A line counts when it is booked (approved or invoiced; drafts and quotes the customer has not
accepted, and void lines, do not), whoever bears it (warranty work is output too), at its gross
amount (tax included, like the source's targets: 目标产值（含税）). The amount is credited to whoever
took the order (the service adviser's 接待维修产值); the order counts under the reader's rules
(``service.figures.counted_orders``: by default in the month it was completed)."""

import datetime
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from aftersales.core.amounts import FEN
from aftersales.core.registry import FigureRow, FigureSource, figure_sources
from aftersales.money.choices import ChargeKind, LineStatus
from aftersales.money.models import ChargeLine
from aftersales.service.figures import counted_orders

BOOKED = (LineStatus.APPROVED, LineStatus.INVOICED)


def _revenue(kind: str) -> Any:
    def measure(
        *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
    ) -> Iterator[FigureRow]:
        orders = counted_orders(start=start, end=end, centre_ids=centre_ids, rules=rules)
        rows = (
            ChargeLine.objects.filter(order__in=orders.values("pk"), kind=kind, status__in=BOOKED)
            .values("order_id", "order__number", "order__created_by_id", "order__service_center_id")
            .annotate(total=Sum("gross"))
            .order_by("order_id")
        )
        for row in rows:
            yield FigureRow(
                person_id=row["order__created_by_id"],
                centre_id=row["order__service_center_id"],
                amount=Decimal(row["total"]).quantize(FEN),  # SQLite's sum drops the trailing zero
                record_id=row["order_id"],
                reference=row["order__number"],
            )

    return measure


measure_labour_revenue = _revenue(ChargeKind.LABOUR)
measure_parts_revenue = _revenue(ChargeKind.PARTS)


def register_figures() -> None:
    figure_sources.register(FigureSource("labour_revenue", _("Labour revenue"), "amount", measure_labour_revenue, 50))
    figure_sources.register(FigureSource("parts_revenue", _("Parts revenue"), "amount", measure_parts_revenue, 60))
