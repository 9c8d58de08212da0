"""Moving the due dates of open orders after a calendar change (the preview is ``service.due_moves``)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import business_timezone
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.core.text import site_language
from aftersales.core.validation import require_text
from aftersales.service.choices import EventType
from aftersales.service.due_moves import ROW_FIELDS, DueMove, extension_days_of, moves_for_rows
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.permissions import can_apply_due_moves, orders_visible_to
from aftersales.service.services.common import record_events
from aftersales.service.services.customer_sms import tell_due_moved

REASON_MAX_LENGTH = OrderEvent._meta.get_field("reason").max_length or 500
BULK_BATCH = 500


@dataclass(frozen=True)
class AppliedMoves:
    moves: list[DueMove]
    customers_told: int

    @property
    def count(self) -> int:
        return len(self.moves)


def _event_data(move: DueMove) -> dict[str, object]:
    def at(moment: datetime.datetime) -> str:
        return moment.astimezone(business_timezone()).isoformat()

    return {
        "old": at(move.old_due_at),
        "new": at(move.new_due_at),
        "old_at_risk": at(move.old_at_risk_at),
        "new_at_risk": at(move.new_at_risk_at),
        "direction": move.direction,
        "warning_cleared": move.warning_cleared,
    }


@transaction.atomic
def apply_due_date_moves(*, by: User, reason: str = "") -> AppliedMoves:
    """Give every open order the due date today's calendar gives it (docs/calendars.md, "After a change").

    Computed again here from the rows as they are now, under a row lock and only for open orders: an
    order closed, extended or edited since the preview is taken as it is now, never overwritten from
    the preview. Each moved order gets a ``due_recomputed`` event (old → new) and a new ``version``;
    the reporter is told by SMS (outbox) when the date moves later. Applying again moves nothing.
    """
    if not can_apply_due_moves(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may move due dates after a calendar change."))
    reason = require_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=False)
    orders = orders_visible_to(by).open()  # type: ignore[attr-defined]
    # What is stored and sent (the calendar warning, the customer's SMS) is in the company's language,
    # whoever applies the change.
    with site_language():
        return _apply(orders, by=by, reason=reason)


def _apply(orders: QuerySet[ServiceOrder], *, by: User, reason: str) -> AppliedMoves:
    # The open orders are locked as they are read: one closed or edited meanwhile waits for this
    # transaction or is read as it now is, never from the preview.
    rows = list(orders.select_for_update(of=("self",)).values(*ROW_FIELDS))
    moves = moves_for_rows(rows, extensions=extension_days_of(orders.values("id")))
    if not moves:
        return AppliedMoves(moves=[], customers_told=0)
    by_id = {move.order_id: move for move in moves}
    ids = sorted(by_id)
    moved = [
        order
        for start in range(0, len(ids), BULK_BATCH)
        for order in ServiceOrder.objects.filter(pk__in=ids[start : start + BULK_BATCH]).order_by("pk")
    ]
    now = timezone.now()
    for order in moved:
        move = by_id[order.pk]
        order.due_at = move.new_due_at
        order.at_risk_at = move.new_at_risk_at
        order.calendar_warning = move.new_warning[:255]
        order.version += 1
        order.updated_at = now
    ServiceOrder.objects.bulk_update(
        moved, ["due_at", "at_risk_at", "calendar_warning", "version", "updated_at"], batch_size=BULK_BATCH
    )
    events = record_events(
        [
            (
                order,
                _event_data(by_id[order.pk]),
            )
            for order in moved
        ],
        type=EventType.DUE_RECOMPUTED,
        by=by,
        reason=reason,
    )
    told = 0
    for order, event in zip(moved, events, strict=True):
        if by_id[order.pk].is_later and tell_due_moved(order, event=event) is not None:
            told += 1
    AuditLog.objects.create(
        user=by,
        action="service.apply_due_date_moves",
        detail={"moved": len(moves), "later": sum(m.is_later for m in moves), "customers_told": told},
    )
    return AppliedMoves(moves=moves, customers_told=told)
