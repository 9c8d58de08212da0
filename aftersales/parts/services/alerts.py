"""A warranty-critical part below its minimum tells the parts keeper and the manager at once
(domain.md, Spare parts §9 四: parts for warranty service are always in stock), through the outbox."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import roles_with
from aftersales.accounts.models import User
from aftersales.core.text import in_site_language
from aftersales.notifications.services import notify_user
from aftersales.parts.models import Location, Part, Stock


@in_site_language
def alert_if_critical_low(*, location: Location, part: Part) -> int:
    """Tell the people of ``location``'s centre who hold ``parts.stock_alerts`` when ``part`` is
    warranty-critical and its available stock there (with what is in transit) is below the minimum;
    once a day per part and location. Returns how many were told."""
    if not part.warranty_critical:
        return 0
    stock = Stock.objects.filter(location=location, part=part).first()
    if stock is None or stock.min_qty <= 0 or stock.available + stock.in_transit >= stock.min_qty:
        return 0
    people = User.objects.filter(is_active=True, role__in=roles_with("parts.stock_alerts"))
    people = people.filter(service_center_id=location.service_center_id) if location.service_center_id else people
    message = _(
        "Warranty-critical part %(part)s is below its minimum at %(location)s: %(available)s left, minimum %(min)s."
    ) % {
        "part": f"{part.number} {part.name}",
        "location": location.name,
        "available": stock.available.normalize(),
        "min": stock.min_qty.normalize(),
    }
    today = timezone.localdate()
    told = 0
    for user in people:
        notify_user(
            user=user,
            message=message,
            key=f"parts-critical-{location.pk}-{part.pk}-{today:%Y%m%d}-{user.pk}",
            url=reverse("parts:shortages"),
        )
        told += 1
    return told
