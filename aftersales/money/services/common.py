"""Input checks shared by the money services: amounts, rates and quantities as Decimal, never floats."""

from decimal import Decimal

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.money.amounts import parse_decimal

MAX_AMOUNT = Decimal("999999999.99")
MAX_QUANTITY = Decimal("99999999.99")


def require_amount(value: object, *, field: str, allow_zero: bool = True) -> Decimal:
    """A price or payment in CNY: a Decimal with at most two places (the fen), not negative."""
    amount = parse_decimal(value)
    if amount is None:
        raise ValidationFailed("invalid_amount", _("Give an amount in yuan, e.g. 128.50."), field=field)
    if amount < 0:
        raise ValidationFailed("negative_amount", _("An amount cannot be negative."), field=field)
    if amount == 0 and not allow_zero:
        raise ValidationFailed("invalid_amount", _("The amount must be more than zero."), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "too_many_decimals", _("Amounts are in yuan and fen: at most two decimals."), field=field
        )
    if amount > MAX_AMOUNT:
        raise ValidationFailed("out_of_range", _("The amount is too large."), field=field)
    return amount.quantize(Decimal("0.01"))


def require_tax_rate(value: object, *, field: str = "tax_rate") -> Decimal:
    rate = parse_decimal(value)
    if rate is None or not Decimal("0") <= rate <= Decimal("100"):
        raise ValidationFailed("invalid_tax_rate", _("A tax rate is a percentage from 0 to 100."), field=field)
    if rate != rate.quantize(Decimal("0.01")):
        raise ValidationFailed("invalid_tax_rate", _("A tax rate has at most two decimals."), field=field)
    return rate.quantize(Decimal("0.01"))


def require_quantity(value: object, *, field: str = "quantity") -> Decimal:
    quantity = parse_decimal(value)
    if quantity is None or quantity <= 0:
        raise ValidationFailed("invalid_quantity", _("A quantity is a number more than zero."), field=field)
    if quantity > MAX_QUANTITY:  # said as it is: "more than zero" puzzled for 99999999999 (QA, 2026-12-07)
        raise ValidationFailed(
            "invalid_quantity", _("A quantity is at most %(max)s.") % {"max": f"{MAX_QUANTITY:,}"}, field=field
        )
    if quantity != quantity.quantize(Decimal("0.01")):
        raise ValidationFailed("invalid_quantity", _("A quantity has at most two decimals."), field=field)
    return quantity.quantize(Decimal("0.01"))
