"""Opening service orders and moving them through their lifecycle."""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import due_at as working_day_due_at
from aftersales.core.bulk import insert_numbered
from aftersales.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.phones import normalize_phone
from aftersales.core.renderers import local_time
from aftersales.core.validation import choice_label, choice_labels, require_aware, require_choice, require_text
from aftersales.coverage.decision import CoverageDecision, Override
from aftersales.customers.models import Contact, Customer, Site
from aftersales.installed_base.models import Unit
from aftersales.service.choices import (
    OPEN_STATUSES,
    Channel,
    EventType,
    OrderKind,
    OrderStatus,
    Priority,
    Resolution,
    WaitingFor,
)
from aftersales.service.models import OPEN_VISIT, ServiceOrder, Visit
from aftersales.service.permissions import (
    can_edit_order,
    can_extend_due,
    can_make_move,
    can_open_orders,
    can_override_warranty,
)
from aftersales.service.services.common import lock_order, record_event
from aftersales.service.services.coverage import coverage_day, decide_order_coverage, redecide_order_coverage
from aftersales.service.services.customer_sms import tell_due_moved, tell_order_completed, tell_order_received
from aftersales.service.sla import at_risk_time, deadlines_for, policy_for
from aftersales.service.transitions import REASON_REQUIRED, allowed_targets, capability_for, made_by_action


def _verdict(decision: CoverageDecision) -> dict[str, Any]:
    """A coverage decision as an event keeps it; ``until`` (the warranty's last day) lets the timeline
    say more than the verdict."""
    return {
        "covered": decision.covered,
        "reason": decision.reason,
        "detail": decision.detail,
        "until": decision.until.isoformat() if decision.until else None,
    }


