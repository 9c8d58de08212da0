"""The workforce's figure for pay (``core.registry.figure_sources``): days attended, one row per day a
person checked in (``Attendance``). Its records are days, not orders; pay compares them with the
working days of the calendar for the attendance rule (出勤率)."""

import datetime
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import FigureRow, FigureSource, figure_sources
from aftersales.workforce.models import Attendance

ONE = Decimal(1)


def measure_attendance_days(
    *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
) -> Iterator[FigureRow]:
    days = Attendance.objects.filter(day__gte=start, day__lt=end)
    if centre_ids is not None:
        days = days.filter(service_center_id__in=list(centre_ids))
    for pk, person, centre, day in days.order_by("day", "pk").values_list(
        "pk", "person_id", "service_center_id", "day"
    ):
        yield FigureRow(person_id=person, centre_id=centre, amount=ONE, record_id=pk, reference=day.isoformat())


def register_figures() -> None:
    figure_sources.register(
        FigureSource("attendance_days", _("Days attended"), "count", measure_attendance_days, 100, records="day")
    )
