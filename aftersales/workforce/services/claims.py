"""Expense claims (报销, domain.md "Field staff" §12 第四节): lines linked to the claimant's orders or
trips, handed in on the configured weekdays (Tuesday), no later than the configured days after the
expense (one week), approved along the chain kept as data (manager → finance → general manager; a
step with ``min_total`` only for larger claims), materials bought on site confirmed by purchasing
before finance approves, exported for payment.

Each step approves, rejects (with a reason) or sends the claim back to its author (with a reason); a
stand-in approves for an absent approver (the capability comes with the stand-in, and the decision
row names whom they stood in for). No one decides their own claim, and no step is skipped.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import own_capabilities_of, users_with_capability
from aftersales.accounts.models import StandIn, User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.text import in_site_language, join_list, site_language
from aftersales.core.uploads import clean_upload
from aftersales.core.validation import field_max_length, require_choice, require_text
from aftersales.history.services import record_activity
from aftersales.notifications.services import Notice, enqueue_notices
from aftersales.service.permissions import orders_visible_to
from aftersales.workforce.choices import ApprovalRole, ApproverDecision, Decision, ExpenseClaimStatus, ExpenseKind
from aftersales.workforce.common import not_in_future, parse_amount, person_fields, require_self
from aftersales.workforce.models import ApprovalStep, ClaimDecision, ExpenseClaim, ExpenseLine, FieldTrip
from aftersales.workforce.permissions import (
    STEP_CAPABILITY,
    can_confirm_materials,
    can_export_claims,
    claims_visible_to,
    may_approve_step,
)
from aftersales.workforce.rules import rules
from aftersales.workforce.signals import claim_approved


def _lock_claim(claim_id: int, *, by: User) -> ExpenseClaim:
    claim = claims_visible_to(by).select_for_update(of=("self",)).filter(pk=claim_id).first()
    if claim is None:
        raise NotFoundError("not_found", _("No such expense claim."))
    return claim


def _own_draft(claim_id: int, *, by: User) -> ExpenseClaim:
    claim = _lock_claim(claim_id, by=by)
    if claim.person_id != by.pk:
        raise PermissionDeniedError("not_yourself", _("Only the claimant changes a claim."))
    if claim.status != ExpenseClaimStatus.DRAFT:
        raise ConflictError("claim_not_draft", _("Only a draft claim (or one sent back) can change."))
    return claim


def _record(claim: ExpenseClaim, decision: str, *, by: User, reason: str = "", **extra: Any) -> ClaimDecision:
    """The claim's approval history row (never changed) and its activity row (the History panel)."""
    row = ClaimDecision.objects.create(claim=claim, decision=decision, actor=by, reason=reason, **extra)
    behalf = extra.get("on_behalf_of")
    data = {"step": extra["step"], "role": extra["role"]} if "step" in extra else {}
    if behalf is not None:
        data["on_behalf_of"] = str(behalf)
    record_activity(target=claim, type=f"expense_claim.{decision}", by=by, reason=reason, data=data or None)
    return row


def _retotal(claim: ExpenseClaim) -> None:
    claim.total = claim.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    claim.version += 1
    claim.save()


@transaction.atomic
def create_claim(*, by: User, note: str = "", person: User | None = None) -> ExpenseClaim:
    """Start a draft claim for oneself (403 ``not_yourself`` for someone else)."""
    require_self(by, person)
    note = require_text(note, field="note", max_length=field_max_length(ExpenseClaim, "note"), required=False)
    number = next_number(prefix="BX", day=timezone.localdate(), width=4)
    claim = ExpenseClaim.objects.create(**person_fields(by), number=number, note=note)
    record_activity(target=claim, type="expense_claim.created", by=by, data={"number": number})
    return claim


def _line_data(line: ExpenseLine) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "spent_on": line.spent_on.isoformat(),
        "amount": str(line.amount),
        "description": line.description,
    }


def _late(spent_on: datetime.date, *, today: datetime.date) -> bool:
    return (today - spent_on).days > rules().claim_within_days


def _refuse_late(spent_on: datetime.date, *, today: datetime.date, field: str) -> None:
    days = rules().claim_within_days
    raise ValidationFailed(
        "expense_too_old",
        _("An expense is claimed within %(days)d days; this one is from %(day)s.") % {"days": days, "day": spent_on},
        field=field,
        days=days,
    )


