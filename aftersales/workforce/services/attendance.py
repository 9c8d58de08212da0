"""Attendance and absence (domain.md "Field staff" §12: 9:00–17:30; absence reported 2 hours ahead,
signed off by the manager)."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import in_site_language
from aftersales.core.validation import field_max_length, require_aware, require_text
from aftersales.history.services import record_activity
from aftersales.notifications.services import Notice, enqueue_notices
from aftersales.workforce.choices import AbsenceStatus
from aftersales.workforce.common import (
    check_position,
    local_day,
    locked,
    person_fields,
    require_self,
    working_hours,
)
from aftersales.workforce.models import Absence, Attendance
from aftersales.workforce.permissions import can_approve_absences


@transaction.atomic
def check_in(
    *,
    by: User,
    person: User | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Attendance:
    """Check in for today, with the phone's position when the browser gives it. Only for oneself (403
    ``not_yourself``); once a day (409 ``already_checked_in``). ``late`` after the centre's day start."""
    require_self(by, person)
    check_position(latitude, longitude)
    now = now or timezone.now()
    day = local_day(now)
    start, _end, _notice = working_hours(by.service_center_id)
    if Attendance.objects.filter(person=by, day=day).exists():
        raise ConflictError("already_checked_in", _("You have checked in today already."))
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                **person_fields(by),
                day=day,
                checked_in_at=now,
                in_latitude=latitude,
                in_longitude=longitude,
                late=timezone.localtime(now).time() > start,
            )
    except IntegrityError:  # two taps at once: the second finds the first
        raise ConflictError("already_checked_in", _("You have checked in today already.")) from None


@transaction.atomic
def check_out(
    *,
    by: User,
    person: User | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Attendance:
    """Check out of today (409 ``not_checked_in`` / ``already_checked_out``); ``left_early`` before
    the centre's day end."""
    require_self(by, person)
    check_position(latitude, longitude)
    now = now or timezone.now()
    row = Attendance.objects.select_for_update().filter(person=by, day=local_day(now)).first()
    if row is None:
        raise ConflictError("not_checked_in", _("Check in first."))
    if row.checked_out_at is not None:
        raise ConflictError("already_checked_out", _("You have checked out today already."))
    if now < row.checked_in_at:
        raise ValidationFailed("before_check_in", _("A check-out cannot be before the check-in."))
    _start, end, _notice = working_hours(by.service_center_id)
    row.checked_out_at = now
    row.out_latitude, row.out_longitude = latitude, longitude
    row.left_early = timezone.localtime(now).time() < end
    row.save()
    return row


@transaction.atomic
def request_absence(
    *,
    by: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str,
    person: User | None = None,
    now: datetime.datetime | None = None,
) -> Absence:
    """Ask for time off at least the centre's notice ahead (§12: 2 hours; 400 ``short_notice``), not
    overlapping another request (409 ``absence_overlap``). The centre's managers are told in the app."""
    require_self(by, person)
    starts_at = require_aware(starts_at, field="starts_at")  # type: ignore[assignment]
    ends_at = require_aware(ends_at, field="ends_at")  # type: ignore[assignment]
    if ends_at <= starts_at:
        raise ValidationFailed("invalid_dates", _("The absence must end after it starts."), field="ends_at")
    if ends_at - starts_at > datetime.timedelta(days=366):
        raise ValidationFailed("invalid_dates", _("An absence lasts at most a year."), field="ends_at")
    reason = require_text(reason, field="reason", max_length=field_max_length(Absence, "reason"))
    now = now or timezone.now()
    _start, _end, notice = working_hours(by.service_center_id)
    if starts_at < now + datetime.timedelta(hours=notice):
        raise ValidationFailed(
            "short_notice",
            _("An absence is reported at least %(hours)d hours ahead.") % {"hours": notice},
            field="starts_at",
            hours=notice,
        )
    User.objects.select_for_update(no_key=True).filter(pk=by.pk).first()  # one request at a time per person
    overlapping = Absence.objects.filter(
        person=by,
        status__in=(AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if overlapping.exists():
        raise ConflictError(
            "absence_overlap", _("You have asked for time off in this period already."), field="starts_at"
        )
    absence = Absence.objects.create(**person_fields(by), starts_at=starts_at, ends_at=ends_at, reason=reason)
    record_activity(
        target=absence,
        type="absence.requested",
        by=by,
        reason=reason,
        data={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    _tell_approvers(absence)
    return absence


@in_site_language
def _tell_approvers(absence: Absence) -> None:
    managers = users_with_capability("workforce.approve_absences").filter(service_center_id=absence.service_center_id)
    text = _("%(name)s asks for time off from %(start)s: %(reason)s") % {
        "name": absence.person,
        "start": timezone.localtime(absence.starts_at).strftime("%m-%d %H:%M"),
        "reason": absence.reason,
    }
    enqueue_notices(
        [
            Notice(user_id=m.pk, message=text, key=f"wf-absence-{absence.pk}-{m.pk}", url="/workforce/absences/")
            for m in managers
        ]
    )


@transaction.atomic
def decide_absence(*, absence_id: int, by: User, approve: bool, reason: str = "") -> Absence:
    """The manager approves or refuses (with a reason) a requested absence of their centre; never their
    own (403 ``own_request``); once (409 ``already_decided``)."""
    absence = locked(Absence.objects.all(), absence_id, by=by, what=_("absence"))
    if not can_approve_absences(by, centre_id=absence.service_center_id):
        raise PermissionDeniedError("forbidden", _("Only the service manager approves absences."))
    if absence.person_id == by.pk:
        raise PermissionDeniedError("own_request", _("You cannot decide your own request."))
    if absence.status != AbsenceStatus.REQUESTED:
        raise ConflictError("already_decided", _("This request has been decided already."))
    reason = require_text(reason, field="reason", max_length=200, required=not approve)
    absence.status = AbsenceStatus.APPROVED if approve else AbsenceStatus.REJECTED
    absence.decided_by, absence.decided_at, absence.decision_reason = by, timezone.now(), reason
    absence.save()
    record_activity(
        target=absence,
        type="absence.decided",
        by=by,
        reason=reason,
        changes={"status": (AbsenceStatus.REQUESTED.value, absence.status)},
    )
    return absence


@transaction.atomic
def cancel_absence(*, absence_id: int, by: User) -> Absence:
    """The person withdraws their own request (or approved absence) before it ends."""
    absence = locked(Absence.objects.all(), absence_id, by=by, what=_("absence"))
    if absence.person_id != by.pk:
        raise PermissionDeniedError("not_yourself", _("Only the person who asked may withdraw it."))
    if absence.status not in (AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED) or absence.ends_at <= timezone.now():
        raise ConflictError("already_decided", _("This absence can no longer be withdrawn."))
    before = absence.status
    absence.status = AbsenceStatus.CANCELLED
    absence.save()
    record_activity(target=absence, type="absence.cancelled", by=by, changes={"status": (before, absence.status)})
    return absence
