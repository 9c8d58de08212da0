"""Stock movements a parts keeper posts by hand: receipts, stock-take adjustments, scrap."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.parts.choices import LocationKind, MoveKind
from aftersales.parts.models import Location, Part, StockMove, Supplier
from aftersales.parts.services.common import clean_money, clean_quantity, require_manages
from aftersales.parts.services.ledger import post_move
from aftersales.parts.services.reservations import fill_waiting, lock_waiting


@transaction.atomic
def receive_stock(
    *,
    by: User,
    location: Location,
    part: Part,
    quantity: object,
    supplier: Supplier | None = None,
    unit_cost: object = None,
    serial: str = "",
    reason: str = "",
) -> StockMove:
    """A receipt (入库) at ``location``, with its supplier and cost; orders waiting for the part
    there get it reserved and their people are told (``reservations.fill_waiting``)."""
    require_manages(location, by=by)
    qty = clean_quantity(quantity, part=part)
    cost = clean_money(unit_cost, field="unit_cost", required=False)
    waiting = lock_waiting(location=location, parts=[part])  # the orders first, as cancelling takes them
    move = post_move(
        kind=MoveKind.RECEIPT,
        location=location,
        part=part,
        quantity=qty,
        on_hand=qty,
        by=by,
        supplier=supplier or part.supplier,
        unit_cost=cost,
        serial=serial[:60],
        reason=reason[:500],
    )
    fill_waiting(waiting=waiting[part.pk], by=by)
    return move


@transaction.atomic
def adjust_stock(*, by: User, location: Location, part: Part, delta: object, reason: str) -> StockMove:
    """A stock-take adjustment (盘点调整): ``delta`` more (or, negative, fewer) on hand; never below
    what is reserved, never below zero. A reason is required."""
    require_manages(location, by=by)
    if not (reason or "").strip():
        raise ValidationFailed("required", _("Say why the stock is adjusted."), field="reason")
    try:
        signed = Decimal(str(delta))
    except ArithmeticError:
        raise ValidationFailed("invalid_quantity", _("Enter a number."), field="delta") from None
    if not signed.is_finite() or signed == 0:
        raise ValidationFailed("invalid_quantity", _("An adjustment changes the stock."), field="delta")
    qty = clean_quantity(abs(signed), part=part, field="delta")
    return post_move(
        kind=MoveKind.ADJUSTMENT,
        location=location,
        part=part,
        quantity=qty,
        on_hand=qty if signed > 0 else -qty,
        by=by,
        reason=reason.strip()[:500],
        field="delta",  # it named "quantity", which the request does not have (a helper's probe, 2026-12-06)
    )


@transaction.atomic
def scrap_stock(
    *, by: User, location: Location, part: Part, quantity: object, reason: str, defective: bool = False
) -> StockMove:
    """Scrap (报废) good stock, or (``defective``) old parts held as defective."""
    require_manages(location, by=by)
    if not (reason or "").strip():
        raise ValidationFailed("required", _("Say why the parts are scrapped."), field="reason")
    qty = clean_quantity(quantity, part=part)
    return post_move(
        kind=MoveKind.SCRAP,
        location=location,
        part=part,
        quantity=qty,
        by=by,
        reason=reason.strip()[:500],
        on_hand=Decimal(0) if defective else -qty,
        defective=-qty if defective else Decimal(0),
    )


def van_of(user: User) -> Location | None:
    """The technician's van (their first active one)."""
    return Location.objects.filter(kind=LocationKind.VAN, holder=user, active=True).order_by("pk").first()
