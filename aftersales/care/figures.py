"""Care's figure for pay (``core.registry.figure_sources``): satisfaction, the 1–5 scores customers gave
on the follow-up calls made in a month about an order. Each call is a row credited to the order's
technician; its unit is "score", so pay reads the average of the rows, not their sum."""

import datetime
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.care.choices import Outcome
from aftersales.care.models import FollowUpCall
from aftersales.core.registry import FigureRow, FigureSource, figure_sources
from aftersales.service.figures import moment


def measure_satisfaction(
    *, start: datetime.date, end: datetime.date, centre_ids: Collection[int] | None, rules: Mapping[str, Any]
) -> Iterator[FigureRow]:
    calls = FollowUpCall.objects.filter(
        at__gte=moment(start),
        at__lt=moment(end),
        outcome=Outcome.REACHED,
        score__isnull=False,
        task__order__isnull=False,
    )
    if centre_ids is not None:
        calls = calls.filter(task__service_center_id__in=list(centre_ids))
    if rules.get("kinds"):
        calls = calls.filter(task__order__kind__in=rules["kinds"])
    for order_id, number, person, centre, score in calls.order_by("task__order_id", "pk").values_list(
        "task__order_id", "task__order__number", "task__order__technician_id", "task__service_center_id", "score"
    ):
        yield FigureRow(person_id=person, centre_id=centre, amount=Decimal(score), record_id=order_id, reference=number)


def register_figures() -> None:
    figure_sources.register(FigureSource("satisfaction", _("Satisfaction"), "score", measure_satisfaction, 90))
