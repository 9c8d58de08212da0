"""The parts fitted to a unit over its life (every visit of every order on it), on the unit's page
(a registered ``installed_base.panels.unit_panels`` entry): one query, newest first."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from aftersales.installed_base.models import Unit
from aftersales.parts.models import VisitPart

LIMIT = 200


def render(request: HttpRequest, unit: Unit) -> str:
    rows = list(
        VisitPart.objects.filter(order__unit=unit)
        .select_related("part", "order", "visit")
        .order_by("-visit__arrived_at", "-id")[:LIMIT]
    )
    if not rows:
        return ""
    return render_to_string("parts/unit/_history.html", {"unit": unit, "rows": rows}, request=request)
