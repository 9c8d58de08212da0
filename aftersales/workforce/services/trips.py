"""Field trips, daily reports and weekly summaries (domain.md "Field staff" §12 第三节: a daily report
to the manager while out, a weekly summary, registration on return)."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.core.validation import field_max_length, require_text
from aftersales.service.permissions import jobs_visible_to
from aftersales.workforce.choices import TripStatus
from aftersales.workforce.common import centre_id, locked, not_in_future, person_fields, require_self
from aftersales.workforce.models import DailyReport, FieldTrip, WeeklySummary


@transaction.atomic
def start_trip(
    *,
    by: User,
    destination: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    order_ids: Sequence[int] = (),
    person: User | None = None,
) -> FieldTrip:
    """Go out on a trip to one's own jobs (400 ``not_your_order``); one trip out at a time (409 ``trip_open``)."""
    require_self(by, person)
    destination = require_text(destination, field="destination", max_length=field_max_length(FieldTrip, "destination"))
    if ends_on < starts_on:
        raise ValidationFailed("invalid_dates", _("The return cannot be before the start."), field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise ValidationFailed("invalid_dates", _("A trip lasts at most a year."), field="ends_on")
    orders = list(jobs_visible_to(by).filter(pk__in=list(order_ids)))
    if len(orders) != len(set(order_ids)):
        raise ValidationFailed("not_your_order", _("A trip lists only your own jobs."), field="order_ids")
    User.objects.select_for_update(no_key=True).filter(pk=by.pk).first()
    if FieldTrip.objects.filter(person=by, status=TripStatus.OUT).exists():
        raise ConflictError("trip_open", _("Register your return from the current trip first."))
    trip = FieldTrip.objects.create(**person_fields(by), destination=destination, starts_on=starts_on, ends_on=ends_on)
    trip.orders.set(orders)
    return trip


@transaction.atomic
def return_from_trip(*, trip_id: int, by: User, note: str = "") -> FieldTrip:
    """Registration on return (返回登记): the trip is over (409 ``trip_returned`` when it was)."""
    trip = locked(FieldTrip.objects.all(), trip_id, by=by, what=_("field trip"))
    require_self(by, trip.person)
    if trip.status == TripStatus.RETURNED:
        raise ConflictError("trip_returned", _("The return from this trip is registered already."))
    trip.return_note = require_text(
        note, field="note", max_length=field_max_length(FieldTrip, "return_note"), required=False
    )
    trip.status, trip.returned_at = TripStatus.RETURNED, timezone.now()
    trip.save()
    return trip


@transaction.atomic
def submit_daily_report(
    *, by: User, text: str, day: datetime.date | None = None, person: User | None = None
) -> DailyReport:
    """The day's report (one per day: sending it again replaces the text), linked to the trip out."""
    require_self(by, person)
    today = timezone.localdate()
    day = not_in_future(day or today, field="day", today=today)
    if (today - day).days > 31:
        raise ValidationFailed("date_too_old", _("Reports are written within a month."), field="day")
    text = require_text(text, field="text", max_length=field_max_length(DailyReport, "text"))
    trip = (
        FieldTrip.objects.filter(person=by, starts_on__lte=day)
        .exclude(status=TripStatus.RETURNED, returned_at__date__lt=day)
        .order_by("-starts_on")
        .first()
    )
    report, _created = DailyReport.objects.update_or_create(
        person=by, day=day, defaults={"text": text, "trip": trip, "service_center_id": centre_id(by)}
    )
    return report


@transaction.atomic
def submit_weekly_summary(
    *, by: User, week_start: datetime.date, text: str, person: User | None = None
) -> WeeklySummary:
    """Hand in the week's summary (drafted by ``selectors.draft_weekly_summary``, edited by the
    person); ``week_start`` is that week's Monday (400 ``not_monday``); handed in again it is replaced."""
    require_self(by, person)
    if week_start.weekday() != 0:
        raise ValidationFailed("not_monday", _("A week starts on a Monday."), field="week_start")
    not_in_future(week_start, field="week_start", today=timezone.localdate())
    text = require_text(text, field="text", max_length=field_max_length(WeeklySummary, "text"))
    summary, _created = WeeklySummary.objects.update_or_create(
        person=by,
        week_start=week_start,
        defaults={"text": text, "submitted_at": timezone.now(), "service_center_id": centre_id(by)},
    )
    return summary
