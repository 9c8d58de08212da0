"""Charge lines on an order and who bears each (domain.md Fees §6 1.5, Warranty §6 1.5.1).

A line the customer pays starts as a draft and waits for a quote the customer approves; a line the
company, a supplier, the factory or a contract bears is approved at once and its cost booked on the
ledger. A manager may override who bears a line, with a reason (kept, and on the order's timeline).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import require_choice, require_text
from aftersales.money import ledger
from aftersales.money.amounts import line_amounts
from aftersales.money.choices import COST_ACCOUNT, Bearer, ChargeKind, LedgerKind, LineStatus
from aftersales.money.conf import default_tax_rate
from aftersales.money.models import ChargeLine, Price
from aftersales.money.permissions import can_add_charges, can_override_bearer, charge_lines_visible_to
from aftersales.money.rules import bearer_for
from aftersales.money.selectors import price_on
from aftersales.money.services.common import require_amount, require_quantity, require_tax_rate
from aftersales.parts.models import Part
from aftersales.parts.selectors import list_price
from aftersales.service.models import ServiceOrder
from aftersales.service.services.common import lock_order

# Lines can be added while the order is being worked on, and after completion (before invoicing).
CLOSED_FOR_CHARGES = ("cancelled",)


def _book_cost(line: ChargeLine, *, by: User | None, reverse: bool = False) -> None:
    account = COST_ACCOUNT.get(Bearer(line.bearer))
    if account is None:
        return
    ledger.book(
        account=account,
        kind=LedgerKind.COST_REVERSED if reverse else LedgerKind.COST_BOOKED,
        amount=-line.net if reverse else line.net,
        actor=by,
        order=line.order,
        customer=line.order.customer,
        charge_line=line,
        memo=line.description,
    )


def _require_may_add(order: ServiceOrder, by: User) -> ServiceOrder:
    if not can_add_charges(by):
        raise PermissionDeniedError("forbidden", _("Your role may not add charges."))
    order = lock_order(order, by=by)
    if not can_add_charges(by, order):
        raise PermissionDeniedError("forbidden", _("Your role may not add charges to this order."))
    if order.status in CLOSED_FOR_CHARGES:
        raise ConflictError("order_not_open", _("A cancelled order takes no charges."))
    return order


@transaction.atomic
def add_charge(
    order: ServiceOrder,
    *,
    by: User,
    kind: str,
    description: str = "",
    quantity: Any = Decimal("1"),
    unit_price: Any = None,
    tax_rate: Any = None,
    price_code: str = "",
    supplier_claim: bool = False,
    source: str = "",
    on: datetime.date | None = None,
    part_id: int | None = None,
) -> ChargeLine:
    """Add a line. With ``price_code`` the unit price, tax rate (and, for a standard job, the hours
    as quantity unless given) come from the price list on ``on`` (today); with ``part_id`` (a parts
    line) the part's list price of that day (明码标价); otherwise ``unit_price`` is required. Who
    bears it is derived from the order's coverage decision (``rules.bearer_for``)."""
    order = _require_may_add(order, by)
    kind = require_choice(kind, field="kind", choices=ChargeKind)
    quantity = require_quantity(quantity)
    price = None
    part = None
    if part_id is not None:
        part = _require_part(part_id, kind=kind)
        if unit_price is None:
            unit_price = list_price(part, on=on or timezone.localdate())
            if unit_price is None:
                raise ValidationFailed(
                    "no_list_price", _("This part has no list price yet: give a unit price."), field="unit_price"
                )
        description = description or f"{part.number} {part.name}"
    if price_code:
        price = price_on(code=price_code, day=on or timezone.localdate())
        if price is None:
            raise ValidationFailed("unknown_price", _("No price with this code applies today."), field="price_code")
        amount = price.amount
        rate = price.tax_rate if tax_rate is None else require_tax_rate(tax_rate)
        description = description or price.name
    else:
        if unit_price is None:
            raise ValidationFailed("required", _("Give a unit price or a price code."), field="unit_price")
        amount = require_amount(unit_price, field="unit_price")
        rate = default_tax_rate() if tax_rate is None else require_tax_rate(tax_rate)
    description = require_text(description, field="description", max_length=200)
    source = require_text(source, field="source", max_length=60, required=False)
    if source and order.charge_lines.filter(source=source).exists():
        raise ConflictError("line_exists", _("This charge is on the order already."), field="source")
    return insert_line(
        order,
        by=by,
        kind=kind,
        description=description,
        quantity=quantity,
        unit_price=amount,
        tax_rate=rate,
        price=price,
        part=part,
        supplier_claim=supplier_claim,
        source=source,
    )


def _require_part(part_id: int, *, kind: str) -> Part:
    if kind != ChargeKind.PARTS:
        raise ValidationFailed("not_a_parts_line", _("Only a parts line names a part."), field="part_id")
    part = Part.objects.filter(pk=part_id, active=True).first()
    if part is None:
        raise NotFoundError("not_found", _("No such part."), field="part_id")
    return part


