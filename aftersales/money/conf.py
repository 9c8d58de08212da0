"""Money's settings, read from ``settings.AFTERSALES`` with the source's values as defaults."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _


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


# The commissioning checklist when a product model has none of its own (domain.md §6 2, §3).
DEFAULT_CHECKLIST = (
    _("Unpacked: housing undamaged, accessories complete"),
    _("Installed and fixed as the manual says"),
    _("Power and supply connected, wiring checked"),
    _("Test run without load"),
    _("Test run under load, readings recorded"),
    _("Operation and care explained to the customer"),
)


def commissioning_checklist(model_code: str | None) -> list[str]:
    """The checklist of a product model: ``AFTERSALES["COMMISSIONING_CHECKLISTS"][code]``, else the default."""
    lists = _get("COMMISSIONING_CHECKLISTS", {})
    items = lists.get(model_code or "") if isinstance(lists, dict) else None
    return [str(item) for item in (items or DEFAULT_CHECKLIST)]


def logistics_chase_days() -> int:
    """Working days after a purchase from a factory is sent before its pick-up notice is chased (7–10)."""
    return int(str(_get("LOGISTICS_CHASE_DAYS", 7)))


def reminder_days() -> tuple[int, ...]:
    """Days past an invoice's due date on which the customer is reminded to pay."""
    days = _get("PAYMENT_REMINDER_DAYS", (1, 15, 30, 60))
    return tuple(int(str(day)) for day in days)  # type: ignore[attr-defined]
