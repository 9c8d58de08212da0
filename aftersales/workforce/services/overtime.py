"""Overtime (domain.md "Field staff" §12 第五节: 60 per day outside the normal shift), approved by the
manager and exported with the claims."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import field_max_length, require_text
from aftersales.history.services import record_activity
from aftersales.service.models import Visit
from aftersales.service.permissions import orders_visible_to
from aftersales.workforce.choices import OvertimeStatus
from aftersales.workforce.common import locked, not_in_future, person_fields, require_self
from aftersales.workforce.models import Attendance, DailyReport, Overtime
from aftersales.workforce.permissions import can_approve_overtime
from aftersales.workforce.rules import rules


def _work_recorded(person: User, day: datetime.date) -> bool:
    """Whether anything shows ``person`` worked on ``day``: a check-in, a visit or a daily report."""
    return (
        Attendance.objects.filter(person=person, day=day).exists()
        or Visit.objects.filter(technician=person, arrived_at__date=day).exists()
        or DailyReport.objects.filter(person=person, day=day).exists()
    )


@transaction.atomic
def record_overtime(
    *, by: User, day: datetime.date, note: str = "", order_id: int | None = None, person: User | None = None
) -> Overtime:
    """Record a day of overtime for oneself at the configured allowance (60). Once a day (409
    ``overtime_exists``); a day with no check-in, visit or report is accepted but flagged
    ``no_work_recorded`` for the manager."""
    require_self(by, person)
    today = timezone.localdate()
    day = not_in_future(day, field="day", today=today)
    within = rules().claim_within_days
    if (today - day).days > within:
        # Claimed within the days an expense is (§12: 逾期将不予办理); any past day was taken, 0001-01-01
        # included, each at the day's allowance (found by hand, 2026-12-06).
        raise ValidationFailed(
            "overtime_too_old",
            _("Overtime is claimed within %(days)d days; this day is %(day)s.") % {"days": within, "day": day},
            field="day",
            days=within,
        )
    note = require_text(note, field="note", max_length=field_max_length(Overtime, "note"), required=False)
    order = None
    if order_id is not None:
        order = orders_visible_to(by).filter(pk=order_id).first()
        if order is None:
            raise ValidationFailed("not_your_order", _("Name one of your own jobs."), field="order_id")
    if Overtime.objects.filter(person=by, day=day).exists():
        raise ConflictError("overtime_exists", _("Overtime is recorded for this day already."), field="day")
    try:
        with transaction.atomic():
            row = Overtime.objects.create(
                **person_fields(by),
                day=day,
                allowance=rules().overtime_per_day,
                order=order,
                note=note,
                no_work_recorded=not _work_recorded(by, day),
            )
    except IntegrityError:
        raise ConflictError("overtime_exists", _("Overtime is recorded for this day already."), field="day") from None
    record_activity(
        target=row,
        type="overtime.recorded",
        by=by,
        data={"day": day.isoformat(), "allowance": str(row.allowance), "no_work_recorded": row.no_work_recorded},
    )
    return row


@transaction.atomic
def decide_overtime(*, overtime_id: int, by: User, approve: bool, reason: str = "") -> Overtime:
    """The manager of the person's centre approves or refuses (with a reason); never their own."""
    overtime = locked(Overtime.objects.all(), overtime_id, by=by, what=_("overtime"))
    if not can_approve_overtime(by, centre_id=overtime.service_center_id):
        raise PermissionDeniedError("forbidden", _("Only the service manager approves overtime."))
    if overtime.person_id == by.pk:
        raise PermissionDeniedError("own_request", _("You cannot decide your own request."))
    if overtime.status != OvertimeStatus.REQUESTED:
        raise ConflictError("already_decided", _("This request has been decided already."))
    reason = require_text(reason, field="reason", max_length=200, required=not approve)
    overtime.status = OvertimeStatus.APPROVED if approve else OvertimeStatus.REJECTED
    overtime.decided_by, overtime.decided_at, overtime.decision_reason = by, timezone.now(), reason
    overtime.save()
    record_activity(
        target=overtime,
        type="overtime.decided",
        by=by,
        reason=reason,
        changes={"status": (OvertimeStatus.REQUESTED.value, overtime.status)},
    )
    return overtime
