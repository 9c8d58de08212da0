"""Stock-take (盘点): a count sheet per location (printable, or filled in on a phone), submitted by the
parts keeper, and the differences posted as stock-take adjustments once the manager approves."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import has_capability
from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.validation import require_text
from aftersales.parts.choices import MoveKind, StockTakeStatus
from aftersales.parts.models import Location, Stock, StockTake, StockTakeLine
from aftersales.parts.services.common import clean_quantity, lock_in_status, require_location_in_scope, require_manages
from aftersales.parts.services.ledger import post_move


@transaction.atomic
def start_stock_take(*, by: User, location: Location, note: str = "") -> StockTake:
    """A count sheet of every part the location holds or has levels for, with what the ledger expects."""
    require_manages(location, by=by)
    if StockTake.objects.filter(
        location=location, status__in=(StockTakeStatus.COUNTING, StockTakeStatus.SUBMITTED)
    ).exists():
        raise ConflictError("stock_take_open", _("This location is being counted already."), field="location_id")
    take = StockTake.objects.create(
        number=next_number(prefix="ST", day=timezone.localdate(), width=4),
        location=location,
        created_by=by,
        note=(note or "")[:500],
    )
    rows = Stock.objects.filter(location=location).select_related("part").order_by("part__number")
    StockTakeLine.objects.bulk_create(
        StockTakeLine(stock_take=take, part=row.part, expected=row.on_hand) for row in rows
    )
    return take


@transaction.atomic
def record_counts(*, by: User, stock_take: StockTake, counts: dict[int, Any]) -> StockTake:
    """``counts``: line id → the quantity counted (blank: not counted yet)."""
    take = lock_in_status(stock_take, status=StockTakeStatus.COUNTING, related=("location",))
    require_manages(take.location, by=by)
    lines = {line.pk: line for line in take.lines.select_related("part")}
    for line_id, raw in counts.items():
        line = lines.get(line_id)
        if line is None:
            raise ValidationFailed("unknown_line", _("No such line on this count sheet."), field=f"counts.{line_id}")
        if raw in (None, ""):
            line.counted = None
        else:
            line.counted = clean_quantity(raw, part=line.part, field=f"counts.{line_id}", allow_zero=True)
        line.save(update_fields=["counted"])
    return take


@transaction.atomic
def submit_stock_take(*, by: User, stock_take: StockTake) -> StockTake:
    take = lock_in_status(stock_take, status=StockTakeStatus.COUNTING, related=("location",))
    require_manages(take.location, by=by)
    if take.lines.filter(counted__isnull=True).exists():
        raise ValidationFailed("not_counted", _("Count every line before submitting."), field="counts")
    take.status = StockTakeStatus.SUBMITTED
    take.save(update_fields=["status", "updated_at"])
    return take


@transaction.atomic
def decide_stock_take(*, by: User, stock_take: StockTake, approve: bool, note: str = "") -> StockTake:
    """The manager approves (each difference becomes a stock-take adjustment) or rejects (back to the
    keeper's desk, nothing posted). An adjustment that would take the stock below zero or below what
    is reserved refuses the approval as a whole."""
    note = require_text(note, field="note", max_length=500, required=False)
    require_location_in_scope(stock_take.location, by=by)
    if not has_capability(by, "parts.approve_stock_take", centre_id=stock_take.location.service_center_id):
        raise PermissionDeniedError("forbidden", _("The service manager approves stock-takes."))
    take = lock_in_status(stock_take, status=StockTakeStatus.SUBMITTED, related=("location",))
    if approve:
        for line in take.lines.select_related("part"):
            diff = line.difference or Decimal(0)
            if diff:
                post_move(
                    kind=MoveKind.ADJUSTMENT,
                    location=take.location,
                    part=line.part,
                    quantity=abs(diff),
                    on_hand=diff,
                    by=by,
                    reason=_("Stock-take %(number)s") % {"number": take.number},
                )
    take.status = StockTakeStatus.POSTED if approve else StockTakeStatus.REJECTED
    take.approved_by = by
    take.decided_at = timezone.now()
    if note:
        take.note = note
    take.save()
    return take