@transaction.atomic
def add_expense_line(
    *,
    claim_id: int,
    by: User,
    kind: str,
    spent_on: datetime.date,
    amount: Any,
    description: str,
    order_id: int | None = None,
    trip_id: int | None = None,
    receipt: UploadedFile | None = None,
    today: datetime.date | None = None,
) -> ExpenseLine:
    """Add a line to one's draft claim. It is linked to one of the claimant's own orders (400
    ``not_your_order``) or trips (``not_your_trip``); an expense older than the rule allows is refused
    (400 ``expense_too_old``) or flagged ``late``, as the rules say."""
    claim = _own_draft(claim_id, by=by)
    today = today or timezone.localdate()
    kind = require_choice(kind, field="kind", choices=ExpenseKind)
    amount = parse_amount(amount)
    spent_on = not_in_future(spent_on, field="spent_on", today=today)
    description = require_text(
        description, field="description", max_length=field_max_length(ExpenseLine, "description")
    )
    if order_id is None and trip_id is None:
        raise ValidationFailed(
            "line_unlinked", _("Name the service order or the field trip of this expense."), field="order_id"
        )
    order = None
    if order_id is not None:
        order = orders_visible_to(by).filter(pk=order_id).first()
        if order is None or not (order.technician_id == by.pk or order.helpers.filter(pk=by.pk).exists()):
            raise ValidationFailed("not_your_order", _("Claim expenses only for your own jobs."), field="order_id")
        received_on = timezone.localtime(order.received_at).date()
        if spent_on < received_on:
            raise ValidationFailed(
                "spent_before_order",
                _("The order %(number)s was received on %(day)s: an expense of %(spent)s is not for it.")
                % {"number": order.number, "day": received_on.isoformat(), "spent": spent_on.isoformat()},
                field="spent_on",
            )
    trip = None
    if trip_id is not None:
        trip = FieldTrip.objects.filter(pk=trip_id, person=by).first()
        if trip is None:
            raise ValidationFailed("not_your_trip", _("Claim expenses only for your own trips."), field="trip_id")
    late = _late(spent_on, today=today)
    if late and rules().late_lines == "refuse":
        _refuse_late(spent_on, today=today, field="spent_on")
    clean = clean_upload(receipt, field="receipt") if receipt is not None else None
    line = ExpenseLine(
        claim=claim,
        kind=kind,
        spent_on=spent_on,
        amount=amount,
        description=description,
        order=order,
        trip=trip,
        late=late,
    )
    if clean is not None:
        line.receipt.save(clean.name, clean.file, save=False)
    line.save()
    _retotal(claim)
    record_activity(target=claim, type="expense_claim.line_added", by=by, data=_line_data(line))
    return line


@transaction.atomic
def remove_expense_line(*, line_id: int, by: User) -> ExpenseClaim:
    line = ExpenseLine.objects.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError("not_found", _("No such expense line."))
    claim = _own_draft(line.claim_id, by=by)
    data = _line_data(line)
    line.delete()
    _retotal(claim)
    record_activity(target=claim, type="expense_claim.line_removed", by=by, data=data)
    return claim


# The source's chain (§12), used while the table holds no step at all (migration 0002 writes it as rows).
DEFAULT_CHAIN = (ApprovalRole.MANAGER, ApprovalRole.FINANCE, ApprovalRole.GENERAL_MANAGER)


def _chain(total: Decimal) -> list[ApprovalStep]:
    """The steps this claim goes through: every active step, those with ``min_total`` only when the
    total is above it."""
    steps = list(ApprovalStep.objects.order_by("position"))
    if not steps:
        steps = [ApprovalStep(position=n, role=role) for n, role in enumerate(DEFAULT_CHAIN, start=1)]
    return [s for s in steps if s.active and (s.min_total is None or total > s.min_total)]


def _next_step(claim: ExpenseClaim, after: int) -> ApprovalStep | None:
    return next((s for s in _chain(claim.total) if s.position > after), None)


def _tell(users: Sequence[User] | Any, claim: ExpenseClaim, text: str, tag: str) -> None:
    enqueue_notices(
        [
            Notice(
                user_id=u.pk,
                message=text,
                key=f"wf-claim-{claim.pk}-{claim.version}-{tag}-{u.pk}",
                url=f"/workforce/claims/{claim.pk}/",
            )
            for u in users
        ]
    )


@in_site_language
def _tell_step(claim: ExpenseClaim, step: ApprovalStep) -> None:
    approvers = users_with_capability(STEP_CAPABILITY[ApprovalRole(step.role)])
    if not step.role == ApprovalRole.GENERAL_MANAGER:
        approvers = approvers.filter(service_center_id=claim.service_center_id)
    text = _("Expense claim %(number)s of %(name)s (%(total)s yuan) waits for your approval.") % {
        "number": claim.number,
        "name": claim.person,
        "total": claim.total,
    }
    _tell(approvers.exclude(pk=claim.person_id), claim, text, f"step{step.position}")


