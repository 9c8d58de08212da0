"""Amounts in CNY: ``Decimal`` rounded to the fen, half up (四舍五入), as Chinese invoices print them.

A line's net is quantity × unit price rounded to the fen; its tax is net × rate rounded to the fen;
gross = net + tax. A document's totals are the sums of its lines' rounded figures, so the totals
always equal what the lines show (the way a 发票 adds up).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from aftersales.core.amounts import FEN

HUNDRED = Decimal("100")


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_decimal(value: object) -> Decimal | None:
    """A Decimal from a Decimal, int or numeric string; ``None`` for anything else (floats included:
    an amount that went through a float has already lost its fen)."""
    if isinstance(value, bool) or isinstance(value, float):
        return None
    try:
        result = Decimal(str(value)) if isinstance(value, int | str) else value
    except InvalidOperation:
        return None
    if not isinstance(result, Decimal) or not result.is_finite():
        return None
    return result


@dataclass(frozen=True)
class Amounts:
    net: Decimal
    tax: Decimal
    gross: Decimal


def line_amounts(*, quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> Amounts:
    net = to_fen(quantity * unit_price)
    tax = to_fen(net * tax_rate / HUNDRED)
    return Amounts(net=net, tax=tax, gross=net + tax)


def total(lines: Iterable[object]) -> Amounts:
    """The sums of the lines' ``net``, ``tax`` and ``gross`` (each already rounded)."""
    net = tax = gross = Decimal("0.00")
    for line in lines:
        net += line.net  # type: ignore[attr-defined]
        tax += line.tax  # type: ignore[attr-defined]
        gross += line.gross  # type: ignore[attr-defined]
    return Amounts(net=net, tax=tax, gross=gross)