@transaction.atomic
def open_order(
    *,
    by: User,
    kind: str,
    customer: Customer,
    reporter_name: str,
    reporter_phone: str,
    description: str,
    channel: str = Channel.HOTLINE,
    resolution: str = Resolution.ON_SITE,
    priority: str = Priority.NORMAL,
    contact: Contact | None = None,
    site: Site | None = None,
    unit: Unit | None = None,
    consultation_answer: str = "",
    close_now: bool = False,
    received_at: datetime.datetime | None = None,
) -> ServiceOrder:
    """Log a call as a service order: decide the warranty (``decide_coverage``, §6 1.1.1) and
    set the response and working-day due times (§9 一, §6 1.3.3). A consultation answered on the
    call may be closed at once (§6 1.2)."""
    if not can_open_orders(by):
        raise PermissionDeniedError("forbidden", _("Your role may not open service orders."))
    if not can_open_orders(by, centre_id=customer.service_center_id):
        raise NotFoundError("not_found", _("No such customer."), field="customer_id")
    require_choice(kind, field="kind", choices=OrderKind)
    require_choice(channel, field="channel", choices=Channel)
    require_choice(resolution, field="resolution", choices=Resolution)
    require_choice(priority, field="priority", choices=Priority)
    if unit is not None and unit.customer_id != customer.pk:
        raise ValidationFailed("wrong_unit", _("The unit belongs to another customer."), field="unit_id")
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationFailed("wrong_contact", _("The contact belongs to another customer."), field="contact_id")
    # A contact or site taken out of use stays on old orders but is not picked for a new one.
    if contact is not None and not contact.in_use:
        raise ValidationFailed("not_in_use", _("This contact is not in use any more."), field="contact_id")
    if site is not None and not site.in_use:
        raise ValidationFailed("not_in_use", _("This site is not in use any more."), field="site_id")
    if site is None and unit is not None and unit.site is not None and unit.site.in_use:
        site = unit.site
    if site is None:
        # The customer's only site: a unit imported or registered without one still sends the technician
        # to an address. Found by a probe on an empty install, 2026-12-06: imported units had no site, and
        # the order, the technician's card and the printed service form said "地点 —".
        only = list(customer.sites.in_use()[:2])
        site = only[0] if len(only) == 1 else None
    if site is not None and site.customer_id != customer.pk:
        raise ValidationFailed("wrong_site", _("The site belongs to another customer."), field="site_id")
    answer = require_text(consultation_answer, field="consultation_answer", max_length=5000, required=False)
    if close_now and (kind != OrderKind.CONSULTATION or not answer):
        raise ValidationFailed(
            "cannot_close_now",
            _("Only a consultation with the answer given can be closed at intake."),
            field="close_now",
        )
    if close_now:
        # Answered on the call: resolved by phone, whatever the form's default said (found by a probe,
        # 2026-12-06: such consultations were stored as "on site", the intake form's default).
        resolution = Resolution.REMOTE
    now = timezone.now()
    received = require_aware(received_at, field="received_at") or now
    if received > now + datetime.timedelta(minutes=5):
        raise ValidationFailed("date_in_future", _("The call cannot be in the future."), field="received_at")
    within = int(str(settings.AFTERSALES["RECEIVED_WITHIN_DAYS"]))
    if received < now - datetime.timedelta(days=within):
        # A mistyped year (1999) would otherwise open an order "overdue 27 years", numbered today.
        raise ValidationFailed(
            "date_too_old",
            _("The call cannot be more than %(days)d days ago.") % {"days": within},
            field="received_at",
        )

    warranty = decide_order_coverage(unit=unit, on=coverage_day(received), kind=kind)
    deadlines = deadlines_for(kind=kind, resolution=resolution, received_at=received)
    order = ServiceOrder(
        channel=channel,
        kind=kind,
        resolution=resolution,
        priority=priority,
        service_center=customer.service_center,
        customer=customer,
        contact=contact,
        site=site,
        unit=unit,
        reporter_name=require_text(reporter_name, field="reporter_name", max_length=100),
        reporter_phone=normalize_phone(reporter_phone, field="reporter_phone"),
        description=require_text(description, field="description", max_length=5000),
        consultation_answer=answer,
        received_at=received,
        respond_by=deadlines.respond_by,
        due_at=deadlines.due_at,
        at_risk_at=deadlines.at_risk_at,
        calendar_warning=deadlines.warning[:255],
        warranty_covered=warranty.covered,
        warranty_reason=warranty.reason,
        warranty_detail=warranty.detail[:500],
        warranty_until=warranty.until,
        warranty_decided_at=now,
        created_by=by,
    )
    # The number is taken by the INSERT (core/bulk.py): taking it locks the day's counter row until the
    # commit, and every other call of that day waits for it (benchmarks/README.md "create"). It carries
    # the local day the call came in, not the day it was typed in: a back-dated order continues that
    # day's counter.
    insert_numbered(order, field="number", prefix="SO", day=timezone.localtime(received).date())
    record_event(
        order,
        type=EventType.CREATED,
        by=by,
        to_status=OrderStatus.NEW,
        data={"warranty": _verdict(warranty)},
    )
    if close_now:
        # Answered on the call: answered, resolved and closed when the call came in, not when it was typed
        # in (a back-dated call closed at intake counted hours to repair and a missed resolution).
        order = transition_order(order, to=OrderStatus.CLOSED, by=by, at=received)
    else:
        tell_order_received(order, by=by)
    return order


def visits_signed(order: ServiceOrder) -> bool:
    """Whether the order's visits let it complete (§6 1.3.6), in one query: it has a visit, none is still
    being recorded, and the customer signed the last one (earlier ones may have ended without a signature:
    nobody on site, another visit needed)."""
    counts = order.visits.aggregate(
        open=Count("pk", filter=OPEN_VISIT),
        last=Max("pk"),
        last_signed=Max("pk", filter=Q(signed_at__isnull=False)),
    )
    return counts["last"] is not None and not counts["open"] and counts["last_signed"] == counts["last"]


def visits_let_complete(visits: list[Visit]) -> bool:
    """``visits_signed`` of visits already loaded, in the order they were recorded (by id)."""
    return bool(visits) and not any(v.is_open for v in visits) and visits[-1].signed_at is not None


