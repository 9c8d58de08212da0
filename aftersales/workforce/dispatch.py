"""The two dispatch checks workforce registers (``core.registry.dispatch_checks``): an approved absence
in the rest of the working day keeps a technician off the board (not overridable), and so does an
order on a product category for which the technician holds no valid certificate (overridable)."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.service.models import ServiceOrder
from aftersales.workforce.choices import AbsenceStatus
from aftersales.workforce.models import Absence, Certificate, Course
from aftersales.workforce.rules import rules


def _day_end(at: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(at)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


def absence_refusals(
    *, orders: Sequence[ServiceOrder], technicians: Sequence[Any], at: datetime.datetime
) -> dict[tuple[int, int], str]:
    """Technicians with an approved absence between ``at`` and the end of that day — one query."""
    absences = Absence.objects.filter(
        person__in=[t.pk for t in technicians],
        status=AbsenceStatus.APPROVED,
        starts_at__lt=_day_end(at),
        ends_at__gt=at,
    ).order_by("starts_at")
    away: dict[int, str] = {}
    for absence in absences:
        away.setdefault(
            absence.person_id,
            _("absent %(start)s–%(end)s")
            % {
                "start": timezone.localtime(absence.starts_at).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(absence.ends_at).strftime("%m-%d %H:%M"),
            },
        )
    return {(o.pk, person): reason for o in orders for person, reason in away.items()}


def certified_categories() -> set[str]:
    """The product categories that need a certificate: those a course certifies."""
    return set(Course.objects.exclude(category="").values_list("category", flat=True))


def certificate_refusals(
    *, orders: Sequence[ServiceOrder], technicians: Sequence[Any], at: datetime.datetime
) -> dict[tuple[int, int], str]:
    """(order, technician) pairs where the order's product category needs a certificate and the
    technician holds no valid one for it — three queries whatever the number of pairs."""
    if not rules().certificate_required:
        return {}
    gated = certified_categories()
    if not gated:
        return {}
    categories = {
        pk: category
        for pk, category in ServiceOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list(
            "pk", "unit__product_model__category"
        )
        if category in gated
    }
    if not categories:
        return {}
    today = timezone.localtime(at).date()
    held = set(
        Certificate.objects.filter(
            person__in=[t.pk for t in technicians],
            category__in=set(categories.values()),
            issued_on__lte=today,
            expires_on__gte=today,
            revoked_at__isnull=True,
        ).values_list("person_id", "category")
    )
    return {
        (order_id, t.pk): _("no valid certificate for %(category)s") % {"category": category}
        for order_id, category in categories.items()
        for t in technicians
        if (t.pk, category) not in held
    }