def insert_line(
    order: ServiceOrder,
    *,
    by: User,
    kind: str,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    tax_rate: Decimal,
    price: Price | None = None,
    part: Part | None = None,
    supplier_claim: bool = False,
    source: str = "",
) -> ChargeLine:
    """Write a checked line (the caller checked the input and holds the order's lock): who bears it by
    the rule; the customer's waits for a quote, anyone else's is approved and its cost booked."""
    figures = line_amounts(quantity=quantity, unit_price=unit_price, tax_rate=tax_rate)
    bearer = bearer_for(order, kind, supplier_claim=supplier_claim)
    line = ChargeLine.objects.create(
        order=order,
        kind=kind,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        tax_rate=tax_rate,
        net=figures.net,
        tax=figures.tax,
        gross=figures.gross,
        price=price,
        part=part,
        supplier_claim=supplier_claim,
        bearer=bearer,
        bearer_rule=bearer,
        status=LineStatus.DRAFT if bearer == Bearer.CUSTOMER else LineStatus.APPROVED,
        source=source,
        created_by=by,
    )
    _book_cost(line, by=by)
    return line


def _lock_line(line: ChargeLine, *, by: User) -> ChargeLine:
    lock_order(line.order, by=by)  # scope (404) and one writer per order
    return ChargeLine.objects.select_for_update(of=("self",)).select_related("order", "order__customer").get(pk=line.pk)


@transaction.atomic
def override_bearer(line: ChargeLine, *, by: User, bearer: str, reason: str) -> ChargeLine:
    """A manager decides who bears a line, with a reason. A quoted or invoiced line is locked
    (withdraw the quote, or credit the invoice, first)."""
    if not can_override_bearer(by):
        raise PermissionDeniedError("forbidden", _("Only a service manager may change who bears a charge."))
    line = _lock_line(line, by=by)
    if not can_override_bearer(by, line.order):
        raise PermissionDeniedError("forbidden", _("Only a service manager may change who bears a charge."))
    bearer = require_choice(bearer, field="bearer", choices=Bearer)
    reason = require_text(reason, field="reason", max_length=500)
    if line.status not in (LineStatus.DRAFT, LineStatus.APPROVED) or (
        line.bearer == Bearer.CUSTOMER and line.status != LineStatus.DRAFT
    ):
        raise ConflictError(
            "line_locked", _("This line is quoted or invoiced; withdraw the quote or credit the invoice first.")
        )
    if bearer == line.bearer:
        return line
    _book_cost(line, by=by, reverse=True)
    line.bearer = bearer
    line.bearer_reason = reason if bearer != line.bearer_rule else ""
    line.status = LineStatus.DRAFT if bearer == Bearer.CUSTOMER else LineStatus.APPROVED
    line.save()
    _book_cost(line, by=by)
    return line


@transaction.atomic
def void_charge(line: ChargeLine, *, by: User, reason: str = "") -> ChargeLine:
    """Strike a line out (a cost already booked is reversed on the ledger). Quoted or invoiced lines are locked."""
    if not can_add_charges(by):
        raise PermissionDeniedError("forbidden", _("Your role may not change charges."))
    line = _lock_line(line, by=by)
    if not can_add_charges(by, line.order):
        raise PermissionDeniedError("forbidden", _("Your role may not change charges on this order."))
    if line.status not in (LineStatus.DRAFT, LineStatus.APPROVED) or (
        line.bearer == Bearer.CUSTOMER and line.status != LineStatus.DRAFT
    ):
        raise ConflictError(
            "line_locked", _("This line is quoted or invoiced; withdraw the quote or credit the invoice first.")
        )
    _book_cost(line, by=by, reverse=True)
    line.status = LineStatus.VOID
    line.bearer_reason = require_text(reason, field="reason", max_length=500, required=False) or line.bearer_reason
    line.save()
    return line


def get_line(*, user: User, line_id: int) -> ChargeLine:
    line = charge_lines_visible_to(user).select_related("order").filter(pk=line_id).first()
    if line is None:
        raise NotFoundError("not_found", _("No such charge line."))
    return line


@transaction.atomic
def rederive_bearers(order: ServiceOrder, *, by: User | None) -> int:
    """After the coverage decision changed: draft and booked lines that nobody overrode follow the
    rule again. Returns how many lines changed."""
    changed = 0
    for line in order.charge_lines.select_for_update().filter(status__in=(LineStatus.DRAFT, LineStatus.APPROVED)):
        if line.overridden:
            continue
        if line.bearer == Bearer.CUSTOMER and line.status != LineStatus.DRAFT:
            continue
        rule = bearer_for(order, line.kind, supplier_claim=line.supplier_claim)
        if rule == line.bearer:
            continue
        line.order = order
        _book_cost(line, by=by, reverse=True)
        line.bearer = line.bearer_rule = rule
        line.status = LineStatus.DRAFT if rule == Bearer.CUSTOMER else LineStatus.APPROVED
        line.save()
        _book_cost(line, by=by)
        changed += 1
    return changed
