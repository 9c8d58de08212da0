"""A fault reported by the customer: a service order opened through the same service as the hotline
(``service.open_order``), channel "portal", by the portal's system actor, so it arrives in the
centre's intake queue like a call."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.services import system_actor
from aftersales.core.errors import NotFoundError, TooManyRequests, ValidationFailed
from aftersales.core.uploads import check_upload
from aftersales.core.validation import require_text
from aftersales.portal.choices import TimeSlot
from aftersales.portal.conf import setting
from aftersales.portal.permissions import PortalUser, portal_units
from aftersales.service.choices import Channel, OrderKind
from aftersales.service.models import ServiceOrder
from aftersales.service.services import open_order
from aftersales.service.services.visits import add_photo

# A preferred day at most this far ahead (a typo in the year is not a wish).
PREFERRED_WITHIN_DAYS = 60


def _check_preferred(day: datetime.date | None, slot: str) -> str:
    """The preferred time as the line the dispatcher reads on the order ("" for none)."""
    if slot not in TimeSlot.values:
        raise ValidationFailed("invalid_choice", _("Choose a time of day from the list."), field="preferred_slot")
    if day is None:
        return ""
    today = timezone.localdate()
    if day < today or day > today + datetime.timedelta(days=PREFERRED_WITHIN_DAYS):
        raise ValidationFailed(
            "invalid_date",
            _("Choose a day between today and %(days)d days ahead.") % {"days": PREFERRED_WITHIN_DAYS},
            field="preferred_day",
        )
    return _("Preferred time: %(day)s %(slot)s") % {"day": day.isoformat(), "slot": TimeSlot(slot).label}


@transaction.atomic
def report_fault(
    *,
    user: PortalUser,
    unit_id: int,
    description: str,
    preferred_day: datetime.date | None = None,
    preferred_slot: str = TimeSlot.ANY,
    photos: list[UploadedFile] | None = None,
) -> ServiceOrder:
    """Open a repair order for one of the customer's units (404 ``not_found`` for any other), with up
    to ``PORTAL_PHOTOS_PER_REPORT`` photos; everything is checked before anything is written."""
    unit = portal_units(user).select_related("customer").filter(pk=unit_id).first()
    contact = user.contact_for(unit.customer_id) if unit is not None else None
    if unit is None or contact is None:
        raise NotFoundError("not_found", _("No such unit."), field="unit_id")
    text = require_text(description, field="description", max_length=2000)
    preferred = _check_preferred(preferred_day, preferred_slot)
    photos = list(photos or [])
    most = setting("PORTAL_PHOTOS_PER_REPORT")
    if len(photos) > most:
        raise ValidationFailed(
            "too_many_photos", _("Send at most %(n)d photos with a report.") % {"n": most}, field="photos"
        )
    for photo in photos:
        check_upload(photo, field="photos")
    per_day = setting("PORTAL_REPORTS_PER_DAY")
    since = timezone.now() - datetime.timedelta(days=1)
    recent = ServiceOrder.objects.filter(channel=Channel.PORTAL, reporter_phone=user.mobile, received_at__gte=since)
    if recent.count() >= per_day:
        raise TooManyRequests(
            "report_quota",
            _("You have sent %(n)d reports in the last 24 hours, the most allowed; please call us.") % {"n": per_day},
            field="description",
        )
    actor = system_actor("portal")
    order = open_order(
        by=actor,
        kind=OrderKind.REPAIR,
        customer=unit.customer,
        reporter_name=contact.name,
        reporter_phone=contact.mobile,
        description=f"{text}\n{preferred}" if preferred else text,
        channel=Channel.PORTAL,
        contact=contact,
        unit=unit,
    )
    for photo in photos:
        add_photo(order, by=actor, file=photo)
    return order
