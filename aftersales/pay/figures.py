"""The figures pay reads from the service orders, and stand-ins for those other areas will measure.

Each is a ``core.registry.FigureSource``: rows per order (who it counts for, the amount), so a
statement's figure is the sum of its rows and its trace is the list. Receptions are credited to whoever
took the order, repairs to its technician; the plan's ``figures`` rules say which kinds and statuses
count and on which day an order counts (``counted_on``). Labour and parts revenue (money), parts sales
(parts), satisfaction (care) and attendance (workforce) are registered by the apps that record them;
the stand-ins here only hold their place when such an app is not installed (they read as zero and the
statement says so), and never replace a real source (``register_figure_default``). Paint sales stay a
stand-in: the parts catalogue has no paint category.
"""

import datetime
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import FigureRow, FigureSource, register_figure_default
from aftersales.service.figures import counted_orders

ONE = Decimal(1)


def _count(credit: str, **extra: Any) -> Any:
    def measure(
        *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
    ) -> Iterator[FigureRow]:
        qs = counted_orders(start=start, end=end, centre_ids=centre_ids, rules=rules).filter(**extra)
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
NEEDS_MONEY = _("Read as zero: the money app, which records labour and parts charges, is not installed.")
NEEDS_PARTS = _("Read as zero: the parts app, which records parts issued, is not installed.")
STAND_INS = (
    FigureSource("labour_revenue", _("Labour revenue"), "amount", measure_nothing, 50, missing=NEEDS_MONEY),
    FigureSource("parts_revenue", _("Parts revenue"), "amount", measure_nothing, 60, missing=NEEDS_MONEY),
    FigureSource("parts_sales", _("Parts sales"), "amount", measure_nothing, 70, missing=NEEDS_PARTS),
    FigureSource(
        "paint_sales",
        _("Paint sales"),
        "amount",
        measure_nothing,
        80,
        missing=_("Read as zero: the parts catalogue has no paint category."),
    ),
    FigureSource(
        "satisfaction",
        _("Satisfaction"),
        "score",
        measure_nothing,
        90,
        missing=_("Read as zero: customer care, which records satisfaction, is not installed."),
    ),
    FigureSource(
        "attendance_days",
        _("Days attended"),
        "count",
        measure_nothing,
        100,
        missing=_("Read as zero: the workforce app, which records attendance, is not installed."),
        records="day",
    ),
)


def register_figures() -> None:
    for source in (*ORDER_SOURCES, *STAND_INS):
        register_figure_default(source)
