"""The figures pay reads from the service orders, and stand-ins for those other areas will measure.

Each is a ``core.registry.FigureSource``: rows per order (who it counts for, the amount), so a
statement's figure is the sum of its rows and its trace is the list. Receptions are credited to whoever
took the order, repairs to its technician; the plan's ``figures`` rules say which kinds and statuses
count and on which day an order counts (``counted_on``). Labour and parts revenue, parts and paint
sales and satisfaction have no records until the money (issue 10), parts (issue 9) and care (issue 11)
apps land: they read as zero and the statement says so. Such an app registers its own source under
the same key and replaces the stand-in (``register_figure_default``).
"""

import datetime
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import FigureRow, FigureSource, register_figure_default
from aftersales.service.models import ServiceOrder

ONE = Decimal(1)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _orders(
    *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
) -> Any:
    counted_on = rules.get("counted_on") or "received_at"
    qs = ServiceOrder.objects.filter(**{f"{counted_on}__gte": _moment(start), f"{counted_on}__lt": _moment(end)})
    if centre_ids is not None:
        qs = qs.filter(service_center_id__in=list(centre_ids))
    if rules.get("kinds"):
        qs = qs.filter(kind__in=rules["kinds"])
    if rules.get("statuses"):
        qs = qs.filter(status__in=rules["statuses"])
    return qs.order_by("pk")


def _count(credit: str, **extra: Any) -> Any:
    def measure(
        *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
    ) -> Iterator[FigureRow]:
        qs = _orders(start=start, end=end, centre_ids=centre_ids, rules=rules).filter(**extra)
        for pk, number, person, centre in qs.values_list("pk", "number", credit, "service_center_id"):
            yield FigureRow(person_id=person, centre_id=centre, amount=ONE, record_id=pk, reference=number)

    return measure


measure_receptions = _count("created_by_id")
measure_valid_receptions = _count("created_by_id")
measure_repairs = _count("technician_id")
measure_claims = _count("created_by_id", warranty_covered=True)


def measure_nothing(**_kwargs: Any) -> Iterator[FigureRow]:
    return iter(())


ORDER_SOURCES = (
    FigureSource("receptions", _("Receptions (orders taken)"), "count", measure_receptions, 10),
    FigureSource("valid_receptions", _("Valid receptions"), "count", measure_valid_receptions, 20),
    FigureSource("repairs", _("Repairs"), "count", measure_repairs, 30),
    FigureSource("claims", _("Warranty claims"), "count", measure_claims, 40),
)
NEEDS_MONEY = _("Read as zero until the money app (issue 10) records labour and parts charges.")
NEEDS_PARTS = _("Read as zero until the parts app (issue 9) records parts sales.")
STAND_INS = (
    FigureSource("labour_revenue", _("Labour revenue"), "amount", measure_nothing, 50, missing=NEEDS_MONEY),
    FigureSource("parts_revenue", _("Parts revenue"), "amount", measure_nothing, 60, missing=NEEDS_MONEY),
    FigureSource("parts_sales", _("Parts sales"), "amount", measure_nothing, 70, missing=NEEDS_PARTS),
    FigureSource("paint_sales", _("Paint sales"), "amount", measure_nothing, 80, missing=NEEDS_PARTS),
    FigureSource(
        "satisfaction",
        _("Satisfaction"),
        "score",
        measure_nothing,
        90,
        missing=_("Read as zero until customer care (issue 11) records satisfaction."),
    ),
)


def register_figures() -> None:
    for source in (*ORDER_SOURCES, *STAND_INS):
        register_figure_default(source)
