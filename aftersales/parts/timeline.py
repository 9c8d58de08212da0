"""The parts used on an order join its timeline (registered as a ``TimelineSource``)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.core.registry import Change, TimelineEntry
from aftersales.parts.models import VisitPart
from aftersales.service.models import ServiceOrder


def order_entries(order: ServiceOrder) -> list[TimelineEntry]:
    rows = VisitPart.objects.filter(order=order).select_related("part", "location", "created_by").order_by("id")
    return [
        TimelineEntry(
            at=row.created_at,
            title=_("Part used"),
            source="parts.used",
            actor=row.created_by,
            changes=(
                Change(_("Part"), "", f"{row.part.number} {row.part.name} × {row.quantity.normalize():f}"),
                Change(pgettext("the store a part was taken from", "From"), "", row.location.name),
                Change(_("Old part"), "", row.get_old_part_fate_display()),
            ),
        )
        for row in rows
    ]