def available_moves(order: ServiceOrder, *, by: User, visits_signed: bool | None = None) -> list[str]:
    """The status moves ``by`` can make on this order now: the table, the role and every precondition
    of ``transition_order`` (so neither face offers a move that would be refused, and a refusal lists
    the same). Dispatching is done by assigning a technician, so it is never offered as a plain move.

    ``visits_signed`` (see ``visits_signed()``) may be passed by a caller that has the visits loaded."""
    moves = []
    for to in allowed_targets(order.status):
        if to == OrderStatus.DISPATCHED:
            continue
        try:
            check_move(order, to=to, by=by, reason="-", visits_signed=visits_signed)
        except DomainError:
            continue
        moves.append(to)
    return moves


def _require_signed_visits(order: ServiceOrder, *, signed: bool | None) -> None:
    """Completion needs the customer's signature on every visit of the order, the last one included:
    the customer confirms the unit works and signs (§6 1.3.6). QA, 2026-12-07: the diagnosis visit was
    signed, the return visit where the part was fitted was not, and the order completed."""
    if signed is None:
        unsigned = order.visits.filter(OPEN_VISIT).order_by("arrived_at", "pk").first()
        if unsigned is not None:
            raise ConflictError(
                "signature_required",
                _(
                    "The customer has not signed the visit record of %(arrived)s yet: every visit is signed"
                    " (or ended without a signature) before the order is completed."
                )
                % {"arrived": f"{local_time(unsigned.arrived_at):%Y-%m-%d %H:%M}"},
                visit_id=unsigned.pk,
            )
        last = order.visits.order_by("-pk").first()
        if last is not None and last.signed_at is None:
            raise ConflictError(
                "signature_required",
                _(
                    "The last visit (%(arrived)s) ended without the customer's signature: the customer signs the"
                    " visit that resolves the fault before the order is completed."
                )
                % {"arrived": f"{local_time(last.arrived_at):%Y-%m-%d %H:%M}"},
                visit_id=last.pk,
            )
        signed = last is not None
    if not signed:
        raise ConflictError("signature_required", _("The customer has not signed every visit record yet."))


def check_move(
    order: ServiceOrder,
    *,
    to: str,
    by: User,
    reason: str,
    visits_signed: bool | None = None,
    action: str = "",
) -> None:
    """Raise the DomainError that ``transition_order`` would raise for this move, or return.

    ``visits_signed`` may be passed by a caller that has the visits loaded already; ``action`` is
    the service making the move when it is not a plain transition (``transitions.MADE_BY_ACTION``)."""
    needed = capability_for(order.status, to)
    # People read the statuses' labels (状态为“新建”); the codes are in ``allowed`` for programs.
    labels = {"status": choice_label(OrderStatus, order.status), "to": choice_label(OrderStatus, to)}
    if needed is None:
        # What this user can do to this order now, the same list as its ``allowed_transitions``.
        moves = available_moves(order, by=by, visits_signed=visits_signed)
        raise ConflictError(
            "transition_not_allowed",
            _("An order that is “%(status)s” cannot move to “%(to)s”. Allowed: %(allowed)s.")
            % {**labels, "allowed": choice_labels(OrderStatus, moves) or _("none")},
            allowed=moves,
        )
    if not can_make_move(by, order, needed, to=to):
        raise PermissionDeniedError(
            "forbidden", _("Your role may not move this order from “%(status)s” to “%(to)s”.") % labels
        )
    if (made_by := made_by_action(order.status, to)) and made_by != action:
        # Only recording the arrival puts a dispatched order on site: the visit is what the move means.
        raise ConflictError(
            "visit_required",
            _("Record the technician's visit to put the order on site (POST /api/v1/orders/%(id)d/visits).")
            % {"id": order.pk},
            field="to",
            action=made_by,
        )
    if (order.status, to) in REASON_REQUIRED and not reason.strip():
        raise ValidationFailed("reason_required", _("Give a reason for this change."), field="reason")
    if order.status == OrderStatus.NEW and to == OrderStatus.CLOSED:
        if order.kind != OrderKind.CONSULTATION or not order.consultation_answer:
            raise ConflictError(
                "transition_not_allowed", _("Only a consultation with the answer given can be closed at intake.")
            )
    if to == OrderStatus.COMPLETED:
        _require_signed_visits(order, signed=visits_signed)
    if order.status == OrderStatus.CLOSED and to == OrderStatus.ACCEPTED:
        limit = int(str(settings.AFTERSALES["REOPEN_WITHIN_DAYS"]))
        if order.closed_at and timezone.now() - order.closed_at > datetime.timedelta(days=limit):
            raise ConflictError(
                "reopen_too_late", _("Orders can be reopened within %(days)d days of closing.") % {"days": limit}
            )
    if to == OrderStatus.DISPATCHED and order.technician_id is None:
        raise ConflictError("not_assigned", _("Assign a technician to dispatch the order."))


