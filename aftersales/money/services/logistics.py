"""Logistics chasing (domain.md Logistics §6 3): a purchase sent to a factory (a parts purchase request)
with no pick-up notice after ``AFTERSALES["LOGISTICS_CHASE_DAYS"]`` (7; the source says 7–10) working
days raises a task for whoever ordered it: ask the factory. It is raised again every as many working
days until the notice is recorded (or the goods are received). The task is an in-app notice through the
outbox, once per round (the key names the request and the round)."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import working_days_between
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import in_site_language
from aftersales.core.validation import require_in_range, require_text
from aftersales.money.conf import logistics_chase_days
from aftersales.money.models import PickupNotice
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import notify_user
from aftersales.parts.choices import RequestKind, RequestStatus
from aftersales.parts.models import StockRequest
from aftersales.parts.permissions import can_manage_location, requests_visible_to


def awaiting_pickup(qs: QuerySet[StockRequest]) -> QuerySet[StockRequest]:
    """Purchases sent to a factory that are neither received nor noticed for pick-up."""
    noticed = PickupNotice.objects.values("request_id")
    return qs.filter(kind=RequestKind.PURCHASE, status=RequestStatus.SENT, sent_at__isnull=False).exclude(
        pk__in=noticed
    )


def awaiting_pickup_for(user: User) -> QuerySet[StockRequest]:
    return awaiting_pickup(requests_visible_to(user)).select_related("supplier", "location").order_by("sent_at", "id")


@transaction.atomic
def record_pickup_notice(
    request: StockRequest, *, by: User, noticed_on: datetime.date | None = None, note: str = ""
) -> PickupNotice:
    """The factory says the goods are ready to pick up: the chasing stops."""
    found = requests_visible_to(by).filter(pk=request.pk).select_related("location").first()
    if found is None:
        raise NotFoundError("not_found", _("No such stock request."))
    if not can_manage_location(by, found.location):
        raise PermissionDeniedError("forbidden", _("Only the parts keeper of the location records a pick-up notice."))
    found = StockRequest.objects.select_for_update().get(pk=found.pk)
    if found.kind != RequestKind.PURCHASE or found.status != RequestStatus.SENT:
        raise ConflictError("not_awaiting_pickup", _("Only a purchase sent to a factory waits for a pick-up notice."))
    if PickupNotice.objects.filter(request=found).exists():
        raise ConflictError("pickup_noticed", _("The pick-up notice is recorded already."))
    today = timezone.localdate()
    day = require_in_range(noticed_on, field="noticed_on") or today
    if day > today:
        raise ValidationFailed("date_in_future", _("A notice cannot come in the future."), field="noticed_on")
    return PickupNotice.objects.create(
        request=found,
        noticed_on=day,
        note=require_text(note, field="note", max_length=200, required=False),
        recorded_by=by,
    )


@in_site_language
def chase_logistics(now: datetime.datetime | None = None) -> int:
    """The periodic job: raise the task "ask the factory" for each purchase overdue for its pick-up
    notice, once per round of ``logistics_chase_days()`` working days. Returns how many were raised."""
    today = timezone.localdate(now or timezone.now())
    every = logistics_chase_days()
    raised = 0
    for request in awaiting_pickup(StockRequest.objects.all()).select_related("supplier", "created_by"):
        waited = working_days_between(start=timezone.localdate(request.sent_at), end=today)  # type: ignore[arg-type]
        if waited < every:
            continue
        key = f"logistics-{request.pk}-chase-{waited // every}"
        if OutboxMessage.objects.filter(key__startswith=key + "-").exists():
            continue
        with transaction.atomic():
            notify_user(
                user=request.created_by,
                message=_(
                    "No pick-up notice for purchase %(number)s from %(supplier)s after %(days)d working days: "
                    "ask the factory."
                )
                % {
                    "number": request.number,
                    "supplier": request.supplier.name if request.supplier else "—",
                    "days": waited,
                },
                subject=request.number,
                url=reverse("money:logistics"),
                target=request,
                key=key,
                sms=False,
            )
        raised += 1
    return raised
