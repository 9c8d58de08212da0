"""Replenishment (补货): transfer and purchase requests, made by hand or from a location's shortage
list, followed from open through sent to received (domain.md, Spare parts §9 四)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.parts.choices import MoveKind, RequestKind, RequestStatus
from aftersales.parts.models import Location, Part, Stock, StockRequest, StockRequestLine, Supplier
from aftersales.parts.selectors import shortages
from aftersales.parts.services.common import (
    clean_money,
    clean_quantity,
    lock_in_status,
    require_location_in_scope,
    require_manages,
)
from aftersales.parts.services.ledger import post_move
from aftersales.parts.services.reservations import fill_waiting, lock_waiting


@transaction.atomic
def create_request(
    *,
    by: User,
    kind: str,
    location: Location,
    lines: list[tuple[Part, Any]],
    source: Location | None = None,
    supplier: Supplier | None = None,
    note: str = "",
) -> StockRequest:
    """A request to fill ``location``: a transfer from ``source`` or a purchase (from ``supplier``)."""
    require_manages(location, by=by)
    if kind not in RequestKind.values:
        raise ValidationFailed("invalid_choice", _("A request is a transfer or a purchase."), field="kind")
    if kind == RequestKind.TRANSFER:
        if source is None:
            raise ValidationFailed("required", _("Say where the parts come from."), field="source_id")
        require_location_in_scope(source, by=by)
        if source.pk == location.pk:
            raise ValidationFailed("same_location", _("A transfer goes to another location."), field="source_id")
    if not lines:
        raise ValidationFailed("required", _("Give at least one part."), field="lines")
    seen: set[int] = set()
    cleaned = []
    for index, (part, quantity) in enumerate(lines):
        if part.pk in seen:
            raise ValidationFailed("duplicate_part", _("Each part once per request."), field=f"lines.{index}.part_id")
        seen.add(part.pk)
        cleaned.append((part, clean_quantity(quantity, part=part, field=f"lines.{index}.quantity")))
    request = StockRequest.objects.create(
        number=next_number(prefix="PR", day=timezone.localdate(), width=4),
        kind=kind,
        location=location,
        source=source if kind == RequestKind.TRANSFER else None,
        supplier=supplier if kind == RequestKind.PURCHASE else None,
        note=note[:500],
        created_by=by,
    )
    StockRequestLine.objects.bulk_create(
        StockRequestLine(request=request, part=part, quantity=qty, unit_cost=part.cost or None) for part, qty in cleaned
    )
    return request


def suggested_quantity(stock: Stock) -> Decimal:
    """Up to the maximum (or the minimum when no maximum is set), counting what is in transit."""
    target = stock.max_qty or stock.min_qty
    need = target - (stock.available + stock.in_transit)
    if stock.part.whole_units:
        need = need.to_integral_value(rounding="ROUND_CEILING")
    return max(need, Decimal(0))


@transaction.atomic
def request_shortages(
    *, by: User, location: Location, source: Location | None = None, note: str = ""
) -> StockRequest | None:
    """One request for every part short at ``location``: a transfer from ``source`` when given,
    else a purchase. ``None`` when nothing is short."""
    require_manages(location, by=by)
    short = [s for s in shortages(locations=Location.objects.filter(pk=location.pk)) if suggested_quantity(s) > 0]
    if not short:
        return None
    return create_request(
        by=by,
        kind=RequestKind.TRANSFER if source else RequestKind.PURCHASE,
        location=location,
        source=source,
        lines=[(s.part, suggested_quantity(s)) for s in short],
        note=note or _("Shortage list"),
    )


@transaction.atomic
def send_request(*, by: User, request: StockRequest) -> StockRequest:
    """A transfer leaves its source (transfer out there, in transit at the destination; never more
    than is available there); a purchase is ordered from the supplier."""
    request = lock_in_status(request, status=RequestStatus.OPEN, related=("location", "source"))
    if request.kind == RequestKind.TRANSFER and request.source is not None:
        require_manages(request.source, by=by)
        for index, line in enumerate(request.lines.select_related("part")):
            try:
                post_move(
                    kind=MoveKind.TRANSFER_OUT,
                    location=request.source,
                    part=line.part,
                    quantity=line.quantity,
                    on_hand=-line.quantity,
                    by=by,
                    request_id=request.pk,
                )
            except ConflictError as exc:
                exc.field = f"lines.{index}.quantity"
                raise
            post_move(
                kind=MoveKind.IN_TRANSIT,
                location=request.location,
                part=line.part,
                quantity=line.quantity,
                in_transit=line.quantity,
                by=by,
                request_id=request.pk,
            )
    else:
        require_manages(request.location, by=by)
    request.status = RequestStatus.SENT
    request.sent_at = timezone.now()
    request.save(update_fields=["status", "sent_at", "updated_at"])
    return request


@transaction.atomic
def receive_request(*, by: User, request: StockRequest, unit_costs: dict[int, Any] | None = None) -> StockRequest:
    """The parts arrive: a transfer in (out of transit) or a receipt from the supplier; orders
    waiting for them there get them held and are told."""
    request = lock_in_status(request, status=RequestStatus.SENT, related=("location", "source"))
    require_manages(request.location, by=by)
    lines = list(request.lines.select_related("part"))
    # The orders waiting for these parts first, then their reservations, then the stock rows: as cancelling.
    waiting = lock_waiting(location=request.location, parts=[line.part for line in lines])
    for line in lines:
        if request.kind == RequestKind.TRANSFER:
            post_move(
                kind=MoveKind.TRANSFER_IN,
                location=request.location,
                part=line.part,
                quantity=line.quantity,
                on_hand=line.quantity,
                in_transit=-line.quantity,
                by=by,
                request_id=request.pk,
            )
        else:
            cost = clean_money((unit_costs or {}).get(line.pk), field="unit_costs", required=False) or line.unit_cost
            post_move(
                kind=MoveKind.RECEIPT,
                location=request.location,
                part=line.part,
                quantity=line.quantity,
                on_hand=line.quantity,
                by=by,
                supplier=request.supplier or line.part.supplier,
                unit_cost=cost,
                request_id=request.pk,
            )
    for part_id in dict.fromkeys(line.part_id for line in lines):
        fill_waiting(waiting=waiting[part_id], by=by)
    request.status = RequestStatus.RECEIVED
    request.received_at = timezone.now()
    request.save(update_fields=["status", "received_at", "updated_at"])
    return request


@transaction.atomic
def cancel_request(*, by: User, request: StockRequest) -> StockRequest:
    request = lock_in_status(request, status=RequestStatus.OPEN, related=("location", "source"))
    require_manages(request.location, by=by)
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    return request
