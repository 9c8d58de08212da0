"""Reading the coverage data: serial-date rules (cached, every decision without proof asks) and
lifetime-covered items."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from aftersales.coverage.choices import DATE_FORMAT_DIGITS, SerialDateFormat
from aftersales.coverage.models import LifetimeItem, SerialDateRule
from aftersales.installed_base.models import Unit

RULES_CACHE_KEY = "coverage:serial-date-rules"
RULES_CACHE_SECONDS = 300


@dataclass(frozen=True)
class SerialRule:
    """A ``SerialDateRule`` as the decision reads it (plain values, cached)."""

    id: int
    product_model_id: int | None
    serial_prefix: str
    date_position: int
    date_format: str
    grace_months: int

    def matches(self, unit: Unit) -> bool:
        if self.product_model_id is not None and self.product_model_id != unit.product_model_id:
            return False
        return unit.serial_number.upper().startswith(self.serial_prefix)

    @property
    def specificity(self) -> tuple[int, int]:
        return (self.product_model_id is not None, len(self.serial_prefix))


def active_serial_rules() -> list[SerialRule]:
    """Every active rule, cached. The services forget the cache when a rule changes (after commit)."""
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules = [
            SerialRule(r.pk, r.product_model_id, r.serial_prefix, r.date_position, r.date_format, r.grace_months)
            for r in SerialDateRule.objects.filter(is_active=True).order_by("id")
        ]
        cache.set(RULES_CACHE_KEY, rules, RULES_CACHE_SECONDS)
    return rules


def forget_serial_rules() -> None:
    cache.delete(RULES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(RULES_CACHE_KEY))


def serial_rule_for(unit: Unit) -> SerialRule | None:
    """The most specific active rule for ``unit``: a model's before a prefix-only one, a longer prefix first."""
    matching = [rule for rule in active_serial_rules() if rule.matches(unit)]
    return max(matching, key=lambda rule: rule.specificity, default=None)


def read_serial_date(serial: str, *, position: int, date_format: str) -> datetime.date | None:
    """The production date written in ``serial`` from ``position`` (1 = the first character), or
    ``None`` when it is not there or not a date. A month (YYMM, YYYYMM) reads as its first day and a
    week (YYWW, ISO weeks) as its Monday: the earliest day the unit can have been made. Two-digit
    years are 2000-2099."""
    digits = DATE_FORMAT_DIGITS[SerialDateFormat(date_format)]
    text = serial[position - 1 : position - 1 + digits]
    if len(text) != digits or not text.isascii() or not text.isdigit():
        return None
    try:
        if date_format == SerialDateFormat.YYYYMM:
            return datetime.date(int(text[:4]), int(text[4:6]), 1)
        year = 2000 + int(text[:2])
        if date_format == SerialDateFormat.YYMM:
            return datetime.date(year, int(text[2:4]), 1)
        if date_format == SerialDateFormat.YYMMDD:
            return datetime.date(year, int(text[2:4]), int(text[4:6]))
        return datetime.date.fromisocalendar(year, int(text[2:4]), 1)
    except ValueError:
        return None


def lifetime_item_for(unit: Unit, code: str) -> LifetimeItem | None:
    """The active lifetime-covered item ``code`` (any case) of the unit's model, if it is listed."""
    return (
        LifetimeItem.objects.filter(product_model_id=unit.product_model_id, code=code.strip().upper(), is_active=True)
        .select_related("product_model")
        .first()
    )