@transaction.atomic
def submit_claim(*, claim_id: int, by: User, now: datetime.datetime | None = None) -> ExpenseClaim:
    """Hand in one's draft claim: on a claim weekday (§12: Tuesday; otherwise 400 ``not_claim_day`` or
    flagged, as the rules say), with at least one line (400 ``claim_empty``), every line within the
    deadline as of today (400 ``expense_too_old`` or flagged). It then waits for the chain's first step."""
    claim = _own_draft(claim_id, by=by)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    current = rules()
    lines = list(claim.lines.all())
    if not lines:
        raise ValidationFailed("claim_empty", _("Add at least one expense first."))
    notes = []
    if today.weekday() not in current.claim_weekdays:
        days = join_list(WEEKDAYS[d] for d in current.claim_weekdays)
        if current.off_day_claims == "refuse":
            raise ValidationFailed(
                "not_claim_day",
                _("Claims are handed in on %(days)s.") % {"days": days},
                weekdays=list(current.claim_weekdays),
            )
        notes.append(_("handed in on another day than %(days)s") % {"days": days})
    for line in lines:
        if _late(line.spent_on, today=today):
            if current.late_lines == "refuse":
                _refuse_late(line.spent_on, today=today, field=f"lines.{line.pk}.spent_on")
            if not line.late:
                line.late = True
                line.save(update_fields=["late", "updated_at"])
    if any(line.late for line in lines):
        notes.append(_("late expenses"))
    step = _next_step(claim, 0)
    if step is None:
        raise ConflictError("no_approval_chain", _("No approval step is configured."))
    claim.status, claim.step, claim.step_role = ExpenseClaimStatus.SUBMITTED, step.position, step.role
    claim.submitted_at, claim.decided_at = now, None
    claim.version += 1
    claim.save()
    _record(claim, Decision.SUBMITTED, by=by, reason="；".join(str(n) for n in notes))
    _tell_step(claim, step)
    return claim


def _stood_in_for(by: User, name: str, *, centre_id: int) -> User | None:
    """Whom ``by`` stands in for when they hold ``name`` only through a stand-in (None: their own)."""
    if name in own_capabilities_of(by):
        return None
    for row in StandIn.objects.in_force(timezone.localdate()).filter(to_user=by).select_related("from_user"):
        giver = row.from_user
        if name in own_capabilities_of(giver) and (giver.sees_all_centres or giver.service_center_id == centre_id):
            return giver
    return None


def _require_step(claim: ExpenseClaim, by: User, step: int | None) -> str:
    """Check that ``by`` may decide the step the claim waits for; answer its capability."""
    if claim.status != ExpenseClaimStatus.SUBMITTED:
        raise ConflictError("claim_not_in_approval", _("This claim is not waiting for approval."))
    if claim.person_id == by.pk:
        raise PermissionDeniedError("own_claim", _("No one approves their own claim."))
    waiting = ApprovalRole(claim.step_role)
    if step is not None and step != claim.step:
        raise ConflictError(
            "step_not_reached" if step > claim.step else "step_done",
            _("The claim waits for step %(step)d (%(role)s).") % {"step": claim.step, "role": waiting.label},
            current_step=claim.step,
        )
    if not may_approve_step(by, waiting, centre_id=claim.service_center_id):
        later = [s for s in _chain(claim.total) if s.position > claim.step]
        if any(may_approve_step(by, s.role, centre_id=claim.service_center_id) for s in later):
            raise ConflictError(
                "step_not_reached",
                _("The claim waits for the %(role)s first; no step is skipped.") % {"role": waiting.label},
                current_step=claim.step,
            )
        raise PermissionDeniedError("forbidden", _("You do not approve this step."))
    return STEP_CAPABILITY[waiting]


