"""Writes of quality feedback: send failures to design, move a case, comment on it (STYLE.md 2, 4).

Each write checks the capability and the scope, saves, and records its history row in one transaction.
The owner is told of a case given to them (in-app notice through the outbox, no SMS).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.text import in_site_language
from aftersales.core.validation import require_choice, require_text
from aftersales.history.services import record_activity
from aftersales.notifications.services import notify_user
from aftersales.parts.models import Part
from aftersales.quality.choices import CASE_MOVES, CaseSource, CaseStatus
from aftersales.quality.models import CaseComment, CaseOrder, QualityCase
from aftersales.quality.permissions import can_send_to_design, can_view_failures, can_work_case, cases_visible_to
from aftersales.quality.statistics import FAILURE
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to

MAX_EVIDENCE = 200
# The moment each state is reached is kept on the case.
STAMPS = {
    CaseStatus.ANALYSING: "analysis_started_at",
    CaseStatus.DECIDED: "decided_at",
    CaseStatus.RELEASED: "released_at",
    CaseStatus.CLOSED: "closed_at",
    CaseStatus.REJECTED: "closed_at",
}


def _evidence(by: User, order_ids: list[int], product_model: ProductModel) -> list[ServiceOrder]:
    ids = sorted(set(order_ids))
    if not ids:
        raise ValidationFailed("no_orders", _("Name at least one failure order as evidence."), field="order_ids")
    if len(ids) > MAX_EVIDENCE:
        raise ValidationFailed(
            "too_many_orders", _("At most %(n)d orders per case.") % {"n": MAX_EVIDENCE}, field="order_ids"
        )
    orders = list(orders_visible_to(by).filter(FAILURE, pk__in=ids).select_related("unit"))
    if len(orders) != len(ids):
        raise ValidationFailed("invalid_order", _("No such failure order."), field="order_ids")
    if any(order.unit is None or order.unit.product_model_id != product_model.pk for order in orders):
        raise ValidationFailed(
            "wrong_model", _("Every order must be a failure of the case's product model."), field="order_ids"
        )
    return orders


@transaction.atomic
def open_case(
    *,
    by: User,
    product_model: ProductModel,
    order_ids: list[int],
    title: str,
    source: str = CaseSource.GROUP,
    part: Part | None = None,
    fault_code: str = "",
    description: str = "",
    owner: User | None = None,
) -> QualityCase:
    """Send a repeat failure or a failure group to design (domain.md Quality feedback §13 3.7): a case
    with its evidence (failure orders of the model that ``by`` may see)."""
    if not can_send_to_design(by):
        raise PermissionDeniedError("forbidden", _("You may not send failures to design."))
    title = require_text(title, field="title", max_length=200)
    source = require_choice(source, field="source", choices=CaseSource)
    fault_code = require_text(fault_code, field="fault_code", max_length=32, required=False)
    description = require_text(description, field="description", max_length=5000, required=False)
    if owner is not None and not can_view_failures(owner):
        raise ValidationFailed(
            "invalid_owner", _("The owner must be someone who works quality cases."), field="owner_id"
        )
    orders = _evidence(by, order_ids, product_model)
    if source == CaseSource.REPEAT and len({order.unit_id for order in orders}) != 1:
        raise ValidationFailed("not_one_unit", _("A repeat failure is the failures of one unit."), field="order_ids")
    now = timezone.now()
    case = QualityCase.objects.create(
        number=next_number(prefix="QC", day=timezone.localdate(now), width=3),
        title=title,
        source=source,
        product_model=product_model,
        part=part,
        fault_code=fault_code,
        description=description,
        service_center=None if by.sees_all_centres else by.service_center,
        owner=owner or by,
        opened_by=by,
    )
    CaseOrder.objects.bulk_create([CaseOrder(case=case, order=order) for order in orders])
    record_activity(
        target=case,
        type="quality_case.opened",
        by=by,
        data={"orders": [order.number for order in orders], "model": product_model.code},
    )
    _tell_owner(case, by=by)
    return case


@in_site_language
def _tell_owner(case: QualityCase, *, by: User) -> None:
    if case.owner is None or case.owner.pk == by.pk:
        return
    notify_user(
        user=case.owner,
        subject=_("Quality case %(number)s") % {"number": case.number},
        message=_("Quality case %(number)s (%(title)s) is yours.") % {"number": case.number, "title": case.title},
        key=f"quality-case-{case.pk}-owner-{case.owner.pk}",
        url=reverse("quality:case_detail", args=[case.pk]),
        target=case,
        sms=False,
    )


def _locked(case: QualityCase, by: User) -> QualityCase:
    """The case locked for the write: 404 when ``by`` may not see it, 403 when they may not work it."""
    if not cases_visible_to(by).filter(pk=case.pk).exists():
        raise NotFoundError("not_found", _("No such quality case."))
    case = QualityCase.objects.select_for_update().get(pk=case.pk)
    if not can_work_case(by, case):
        raise PermissionDeniedError("forbidden", _("You may not work on this quality case."))
    return case


@transaction.atomic
def transition_case(
    case: QualityCase,
    *,
    to: str,
    by: User,
    design_change_ref: str = "",
    decision: str = "",
    reason: str = "",
) -> QualityCase:
    """The one function that moves a case (``choices.CASE_MOVES``). Deciding a design change needs its
    reference; rejecting needs a reason."""
    to = require_choice(to, field="to", choices=CaseStatus)
    case = _locked(case, by)
    if to not in CASE_MOVES[case.status]:
        raise ConflictError(
            "invalid_transition",
            _("A case that is %(from)s cannot become %(to)s.")
            % {"from": CaseStatus(case.status).label, "to": CaseStatus(to).label},
        )
    reason = require_text(reason, field="reason", max_length=500, required=to == CaseStatus.REJECTED)
    changes: dict[str, tuple[str, str]] = {"status": (case.status, to)}
    if to == CaseStatus.DECIDED:
        ref = require_text(design_change_ref or case.design_change_ref, field="design_change_ref", max_length=100)
        decision = require_text(decision, field="decision", max_length=5000, required=False)
        changes["design_change_ref"] = (case.design_change_ref, ref)
        case.design_change_ref, case.decision = ref, decision or case.decision
    setattr(case, STAMPS[CaseStatus(to)], timezone.now())
    case.status = to
    case.save()
    record_activity(target=case, type="quality_case.moved", by=by, reason=reason, changes=changes)
    return case


@transaction.atomic
def update_case(
    case: QualityCase,
    *,
    by: User,
    title: str | None = None,
    description: str | None = None,
    owner: User | None = None,
    design_change_ref: str | None = None,
) -> QualityCase:
    """Edit what a case says while it is active; the owner may be handed on."""
    case = _locked(case, by)
    if not case.is_active:
        raise ConflictError("case_finished", _("A closed or rejected case is not edited."))
    before = {
        "title": case.title,
        "description": case.description,
        "owner": str(case.owner or ""),
        "design_change_ref": case.design_change_ref,
    }
    if title is not None:
        case.title = require_text(title, field="title", max_length=200)
    if description is not None:
        case.description = require_text(description, field="description", max_length=5000, required=False)
    if design_change_ref is not None:
        ref = require_text(design_change_ref, field="design_change_ref", max_length=100, required=False)
        if not ref and case.status != CaseStatus.OPEN and case.status != CaseStatus.ANALYSING:
            raise ValidationFailed("required", _("A decided change keeps its reference."), field="design_change_ref")
        case.design_change_ref = ref
    owner_changed = owner is not None and owner.pk != case.owner_id
    if owner is not None:
        if not can_view_failures(owner):
            raise ValidationFailed(
                "invalid_owner", _("The owner must be someone who works quality cases."), field="owner_id"
            )
        case.owner = owner
    case.save()
    after = {
        "title": case.title,
        "description": case.description,
        "owner": str(case.owner or ""),
        "design_change_ref": case.design_change_ref,
    }
    changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if changes:
        record_activity(target=case, type="quality_case.updated", by=by, changes=changes)
    if owner_changed:
        _tell_owner(case, by=by)
    return case


@transaction.atomic
def comment_case(case: QualityCase, *, by: User, text: str) -> CaseComment:
    case = _locked(case, by)
    text = require_text(text, field="text", max_length=5000)
    comment = CaseComment.objects.create(case=case, author=by, text=text)
    record_activity(target=case, type="quality_case.commented", by=by, data={"text": text[:200]})
    return comment
