"""Instruments and tools held by named people (domain.md §13 3.4, §9 三): who holds which, since
when, and when each is due for calibration."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import has_capability
from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import field_max_length, require_text
from aftersales.parts.models import Tool


def _require(by: User, centre_id: int) -> None:
    if not has_capability(by, "parts.manage_tools", centre_id=centre_id):
        if has_capability(by, "parts.manage_tools"):
            raise NotFoundError("not_found", _("No such tool."))
        raise PermissionDeniedError("forbidden", _("Only the parts keeper manages tools."))


@transaction.atomic
def add_tool(
    *,
    by: User,
    code: str,
    name: str,
    service_center: ServiceCenter,
    serial: str = "",
    calibration_due: datetime.date | None = None,
) -> Tool:
    _require(by, service_center.pk)
    code = require_text(code, field="code", max_length=field_max_length(Tool, "code")).upper()
    if Tool.objects.filter(code=code).exists():
        raise ConflictError("duplicate_code", _("A tool with this code exists."), field="code")
    return Tool.objects.create(
        code=code,
        name=require_text(name, field="name", max_length=field_max_length(Tool, "name")),
        serial=require_text(serial, field="serial", max_length=60, required=False),
        service_center=service_center,
        calibration_due=calibration_due,
    )


@transaction.atomic
def hand_tool(*, by: User, tool: Tool, holder: User | None) -> Tool:
    """Give ``tool`` to ``holder`` (of its centre) from today, or take it back (``None``)."""
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    _require(by, tool.service_center_id)
    if holder is not None and holder.service_center_id != tool.service_center_id:
        raise ValidationFailed("wrong_centre", _("The holder works at another centre."), field="holder_id")
    tool.holder = holder
    tool.held_since = timezone.localdate() if holder else None
    tool.save(update_fields=["holder", "held_since", "updated_at"])
    return tool


@transaction.atomic
def record_calibration(*, by: User, tool: Tool, next_due: datetime.date) -> Tool:
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    _require(by, tool.service_center_id)
    if next_due <= timezone.localdate():
        raise ValidationFailed("date_in_past", _("The next calibration is after today."), field="calibration_due")
    tool.calibration_due = next_due
    tool.save(update_fields=["calibration_due", "updated_at"])
    return tool
