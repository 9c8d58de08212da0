"""The parts used on a visit, shown by service wherever it shows the visit (a registered
``service.panels.VisitPanel``): the order page, the technician's phone view (with a form to add parts
from the van or the centre's store) and the printed A4 service record."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from aftersales.parts.choices import OldPartFate
from aftersales.parts.models import Location, Stock, VisitPart
from aftersales.parts.permissions import may_use_parts
from aftersales.parts.services.orders import order_is_open
from aftersales.service.models import Visit

TEMPLATES = {"page": "parts/visit/_page.html", "phone": "parts/visit/_phone.html", "print": "parts/visit/_print.html"}


def _parts_of_order(request: HttpRequest | None, visit: Visit) -> list[VisitPart]:
    """The parts used on the visit; one query for all the visits of its order on one page."""
    cache: dict[int, dict[int, list[VisitPart]]] = getattr(request, "_visit_parts", None) or {}
    if visit.order_id not in cache:
        by_visit: dict[int, list[VisitPart]] = {}
        rows = VisitPart.objects.filter(order_id=visit.order_id).select_related("part", "location").order_by("id")
        for row in rows:
            by_visit.setdefault(row.visit_id, []).append(row)
        cache[visit.order_id] = by_visit
        if request is not None:
            request._visit_parts = cache  # type: ignore[attr-defined]
    return cache[visit.order_id].get(visit.pk, [])


def _stock_to_pick(request: HttpRequest, visit: Visit) -> list[Stock]:
    """What the technician may pick from: their van's stock, then the centre's store's."""
    user = request.user
    locations = Location.objects.filter(active=True, service_center_id=visit.order.service_center_id).filter(
        kind__in=("van", "store")
    )
    rows = (
        Stock.objects.filter(location__in=locations.values("pk"), on_hand__gt=0)
        .select_related("part", "location")
        .order_by("part__number")
    )
    mine = [s for s in rows if (s.location.kind == "store" or s.location.holder_id == user.pk) and s.available > 0]
    # The van's first (and so preselected): not by the kind's code, where "store" sorts before "van".
    return sorted(mine, key=lambda s: s.location.kind != "van")


def render(request: HttpRequest | None, visit: Visit, place: str) -> str:
    rows = _parts_of_order(request, visit)
    context: dict[str, Any] = {"visit": visit, "rows": rows, "place": place}
    if place == "phone" and request is not None:
        # "Use this part" refused (views.visit_use_view): shown beside the form, with what was typed.
        refusal = getattr(request, "parts_refusal", None)
        context["refusal"] = refusal if refusal is not None and refusal.row == visit.pk else None
        if not (may_use_parts(request.user) and order_is_open(visit.order) and visit.is_open):
            if not rows and context["refusal"] is None:
                return ""
        else:
            context |= {"pick": _stock_to_pick(request, visit), "fates": OldPartFate.choices, "can_add": True}
    elif not rows:
        return ""
    return render_to_string(TEMPLATES[place], context, request=request)
