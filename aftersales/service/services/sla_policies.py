"""Writes on SLA policies: the time limits per order kind (domain.md Intake §9, Repair §6 1.3.3)."""

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import can_manage_settings
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.history.services import changed, record_activity
from aftersales.service.models import SlaPolicy
from aftersales.service.sla import forget_policies

MAX_RESPONSE_HOURS = 720
MAX_RESOLUTION_WORKING_DAYS = 120


@transaction.atomic
def update_sla_policy(
    *,
    policy: SlaPolicy,
    by: User,
    response_hours: int,
    resolution_working_days: int | None,
    at_risk_working_days: int,
) -> SlaPolicy:
    """Change the limits of one order kind. They apply to orders opened afterwards; due times already
    stored stay as they were given.

    Response is 1–720 clock hours; resolution is empty (no resolution deadline, as for a
    consultation) or 1–120 working days; "at risk" starts 0 or more working days before the due day
    and less than the resolution time.
    """
    if not can_manage_settings(by):
        raise PermissionDeniedError("forbidden", _("Only service managers and admins may change SLA policies."))
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    if not 1 <= response_hours <= MAX_RESPONSE_HOURS:
        raise ValidationFailed(
            "out_of_range",
            _("Between 1 and %(max)d hours.") % {"max": MAX_RESPONSE_HOURS},
            field="response_hours",
        )
    if resolution_working_days is not None and not 1 <= resolution_working_days <= MAX_RESOLUTION_WORKING_DAYS:
        raise ValidationFailed(
            "out_of_range",
            _("Between 1 and %(max)d working days, or empty for none.") % {"max": MAX_RESOLUTION_WORKING_DAYS},
            field="resolution_working_days",
        )
    if at_risk_working_days < 0:
        raise ValidationFailed("out_of_range", _("Cannot be negative."), field="at_risk_working_days")
    if resolution_working_days is not None and at_risk_working_days >= resolution_working_days:
        raise ValidationFailed(
            "at_risk_too_late",
            _("Must be fewer working days than the resolution time."),
            field="at_risk_working_days",
        )
    if resolution_working_days is None and at_risk_working_days:
        raise ValidationFailed(
            "at_risk_without_resolution",
            _("Without a resolution time there is no at-risk period; enter 0."),
            field="at_risk_working_days",
        )
    fields = {
        "response_hours": response_hours,
        "resolution_working_days": resolution_working_days,
        "at_risk_working_days": at_risk_working_days,
    }
    previous = {key: getattr(policy, key) for key in fields}
    for key, value in fields.items():
        setattr(policy, key, value)
    policy.save(update_fields=[*fields, "updated_at"])
    forget_policies()
    transaction.on_commit(forget_policies)  # also after commit: a reader may have cached the old rows meanwhile
    AuditLog.objects.create(
        user=by,
        action="service.update_sla_policy",
        detail={"kind": policy.kind, "previous": previous, "new": fields},
        target=policy,
    )
    changes = changed(previous, fields)
    if changes:
        record_activity(target=policy, type="sla_policy.updated", by=by, changes=changes)
    return policy
