"""Money's settings, read from ``settings.AFTERSALES`` with the source's values as defaults."""

from decimal import Decimal

from django.conf import settings


def _get(key: str, default: object) -> object:
    return settings.AFTERSALES.get(key, default)


def quote_valid_days() -> int:
    """How long a quote's link stays open (days)."""
    return int(str(_get("QUOTE_VALID_DAYS", 7)))


def payment_terms_days() -> int:
    """Days from issue to the payment due date of an invoice."""
    return int(str(_get("PAYMENT_TERMS_DAYS", 30)))


def default_tax_rate() -> Decimal:
    """VAT on services and goods (增值税, 13 %) unless a price says otherwise."""
    return Decimal(str(_get("DEFAULT_TAX_RATE", "13.00")))


def factory_days() -> int:
    """Working days a return to the factory may take (domain.md Repair §6 1.3.3.2: 10–15)."""
    return int(str(_get("FACTORY_RETURN_DAYS", 15)))


def factory_chase_days() -> int:
    """Working days between two chases of the factory (the customer is told each time)."""
    return int(str(_get("FACTORY_CHASE_DAYS", 3)))


def factory_margin() -> Decimal:
    """Our margin on the factory's quote (%)."""
    return Decimal(str(_get("FACTORY_MARGIN_PERCENT", "15.00")))
