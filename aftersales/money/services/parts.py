"""Parts used on a visit and who pays for them (domain.md Warranty §6 1.5.1–1.5.2, the parts issue's hook).

- **Before the issue** (``check_issue``, registered in ``parts.registry.issue_checks``): a part the
  customer would pay for is issued only against a parts line of that part the customer approved in a
  quote, and only as much as it approved (``quote_not_approved``, 409, nothing written). Parts the
  company, a supplier, the factory or a contract bears go at once.
- **After the issue** (``on_parts_used``, a receiver of ``parts.signals.parts_used``): the customer's
  parts are drawn from the approved lines (``ChargeLine.issued``); anyone else's become charge lines of
  their own, approved and booked (source ``visit-part-<id>``), at the list price of the day (the part's
  cost when it has none).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError
from aftersales.money.amounts import to_fen
from aftersales.money.choices import Bearer, ChargeKind, LineStatus, QuoteStatus
from aftersales.money.conf import default_tax_rate
from aftersales.money.models import ChargeLine
from aftersales.money.rules import bearer_for
from aftersales.money.services.charges import insert_line
from aftersales.parts.choices import OldPartFate
from aftersales.parts.models import VisitPart
from aftersales.service.models import ServiceOrder

ZERO = Decimal("0")
TWO_PLACES = Decimal("0.01")


def _customer_pays(order: ServiceOrder, fate: str) -> bool:
    return bearer_for(order, ChargeKind.PARTS, supplier_claim=fate == OldPartFate.SUPPLIER_CLAIM) == Bearer.CUSTOMER


def _approved_lines(order: ServiceOrder) -> Any:
    return order.charge_lines.filter(
        bearer=Bearer.CUSTOMER,
        kind=ChargeKind.PARTS,
        part__isnull=False,
        status__in=(LineStatus.APPROVED, LineStatus.INVOICED),
    )


def approved_parts_left(order: ServiceOrder) -> dict[int, Decimal]:
    """Per part: how much the customer approved and no visit has issued yet (one query)."""
    rows = _approved_lines(order).values("part_id").annotate(left=Sum(F("quantity") - F("issued")))
    return {row["part_id"]: row["left"] or ZERO for row in rows}


def check_issue(order: ServiceOrder, lines: Sequence[Any], user: User) -> None:
    """Refuse to issue a part the customer pays for until the customer approved it in a quote."""
    needed: dict[int, tuple[Decimal, int]] = {}
    for index, line in enumerate(lines):
        if _customer_pays(order, line.old_part_fate):
            quantity, first = needed.get(line.part.pk, (ZERO, index))
            needed[line.part.pk] = (quantity + line.quantity, first)
    if not needed:
        return
    left = approved_parts_left(order)
    waiting = order.quotes.filter(status=QuoteStatus.SENT).exists()
    for index, line in enumerate(lines):
        quantity, first = needed.get(line.part.pk, (ZERO, -1))
        if first != index or left.get(line.part.pk, ZERO) >= quantity:
            continue
        if waiting:
            detail = _("The customer pays for %(part)s and has not answered the quote yet: wait for the approval.")
        else:
            detail = _(
                "The customer pays for %(part)s: add it to a quote and wait for the customer's approval "
                "before issuing it."
            )
        raise ConflictError("quote_not_approved", detail % {"part": line.part.number}, field=f"lines.{index}.part_id")


def _draw(order: ServiceOrder, used: VisitPart) -> None:
    """Count ``used`` against the customer's approved lines of its part, oldest first."""
    remaining = Decimal(used.quantity)
    for line in _approved_lines(order).filter(part=used.part_id).select_for_update().order_by("id"):
        take = min(remaining, line.quantity - line.issued)
        if take <= 0:
            continue
        line.issued += take
        line.save(update_fields=["issued", "updated_at"])
        remaining -= take
        if remaining <= 0:
            return
    raise ConflictError(  # check_issue ran first: only a concurrent change gets here
        "quote_not_approved",
        _("The customer has not approved %(part)s.") % {"part": used.part.number},
        field="lines",
    )


def _line_for(order: ServiceOrder, used: VisitPart, *, by: User) -> ChargeLine:
    part = used.part
    price = used.unit_price if used.unit_price is not None else part.cost
    quantity = Decimal(used.quantity)
    description = f"{part.number} {part.name}"
    if quantity != quantity.quantize(TWO_PLACES):  # e.g. 0.125 kg: one line of the whole amount
        description = f"{description} ({quantity.normalize()} {part.get_unit_display()})"
        price, quantity = to_fen(quantity * price), Decimal("1")
    return insert_line(
        order,
        by=by,
        kind=ChargeKind.PARTS,
        description=description[:200],
        quantity=quantity,
        unit_price=price,
        tax_rate=default_tax_rate(),
        part=part,
        supplier_claim=used.old_part_fate == OldPartFate.SUPPLIER_CLAIM,
        source=f"visit-part-{used.pk}",
    )


def on_parts_used(*, order: ServiceOrder, visit: Any, used: Sequence[VisitPart], by: User, **kwargs: Any) -> None:
    """Parts issued on a visit: the customer's are drawn from the approved quote, anyone else's
    become approved charge lines with their cost booked (same transaction as the issue)."""
    for row in used:
        if _customer_pays(order, row.old_part_fate):
            _draw(order, row)
        else:
            _line_for(order, row, by=by)