@transaction.atomic
def decide_claim(*, claim_id: int, by: User, decision: str, reason: str = "", step: int | None = None) -> ExpenseClaim:
    """The approver of the step the claim waits for decides: ``approved`` (to the next step, or the
    claim is approved after the last), ``rejected`` (final, with a reason) or ``sent_back`` (to its
    author as a draft, with a reason; handed in again it starts the chain over). ``step``, when given,
    is the step the approver saw (409 ``step_not_reached`` / ``step_done`` when it is not the current).

    No one decides their own claim (403 ``own_claim``); an approver of a later step gets 409
    ``step_not_reached``; finance approves only when purchasing confirmed every material bought on
    site (409 ``materials_unconfirmed``)."""
    if decision not in ApproverDecision.values:
        raise ValidationFailed("invalid_choice", _("Decide approved, rejected or sent_back."), field="decision")
    claim = _lock_claim(claim_id, by=by)
    capability = _require_step(claim, by, step)
    reason = require_text(reason, field="reason", max_length=500, required=decision != Decision.APPROVED)
    if (
        decision == Decision.APPROVED
        and claim.step_role == ApprovalRole.FINANCE
        and claim.lines.filter(kind=ExpenseKind.MATERIALS, confirmed_at__isnull=True).exists()
    ):
        raise ConflictError(
            "materials_unconfirmed", _("Purchasing has not confirmed the materials bought on site yet.")
        )
    behalf = _stood_in_for(by, capability, centre_id=claim.service_center_id)
    _record(claim, decision, by=by, reason=reason, step=claim.step, role=claim.step_role, on_behalf_of=behalf)
    claim.version += 1
    if decision == Decision.APPROVED:
        following = _next_step(claim, claim.step)
        if following is not None:
            claim.step, claim.step_role = following.position, following.role
            claim.save()
            _tell_step(claim, following)
            return claim
        claim.status, claim.decided_at = ExpenseClaimStatus.APPROVED, timezone.now()
    else:
        claim.status = ExpenseClaimStatus.REJECTED if decision == Decision.REJECTED else ExpenseClaimStatus.DRAFT
        claim.decided_at = timezone.now() if decision == Decision.REJECTED else None
    claim.step, claim.step_role = 0, ""
    claim.save()
    with site_language():
        words = {
            Decision.APPROVED: _("Your expense claim %(number)s is approved."),
            Decision.REJECTED: _("Your expense claim %(number)s was rejected: %(reason)s"),
            Decision.SENT_BACK: _("Your expense claim %(number)s was sent back: %(reason)s"),
        }
        text = words[Decision(decision)] % {"number": claim.number, "reason": reason}
    _tell([claim.person], claim, text, decision)
    if claim.status == ExpenseClaimStatus.APPROVED:
        claim_approved.send(sender=ExpenseClaim, claim=claim, actor=by)
    return claim


@transaction.atomic
def confirm_materials(*, line_id: int, by: User) -> ExpenseLine:
    """Purchasing confirms a line of materials bought on site (§12: 经采购部经理确认), once."""
    line = ExpenseLine.objects.select_related("claim").filter(pk=line_id).first()
    if line is None or not claims_visible_to(by).filter(pk=line.claim_id).exists():
        raise NotFoundError("not_found", _("No such expense line."))
    if not can_confirm_materials(by, centre_id=line.claim.service_center_id):
        raise PermissionDeniedError("forbidden", _("Only purchasing confirms materials."))
    if line.kind != ExpenseKind.MATERIALS:
        raise ValidationFailed("not_materials", _("Only materials bought on site are confirmed."), field="line_id")
    line = ExpenseLine.objects.select_for_update().get(pk=line.pk)
    if line.confirmed_at is not None:
        raise ConflictError("already_confirmed", _("These materials are confirmed already."))
    if line.claim.status not in (ExpenseClaimStatus.DRAFT, ExpenseClaimStatus.SUBMITTED):
        raise ConflictError("claim_not_in_approval", _("This claim is not waiting for approval."))
    line.confirmed_by, line.confirmed_at = by, timezone.now()
    line.save()
    _record(line.claim, Decision.MATERIALS_CONFIRMED, by=by, reason=line.description)
    return line


@transaction.atomic
def mark_claims_exported(*, claim_ids: Sequence[int], by: User) -> list[ExpenseClaim]:
    """Finance marks approved claims as handed to payment (after downloading the export); each claim
    outside the caller's scope answers 404, one not approved 409 ``claim_not_approved``."""
    if not can_export_claims(by):
        raise PermissionDeniedError("forbidden", _("Only finance exports claims for payment."))
    claims = list(claims_visible_to(by).select_for_update(of=("self",)).filter(pk__in=claim_ids).order_by("pk"))
    if len(claims) != len(set(claim_ids)):
        raise NotFoundError("not_found", _("No such expense claim."), field="claim_ids")
    for claim in claims:
        if claim.status != ExpenseClaimStatus.APPROVED:
            raise ConflictError("claim_not_approved", _("%(number)s is not approved.") % {"number": claim.number})
    now = timezone.now()
    for claim in claims:
        claim.status, claim.exported_at = ExpenseClaimStatus.EXPORTED, now
        claim.version += 1
        claim.save()
        _record(claim, Decision.EXPORTED, by=by)
    return claims


@transaction.atomic
def attach_receipt(*, line_id: int, by: User, file: UploadedFile) -> ExpenseLine:
    """The photo of a line's receipt (JPEG/PNG/WebP, re-encoded without EXIF), while the claim is a draft."""
    line = ExpenseLine.objects.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError("not_found", _("No such expense line."))
    _own_draft(line.claim_id, by=by)
    clean = clean_upload(file, field="file")
    line.receipt.save(clean.name, clean.file, save=False)
    line.save()
    record_activity(target=line.claim, type="expense_claim.receipt_attached", by=by, data=_line_data(line))
    return line
