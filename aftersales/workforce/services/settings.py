"""The workforce's settings: the expense approval chain (administrators) and each centre's working
pattern (its service manager, or an administrator), served by the generic settings screens."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import can_edit_centre
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import require_choice
from aftersales.history.services import changed, record_activity, snapshot
from aftersales.workforce.choices import ApprovalRole
from aftersales.workforce.models import ApprovalStep, WorkingPattern
from aftersales.workforce.permissions import can_edit_approval_chain

STEP_FIELDS = ["position", "role", "min_total", "active"]
PATTERN_FIELDS = ["day_start", "day_end", "absence_notice_hours"]


def _step_fields(*, position: int, role: str, min_total: Decimal | None) -> dict[str, object]:
    if not 1 <= position <= 20:
        raise ValidationFailed("invalid_position_number", _("A step's position is 1 to 20."), field="position")
    if min_total is not None and min_total < 0:
        raise ValidationFailed("amount_not_positive", _("The amount must be above zero."), field="min_total")
    return {
        "position": position,
        "role": require_choice(role, field="role", choices=ApprovalRole),
        "min_total": min_total,
    }


@transaction.atomic
def create_approval_step(
    *, by: User, position: int, role: str, min_total: Decimal | None = None, active: bool = True
) -> ApprovalStep:
    """A step of the expense chain (administrators only); one step per position (409 ``duplicate_position``)."""
    if not can_edit_approval_chain(by):
        raise PermissionDeniedError("forbidden", _("Only administrators change the approval chain."))
    fields = _step_fields(position=position, role=role, min_total=min_total)
    if ApprovalStep.objects.filter(position=position).exists():
        raise ConflictError("duplicate_position", _("A step has this position already."), field="position")
    step = ApprovalStep.objects.create(**fields, active=active)
    record_activity(
        target=step,
        type="approval_step.saved",
        by=by,
        changes={k: (None, v) for k, v in (fields | {"active": active}).items()},
    )
    return step


@transaction.atomic
def update_approval_step(
    *, by: User, step: ApprovalStep, position: int, role: str, min_total: Decimal | None = None, active: bool = True
) -> ApprovalStep:
    """Change a step; claims already in approval keep the step they wait for."""
    if not can_edit_approval_chain(by):
        raise PermissionDeniedError("forbidden", _("Only administrators change the approval chain."))
    fields = _step_fields(position=position, role=role, min_total=min_total)
    if ApprovalStep.objects.filter(position=position).exclude(pk=step.pk).exists():
        raise ConflictError("duplicate_position", _("A step has this position already."), field="position")
    before = snapshot(step, STEP_FIELDS)
    ApprovalStep.objects.filter(pk=step.pk).update(**fields, active=active)
    step.refresh_from_db()
    record_activity(
        target=step, type="approval_step.saved", by=by, changes=changed(before, snapshot(step, STEP_FIELDS))
    )
    return step


def _pattern_fields(
    *, day_start: datetime.time, day_end: datetime.time, absence_notice_hours: int
) -> dict[str, object]:
    if day_end <= day_start:
        raise ValidationFailed("invalid_hours", _("The day ends after it starts."), field="day_end")
    if not 0 <= absence_notice_hours <= 168:
        raise ValidationFailed("invalid_hours", _("The notice is 0 to 168 hours."), field="absence_notice_hours")
    return {"day_start": day_start, "day_end": day_end, "absence_notice_hours": absence_notice_hours}


@transaction.atomic
def create_working_pattern(
    *,
    by: User,
    service_center: ServiceCenter,
    day_start: datetime.time,
    day_end: datetime.time,
    absence_notice_hours: int = 2,
) -> WorkingPattern:
    """A centre's working hours and absence notice: its manager's or an administrator's (403), one per
    centre (409 ``duplicate_pattern``)."""
    if not can_edit_centre(by, service_center):
        raise NotFoundError("not_found", _("No such service centre."), field="service_center")
    fields = _pattern_fields(day_start=day_start, day_end=day_end, absence_notice_hours=absence_notice_hours)
    if WorkingPattern.objects.filter(service_center=service_center).exists():
        raise ConflictError(
            "duplicate_pattern", _("This centre has its working hours already."), field="service_center"
        )
    pattern = WorkingPattern.objects.create(service_center=service_center, **fields)
    record_activity(
        target=pattern, type="working_pattern.saved", by=by, changes={k: (None, v) for k, v in fields.items()}
    )
    return pattern


@transaction.atomic
def update_working_pattern(
    *,
    by: User,
    pattern: WorkingPattern,
    service_center: ServiceCenter,
    day_start: datetime.time,
    day_end: datetime.time,
    absence_notice_hours: int = 2,
) -> WorkingPattern:
    if not can_edit_centre(by, pattern.service_center) or service_center.pk != pattern.service_center_id:
        raise NotFoundError("not_found", _("No such service centre."), field="service_center")
    fields = _pattern_fields(day_start=day_start, day_end=day_end, absence_notice_hours=absence_notice_hours)
    before = snapshot(pattern, PATTERN_FIELDS)
    WorkingPattern.objects.filter(pk=pattern.pk).update(**fields)
    pattern.refresh_from_db()
    record_activity(
        target=pattern, type="working_pattern.saved", by=by, changes=changed(before, snapshot(pattern, PATTERN_FIELDS))
    )
    return pattern
