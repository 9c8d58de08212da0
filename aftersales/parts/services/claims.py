"""Supplier warranty claims (domain.md, Warranty §9 五): a defective part from an outside supplier,
still within that supplier's warranty, is claimed back. open → sent → accepted → credited or
replaced; rejected with a reason. ``move_claim`` is the one place that changes a claim's status."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import ComputedAmountField
from aftersales.core.numbering import next_number
from aftersales.core.uploads import clean_upload
from aftersales.coverage.decision import add_months
from aftersales.parts.choices import CLAIM_MOVES, MoveKind, SupplierClaimStatus
from aftersales.parts.models import ClaimPhoto, Location, Part, Stock, SupplierClaim
from aftersales.parts.permissions import can_manage_stock
from aftersales.parts.services.common import clean_money, require_manages
from aftersales.parts.services.ledger import post_move
from aftersales.service.models import ServiceOrder

CLOSED = (SupplierClaimStatus.CREDITED, SupplierClaimStatus.REPLACED, SupplierClaimStatus.REJECTED)
PHOTOS_PER_CLAIM = 10


def _require_keeper(by: User) -> None:
    if not can_manage_stock(by):
        raise PermissionDeniedError("forbidden", _("Only the parts keeper handles supplier claims."))


def supplier_warranty_until(part: Part, *, fitted_on: datetime.date) -> datetime.date:
    return add_months(fitted_on, part.supplier_warranty_months)


@transaction.atomic
def open_claim(
    *,
    by: User,
    part: Part,
    fitted_on: datetime.date,
    failure: str,
    serial: str = "",
    order: ServiceOrder | None = None,
    location: Location | None = None,
    amount_claimed: Any = None,
    today: datetime.date | None = None,
) -> SupplierClaim:
    """Open a claim. Refused (nothing written) when the part is not from an outside supplier
    (400 ``not_outside_supplier``) or its supplier warranty has ended (409 ``outside_supplier_warranty``)."""
    _require_keeper(by)
    if location is not None:
        require_manages(location, by=by)
    if part.supplier is None or not part.supplier.outside:
        raise ValidationFailed(
            "not_outside_supplier",
            _("%(part)s is not from an outside supplier.") % {"part": part.number},
            field="part_id",
        )
    today = today or timezone.localdate()
    if fitted_on > today:
        raise ValidationFailed("date_in_future", _("The date cannot be in the future."), field="fitted_on")
    until = supplier_warranty_until(part, fitted_on=fitted_on)
    if until < today:
        raise ConflictError(
            "outside_supplier_warranty",
            _("The supplier's warranty of %(part)s ended on %(until)s.") % {"part": part.number, "until": until},
            field="fitted_on",
        )
    if not (failure or "").strip():
        raise ValidationFailed("required", _("Describe the failure."), field="failure")
    given = amount_claimed not in (None, "")
    amount = clean_money(amount_claimed if given else part.cost, field="amount_claimed")
    if not amount:  # a claim of 0.00 was taken and counted in the recovery report (a helper's probe, 2026-12-06)
        # "The part has no cost" only when the cost was taken: a 0 typed is the user's (QA, 2026-12-07).
        message = (
            _("The amount claimed must be more than zero.")
            if given
            else _("Say how much is claimed (the part has no cost).")
        )
        raise ValidationFailed("amount_not_positive", message, field="amount_claimed")
    return SupplierClaim.objects.create(
        number=next_number(prefix="SC", day=today, width=4),
        part=part,
        supplier=part.supplier,
        serial=(serial or "")[:60],
        order=order,
        location=location,
        fitted_on=fitted_on,
        failure=failure.strip()[:2000],
        amount_claimed=amount,
        created_by=by,
    )


@transaction.atomic
def move_claim(
    *,
    by: User,
    claim: SupplierClaim,
    to: str,
    reason: str = "",
    amount_recovered: Any = None,
    replacement_location: Location | None = None,
) -> SupplierClaim:
    """Move a claim along open → sent → accepted → credited / replaced, or to rejected (a reason
    required). Sending takes the kept old part out of the location's defective stock; a replacement
    is received into ``replacement_location``; a credit records the amount recovered."""
    _require_keeper(by)
    claim = SupplierClaim.objects.select_for_update(of=("self",)).select_related("part", "location").get(pk=claim.pk)
    if claim.location is not None:
        require_manages(claim.location, by=by)
    if to not in CLAIM_MOVES.get(SupplierClaimStatus(claim.status), ()):
        raise ConflictError(
            "invalid_transition",
            _("A claim that is %(status)s cannot become %(to)s.")
            % {"status": claim.get_status_display(), "to": dict(SupplierClaimStatus.choices).get(to, to)},
            field="to",
            allowed=list(CLAIM_MOVES[SupplierClaimStatus(claim.status)]),
        )
    if to == SupplierClaimStatus.REJECTED:
        if not (reason or "").strip():
            raise ValidationFailed("required", _("Say why the supplier rejected the claim."), field="reason")
        claim.reject_reason = reason.strip()[:500]
    if to == SupplierClaimStatus.SENT and claim.location is not None:
        stock = Stock.objects.filter(location=claim.location, part=claim.part).first()
        if stock is not None and stock.defective >= 1:
            post_move(
                kind=MoveKind.SUPPLIER_RETURN,
                location=claim.location,
                part=claim.part,
                quantity=Decimal(1),
                defective=Decimal(-1),
                by=by,
                order=claim.order,
                supplier=claim.supplier,
                serial=claim.serial,
                reason=claim.number,
            )
    if to == SupplierClaimStatus.CREDITED:
        amount = clean_money(amount_recovered, field="amount_recovered")
        if not amount:  # credited with nothing recovered was taken (a helper's probe, 2026-12-06)
            raise ValidationFailed(
                "amount_not_positive", _("A credit recovers more than nothing."), field="amount_recovered"
            )
        if amount > claim.amount_claimed:
            raise ValidationFailed("invalid_amount", _("More is recovered than was claimed."), field="amount_recovered")
        claim.amount_recovered = amount
    if to == SupplierClaimStatus.REPLACED:
        if replacement_location is None:
            raise ValidationFailed("required", _("Say where the replacement is received."), field="location_id")
        require_manages(replacement_location, by=by)
        post_move(
            kind=MoveKind.RECEIPT,
            location=replacement_location,
            part=claim.part,
            quantity=Decimal(1),
            on_hand=Decimal(1),
            by=by,
            supplier=claim.supplier,
            unit_cost=Decimal(0),
            reason=claim.number,
        )
        claim.amount_recovered = claim.amount_claimed
    claim.status = to
    if to in CLOSED:
        claim.closed_at = timezone.now()
    claim.save()
    return claim


@transaction.atomic
def add_claim_photo(*, by: User, claim: SupplierClaim, file: Any) -> ClaimPhoto:
    _require_keeper(by)
    claim = SupplierClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.photos.count() >= PHOTOS_PER_CLAIM:
        raise ConflictError(
            "photo_limit",
            _("A claim holds at most %(n)d photos.") % {"n": PHOTOS_PER_CLAIM},
            field="file",
            limit=PHOTOS_PER_CLAIM,
        )
    cleaned = clean_upload(file, field="file")
    return ClaimPhoto.objects.create(
        claim=claim, file=cleaned.file, content_type=cleaned.content_type, size=cleaned.size, uploaded_by=by
    )


def recovery_by_supplier(claims: QuerySet[SupplierClaim]) -> list[dict[str, Any]]:
    """Per supplier: claims, amount claimed, amount recovered (credited or replaced), rejected."""
    money = ComputedAmountField()
    rows = (
        claims.values("supplier_id", "supplier__code", "supplier__name")
        .annotate(
            claims=Count("id"),
            claimed=Coalesce(Sum("amount_claimed"), Value(Decimal(0)), output_field=money),
            recovered=Coalesce(Sum("amount_recovered"), Value(Decimal(0)), output_field=money),
            rejected=Count("id", filter=Q(status=SupplierClaimStatus.REJECTED)),
            open=Count("id", filter=~Q(status__in=CLOSED)),
        )
        .order_by("supplier__code")
    )
    return [dict(row) for row in rows]
