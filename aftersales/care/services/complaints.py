"""Complaints (投诉): an owner answers by the due time; left unresolved for
``CARE_ESCALATE_WORKING_DAYS`` working days (2, domain.md Follow-up §15 4) a complaint goes to the
supervisor, then as long again to the manager. The customer accepts the resolution or not."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.models import User
from aftersales.accounts.services import system_actor
from aftersales.calendars.selectors import WorkingCalendar, business_day_end, business_timezone
from aftersales.care import config
from aftersales.care.choices import ComplaintCause, ComplaintLevel, ComplaintSource, ComplaintStatus
from aftersales.care.models import Complaint, FollowUpCall, FollowUpTask
from aftersales.care.permissions import can_handle_complaints, complaints_visible_to
from aftersales.care.services.contacts import require_customer_in_scope
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import in_site_language
from aftersales.core.validation import require_choice, require_text
from aftersales.customers.models import Customer
from aftersales.history.services import record_activity
from aftersales.installed_base.models import Unit
from aftersales.notifications.services import notify_user
from aftersales.service.models import ServiceOrder

# Who is told when a complaint reaches a level, by capability.
LEVEL_CAPABILITY = {
    ComplaintLevel.SUPERVISOR: "care.complaints_supervisor",
    ComplaintLevel.MANAGER: "care.complaints_manager",
}


def due_after(moment: datetime.datetime) -> datetime.datetime:
    """The end of business on the ``CARE_ESCALATE_WORKING_DAYS``-th working day after ``moment``'s day."""
    day = moment.astimezone(business_timezone()).date()
    return business_day_end(
        day=WorkingCalendar().add_working_days(start=day, days=config.escalate_after_working_days()).day
    )