@transaction.atomic
def transition_order(
    order: ServiceOrder,
    *,
    to: str,
    by: User,
    reason: str = "",
    waiting_for: str = "",
    expected_version: int | None = None,
    action: str = "",
    at: datetime.datetime | None = None,
) -> ServiceOrder:
    """The only code that assigns ``ServiceOrder.status``: checks the move against the table and the
    role, records who/when/why, and refuses anything else with 409. An order outside ``by``'s scope
    answers 404. ``action`` names the service calling for a move only it may make (``record_visit``).
    ``at`` is when the move happened if not now (``open_order``: a consultation closed on a back-dated
    call); it dates the order's response, completion and closing, the event keeps its recording time."""
    order = lock_order(order, by=by, expected_version=expected_version)
    require_choice(to, field="to", choices=OrderStatus)
    reason = require_text(reason, field="reason", max_length=500, required=False)
    check_move(order, to=to, by=by, reason=reason, action=action)
    if to == OrderStatus.WAITING:
        require_choice(waiting_for, field="waiting_for", choices=WaitingFor)
    now = at or timezone.now()
    previous = order.status
    order.status = to
    order.waiting_for = waiting_for if to == OrderStatus.WAITING else ""
    order.version += 1
    if previous == OrderStatus.NEW and order.responded_at is None and to != OrderStatus.CANCELLED:
        order.responded_at = now
    if to == OrderStatus.COMPLETED:
        order.completed_at = now
    if to == OrderStatus.CLOSED:
        order.closed_at = now
        # A consultation answered on the call is resolved by the answer: the reports count it done.
        order.completed_at = order.completed_at or now
    if to == OrderStatus.CANCELLED:
        order.cancel_reason = reason
    if previous == OrderStatus.CLOSED:  # reopened
        order.closed_at = None
        order.completed_at = None
    order.save()
    event = record_event(
        order,
        type=EventType.STATUS_CHANGED,
        by=by,
        reason=reason,
        from_status=previous,
        to_status=to,
        data={"waiting_for": waiting_for} if waiting_for else {},
    )
    if to == OrderStatus.COMPLETED:
        tell_order_completed(order, event=event)
    return order


EDITABLE_FIELDS = ("priority", "resolution", "description", "reporter_name", "reporter_phone")


