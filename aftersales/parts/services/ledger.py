"""The stock ledger: every movement is one append-only ``StockMove`` and the change it makes to the
cached ``Stock`` balance, in one transaction.

Never negative (issue 9): the balance changes only through one conditional ``UPDATE … WHERE`` that
also states the rule (``on_hand + Δ ≥ 0``, ``reserved + Δ ≤ on_hand + Δ`` …). On PostgreSQL a
second writer waits on the row lock and re-checks the ``WHERE`` on the committed row; on SQLite the
writers queue at ``BEGIN IMMEDIATE``. Either way one of two technicians taking the last unit updates
the row and the other updates none and gets 409 ``insufficient_stock``, with nothing written.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError
from aftersales.parts.models import ZERO, Location, Part, Stock, StockMove, Supplier
from aftersales.parts.services.alerts import alert_if_critical_low
from aftersales.service.models import ServiceOrder, Visit


def _stock_row(location: Location, part: Part) -> Stock:
    stock, _created = Stock.objects.get_or_create(location=location, part=part)
    return stock


def post_move(
    *,
    kind: str,
    location: Location,
    part: Part,
    quantity: Decimal,
    by: User,
    on_hand: Decimal = ZERO,
    reserved: Decimal = ZERO,
    in_transit: Decimal = ZERO,
    defective: Decimal = ZERO,
    order: ServiceOrder | None = None,
    visit: Visit | None = None,
    supplier: Supplier | None = None,
    unit_cost: Decimal | None = None,
    serial: str = "",
    request_id: int | None = None,
    reason: str = "",
    field: str = "quantity",
) -> StockMove:
    """Change the balance of ``part`` at ``location`` by the deltas, if the result breaks no rule,
    and write the ledger entry; 409 ``insufficient_stock`` on ``field`` (the caller's input that
    asked for it; nothing written) otherwise. The caller checks the input and the permission; this is
    the one writer of ``Stock`` balances."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_move runs inside the caller's transaction")
    stock = _stock_row(location, part)
    rule = (
        Q(pk=stock.pk)
        & Q(on_hand__gte=-on_hand)
        & Q(reserved__gte=-reserved)
        & Q(in_transit__gte=-in_transit)
        & Q(defective__gte=-defective)
        & Q(on_hand__gte=F("reserved") + (reserved - on_hand))
    )
    changed = Stock.objects.filter(rule).update(
        on_hand=F("on_hand") + on_hand,
        reserved=F("reserved") + reserved,
        in_transit=F("in_transit") + in_transit,
        defective=F("defective") + defective,
        updated_at=timezone.now(),
    )
    if not changed:
        current = Stock.objects.get(pk=stock.pk)
        raise ConflictError(
            "insufficient_stock",
            _("Only %(available)s of %(part)s available at %(location)s.")
            % {"available": qty_text(current.available), "part": part.number, "location": location.name},
            field=field,
            available=str(qty_text(current.available)),
        )
    move = StockMove.objects.create(
        kind=kind,
        location=location,
        part=part,
        quantity=quantity,
        on_hand_delta=on_hand,
        # The balance this entry has just changed (its row is locked by the update above), read in the
        # INSERT itself and returned by it: no statement of its own.
        on_hand_after=Subquery(Stock.objects.filter(pk=stock.pk).values("on_hand")[:1]),
        reserved_delta=reserved,
        in_transit_delta=in_transit,
        defective_delta=defective,
        order=order,
        visit=visit,
        supplier=supplier,
        unit_cost=unit_cost,
        serial=serial,
        request_id=request_id,
        actor=by,
        reason=reason,
    )
    if on_hand < 0 or reserved > 0:
        alert_if_critical_low(location=location, part=part)
    return move


def qty_text(value: Decimal) -> Decimal:
    return value.normalize() if value == value.to_integral_value() else value
