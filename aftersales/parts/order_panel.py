"""What an order waits for and where it comes from: its part reservations (held, or waiting for the
part at a location), on the order page and the technician's phone view (a registered
``service.panels.order_panels`` entry)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from aftersales.parts.choices import ReservationStatus
from aftersales.parts.models import Reservation
from aftersales.parts.permissions import may_reserve
from aftersales.parts.services.orders import order_is_open
from aftersales.service.models import ServiceOrder


def render(request: HttpRequest, order: ServiceOrder) -> str:
    rows = list(
        Reservation.objects.filter(order=order, status__in=(ReservationStatus.WAITING, ReservationStatus.HELD))
        .select_related("part", "location")
        .order_by("id")
    )
    can_reserve = request is not None and may_reserve(request.user) and order_is_open(order)
    if not rows and not can_reserve:
        return ""
    context = {
        "order": order,
        "rows": rows,
        "waiting": any(r.status == ReservationStatus.WAITING for r in rows),
        "can_reserve": can_reserve,
    }
    return render_to_string("parts/order/_reservations.html", context, request=request)
