"""``{{ amount|yuan }}``: a CNY amount with thousands separators and the fen, as a ledger prints it."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    return "" if value is None or value == "" else f"{Decimal(value):,.2f}"
