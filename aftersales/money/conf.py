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