def _create(
    *,
    customer: Customer,
    owner: User,
    description: str,
    source: str,
    cause: str = ComplaintCause.OTHER,
    orders: Iterable[ServiceOrder] = (),
    units: Iterable[Unit] = (),
    call: FollowUpCall | None = None,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Complaint:
    now = now or timezone.now()
    complaint = Complaint.objects.create(
        source=source,
        cause=cause,
        service_center_id=customer.service_center_id,
        customer=customer,
        follow_up_call=call,
        description=description,
        owner=owner,
        opened_at=now,
        due_at=due_after(now),
    )
    complaint.orders.set(list(orders))
    complaint.units.set(list(units))
    record_activity(
        target=complaint,
        type="complaint.opened",
        by=by,
        data={"origin": source, "cause": cause, "owner": str(owner)},
    )
    return complaint


def open_complaint_unchecked(
    *, task: FollowUpTask, call: FollowUpCall, by: User, description: str, source: str, now: datetime.datetime
) -> Complaint:
    """A complaint from a follow-up call (an answer, or a low score), owned by the caller; the call's
    service checked the caller."""
    return _create(
        customer=task.customer,
        owner=by,
        description=description[:4000],
        source=source,
        orders=[task.order] if task.order is not None else [],
        units=[task.unit] if task.unit is not None else [],
        call=call,
        by=by,
        now=now,
    )


def complaint_from_order(*, order: ServiceOrder, by: User | None) -> Complaint | None:
    """A complaint order (kind ``complaint``, opened at intake) gets its complaint, owned by who took
    the call, linked to the order and its unit, opened when the call was received (an order entered
    the morning after a night call); the order keeps its own life."""
    if Complaint.objects.filter(orders=order, source=ComplaintSource.ORDER).exists():
        return None
    owner = order.created_by
    if owner.is_system:
        return None
    return _create(
        customer=order.customer,
        owner=owner,
        description=order.description,
        source=ComplaintSource.ORDER,
        orders=[order],
        units=[order.unit] if order.unit is not None else [],
        by=by,
        now=order.received_at,
    )


@transaction.atomic
def open_complaint(
    *,
    by: User,
    customer: Customer,
    description: str,
    cause: str = ComplaintCause.OTHER,
    owner: User | None = None,
    orders: Iterable[ServiceOrder] = (),
    units: Iterable[Unit] = (),
) -> Complaint:
    """An agent opens a complaint for a customer, linked to the orders and units concerned (which must
    be the customer's); the owner (the agent by default) must handle complaints at the centre."""
    if not can_handle_complaints(by):
        raise PermissionDeniedError("forbidden", _("You may not handle complaints."))
    require_customer_in_scope(by, customer)
    if not can_handle_complaints(by, centre_id=customer.service_center_id):
        raise NotFoundError("not_found", _("No such customer."), field="customer")
    description = require_text(description, field="description", max_length=4000)
    require_choice(cause, field="cause", choices=ComplaintCause)
    owner = owner or by
    if not owner.is_active or not can_handle_complaints(owner, centre_id=customer.service_center_id):
        raise ValidationFailed("invalid_owner", _("This person does not handle complaints here."), field="owner_id")
    orders, units = list(orders), list(units)
    # Named as the API's input fields (``order_ids.0``), the only callers that pass them.
    for index, order in enumerate(orders):
        if order.customer_id != customer.pk:
            raise ValidationFailed("invalid_order", _("The order is not this customer's."), field=f"order_ids.{index}")
    for index, unit in enumerate(units):
        if unit.customer_id != customer.pk:
            raise ValidationFailed("invalid_unit", _("The unit is not this customer's."), field=f"unit_ids.{index}")
    return _create(
        customer=customer,
        owner=owner,
        description=description,
        source=ComplaintSource.AGENT,
        cause=cause,
        orders=orders,
        units=units,
        by=by,
    )


def _lock_complaint(complaint_id: int, *, by: User) -> Complaint:
    complaint = complaints_visible_to(by).select_for_update(of=("self",)).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError("not_found", _("No such complaint."))
    return complaint


@in_site_language
def _tell_level(complaint: Complaint) -> None:
    """An in-app notice (and SMS) to whoever answers at the complaint's new level, once per level."""
    capability = LEVEL_CAPABILITY.get(ComplaintLevel(complaint.level))
    if capability is None:
        return
    people = users_with_capability(capability).filter(service_center_id=complaint.service_center_id)
    if complaint.level == ComplaintLevel.MANAGER:
        people = users_with_capability(capability)  # the general manager sees every centre
    message = _("Complaint %(number)s of %(customer)s is unresolved and escalated to you (%(level)s).") % {
        "number": complaint.number,
        "customer": complaint.customer.name,
        "level": complaint.get_level_display(),
    }
    url = reverse("care:complaint_detail", args=[complaint.pk])
    for person in people:
        notify_user(
            user=person,
            message=message,
            key=f"care-complaint-{complaint.pk}-level-{complaint.level}-user-{person.pk}",
            url=url,
            target=complaint,
        )


def _escalate(complaint: Complaint, *, by: User | None, reason: str, now: datetime.datetime) -> Complaint:
    before = complaint.level
    complaint.level = before + 1
    complaint.escalated_at = now
    complaint.due_at = due_after(now)
    complaint.save(update_fields=["level", "escalated_at", "due_at", "updated_at"])
    record_activity(
        target=complaint,
        type="complaint.escalated",
        by=by,
        reason=reason,
        changes={"level": (before, complaint.level)},
    )
    _tell_level(complaint)
    return complaint


@transaction.atomic
def escalate_complaint(
    *, complaint_id: int, by: User, reason: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Escalate by hand (the owner cannot answer): one level up, a new due time."""
    complaint = _lock_complaint(complaint_id, by=by)
    if not can_handle_complaints(by, centre_id=complaint.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not escalate complaints."))
    if complaint.status != ComplaintStatus.OPEN:
        raise ConflictError("complaint_resolved", _("Only an open complaint is escalated."))
    if complaint.level >= ComplaintLevel.MANAGER:
        raise ConflictError("complaint_top_level", _("The complaint is already with the manager."))
    reason = require_text(reason, field="reason", max_length=500, required=False)
    return _escalate(complaint, by=by, reason=reason, now=now or timezone.now())


def escalate_overdue_complaints(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: every open complaint past its due time goes one level up (owner →
    supervisor → manager), each in its own transaction. Returns how many moved."""
    now = now or timezone.now()
    actor = system_actor("scheduler")
    moved = 0
    due = Complaint.objects.filter(status=ComplaintStatus.OPEN, level__lt=ComplaintLevel.MANAGER, due_at__lt=now)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .filter(pk=pk, status=ComplaintStatus.OPEN, level__lt=ComplaintLevel.MANAGER, due_at__lt=now)
                .first()
            )
            if complaint is None:
                continue
            _escalate(complaint, by=actor, reason=_("Not resolved in time"), now=now)
            moved += 1
    return moved


@transaction.atomic
def resolve_complaint(
    *, complaint_id: int, by: User, resolution: str, cause: str | None = None, now: datetime.datetime | None = None
) -> Complaint:
    """Record the resolution; the complaint waits for the customer's acceptance."""
    complaint = _lock_complaint(complaint_id, by=by)
    if not can_handle_complaints(by, centre_id=complaint.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not handle complaints."))
    if complaint.status != ComplaintStatus.OPEN:
        raise ConflictError("complaint_resolved", _("The complaint is already resolved."))
    resolution = require_text(resolution, field="resolution", max_length=4000)
    if cause is not None:
        complaint.cause = require_choice(cause, field="cause", choices=ComplaintCause)
    complaint.status = ComplaintStatus.RESOLVED
    complaint.resolution = resolution
    complaint.resolved_at = now or timezone.now()
    complaint.save(update_fields=["status", "resolution", "resolved_at", "cause", "updated_at"])
    record_activity(
        target=complaint,
        type="complaint.resolved",
        by=by,
        changes={"status": (ComplaintStatus.OPEN, ComplaintStatus.RESOLVED)},
        data={"resolution": resolution},
    )
    return complaint


@transaction.atomic
def accept_resolution(
    *, complaint_id: int, by: User, accepted: bool, note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """The customer's answer to the resolution: accepted closes the complaint; not accepted opens it
    again with a new due time (the customer always gets an answer, domain.md Follow-up §15 4)."""
    complaint = _lock_complaint(complaint_id, by=by)
    if not can_handle_complaints(by, centre_id=complaint.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not handle complaints."))
    if complaint.status != ComplaintStatus.RESOLVED:
        raise ConflictError("complaint_not_resolved", _("Only a resolved complaint is put to the customer."))
    note = require_text(note, field="note", max_length=500, required=False)
    now = now or timezone.now()
    complaint.accepted = accepted
    if accepted:
        complaint.status, complaint.closed_at = ComplaintStatus.CLOSED, now
    else:
        complaint.status, complaint.resolved_at, complaint.due_at = ComplaintStatus.OPEN, None, due_after(now)
    complaint.save(update_fields=["accepted", "status", "closed_at", "resolved_at", "due_at", "updated_at"])
    record_activity(
        target=complaint,
        type="complaint.accepted" if accepted else "complaint.rejected",
        by=by,
        reason=note,
        changes={"status": (ComplaintStatus.RESOLVED, complaint.status)},
    )
    return complaint