@transaction.atomic
def update_order(order: ServiceOrder, *, by: User, expected_version: int, changes: dict[str, Any]) -> ServiceOrder:
    """Edit the order's descriptive fields. A stale copy (``expected_version``) answers 409."""
    if not can_edit_order(by):
        raise PermissionDeniedError("forbidden", _("Your role may not edit orders."))
    order = lock_order(order, by=by, expected_version=expected_version)
    if order.status not in OPEN_STATUSES:
        raise ConflictError("order_not_open", _("Only open orders can be edited."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            "unknown_field", _("These fields cannot be edited: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "priority":
            clean[field] = require_choice(value, field=field, choices=Priority)
        elif field == "resolution":
            clean[field] = require_choice(value, field=field, choices=Resolution)
        elif field == "reporter_phone":
            clean[field] = normalize_phone(value, field=field)
        else:
            clean[field] = require_text(value, field=field, max_length=5000 if field == "description" else 100)
    diff = {f: {"old": getattr(order, f), "new": v} for f, v in clean.items() if getattr(order, f) != v}
    if not diff:
        return order
    for field, change in diff.items():
        setattr(order, field, change["new"])
    order.version += 1
    order.save()
    record_event(order, type=EventType.FIELDS_CHANGED, by=by, data=diff)
    return order


@transaction.atomic
def override_warranty(order: ServiceOrder, *, by: User, covered: bool, reason: str) -> ServiceOrder:
    """A service manager's decision wins over the computed one (and over misuse found before it);
    the reason is required and kept. ``decide_coverage`` makes the decision with the override in it."""
    if not can_override_warranty(by):
        raise PermissionDeniedError("forbidden", _("Only a service manager may override the warranty decision."))
    order = lock_order(order, by=by)
    reason = require_text(reason, field="reason", max_length=500)
    now = timezone.now()
    decision = redecide_order_coverage(order, override=Override(covered=covered, reason=reason, decided_at=now))
    old = {"covered": order.warranty_covered, "reason": order.warranty_reason, "detail": order.warranty_detail}
    order.warranty_covered = decision.covered
    order.warranty_reason = decision.reason
    order.warranty_detail = decision.detail[:500]
    order.warranty_decided_by = by
    order.warranty_decided_at = now
    order.version += 1
    order.save()
    record_event(
        order,
        type=EventType.WARRANTY_OVERRIDDEN,
        by=by,
        reason=reason,
        data={"old": old, "new": _verdict(decision)},
    )
    return order


# A longer extension is a new agreement with the customer, not an extension (the API refuses it too).
EXTEND_MAX_WORKING_DAYS = 60


@transaction.atomic
def extend_due(
    order: ServiceOrder, *, by: User, working_days: int, reason: str, expected_version: int | None = None
) -> ServiceOrder:
    """Push the due date ``working_days`` further, with a reason; the customer is told the new date
    (§6 1.3.3.1), not the reason (the staff's, kept on the timeline). A stale ``expected_version`` answers 409."""
    if not can_extend_due(by):
        raise PermissionDeniedError("forbidden", _("Your role may not extend due dates."))
    order = lock_order(order, by=by, expected_version=expected_version)
    reason = require_text(reason, field="reason", max_length=500)
    if not 1 <= working_days <= EXTEND_MAX_WORKING_DAYS:
        raise ValidationFailed("out_of_range", _("Extend by 1 to 60 working days."), field="working_days")
    if order.status not in OPEN_STATUSES:
        raise ConflictError("order_not_open", _("Only open orders can be extended."))
    old_due = order.due_at
    due = working_day_due_at(received_at=old_due, working_days=working_days)
    at_risk_days = policy_for(kind=order.kind, resolution=order.resolution)[2]
    order.due_at = due.due_at
    order.at_risk_at = at_risk_time(due_at=due.due_at, working_days=at_risk_days)
    order.calendar_warning = due.warning[:255]
    order.version += 1
    order.save()
    event = record_event(
        order,
        type=EventType.DUE_EXTENDED,
        by=by,
        reason=reason,
        data={
            "old": local_time(old_due).isoformat(),
            "new": local_time(due.due_at).isoformat(),
            "working_days": working_days,
        },
    )
    tell_due_moved(order, event=event)
    return order


@transaction.atomic
def push_due_after_pause(
    order: ServiceOrder, *, working_days: int, reason: str, by: User | None, waited_for: str
) -> ServiceOrder:
    """The resolution clock stood still while the order waited for someone else (a quote waiting for
    the customer, a unit at the factory: issue 10): move the due date and the at-risk time by the
    working days the wait lasted, recorded as a due-date event with ``paused`` (who was waited for)
    in its data, so the timeline and the SLA figures show the pause.

    Called by the area that knew of the wait (money), inside its own service's transaction and after
    its own checks: it has no capability of its own. A closed order or a wait of no working day
    changes nothing."""
    order = lock_order(order)
    if working_days <= 0 or order.status not in OPEN_STATUSES:
        return order
    old_due = order.due_at
    due = working_day_due_at(received_at=old_due, working_days=working_days)
    at_risk_days = policy_for(kind=order.kind, resolution=order.resolution)[2]
    order.due_at = due.due_at
    order.at_risk_at = at_risk_time(due_at=due.due_at, working_days=at_risk_days)
    order.calendar_warning = due.warning[:255]
    order.version += 1
    order.save()
    record_event(
        order,
        type=EventType.DUE_EXTENDED,
        by=by,
        reason=reason[:500],
        data={
            "old": local_time(old_due).isoformat(),
            "new": local_time(due.due_at).isoformat(),
            "working_days": working_days,
            "paused": waited_for,
        },
    )
    return order
