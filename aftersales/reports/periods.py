"""The periods of the periodic reports: a month (``2026-11``), a quarter (``2026-Q4``) or a year
(``2026``); by default the last one that has ended."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import ValidationFailed
from aftersales.reports.filters import next_month, today

KINDS = {
    "monthly": gettext_lazy("Monthly report"),
    "quarterly": gettext_lazy("Quarterly report"),
    "yearly": gettext_lazy("Yearly report"),
}
PATTERNS = {
    "monthly": re.compile(r"^([0-9]{4})-([0-9]{2})$"),
    "quarterly": re.compile(r"^([0-9]{4})-Q([1-4])$"),
    "yearly": re.compile(r"^([0-9]{4})$"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # included
    label: str  # 2026-11, 2026-Q4, 2026

    @property
    def title(self) -> str:
        return f"{KINDS[self.kind]} {self.label}"


def _months_after(day: datetime.date, months: int) -> datetime.date:
    for _i in range(months):
        day = next_month(day)
    return day


def period_of(kind: str, first: datetime.date) -> Period:
    """The period of ``kind`` that begins on ``first`` (the 1st of a month, quarter or year)."""
    length = {"monthly": 1, "quarterly": 3, "yearly": 12}[kind]
    end = _months_after(first, length) - datetime.timedelta(days=1)
    if kind == "monthly":
        label = f"{first.year:04d}-{first.month:02d}"
    elif kind == "quarterly":
        label = f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
    else:
        label = f"{first.year:04d}"
    return Period(kind=kind, start=first, end=end, label=label)


def last_ended(kind: str, day: datetime.date | None = None) -> Period:
    """The last period of ``kind`` that ended before ``day`` (today)."""
    day = day or today()
    if kind == "monthly":
        first = day.replace(day=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
    elif kind == "quarterly":
        first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        previous = previous.replace(month=3 * ((previous.month - 1) // 3) + 1)
    else:
        previous = datetime.date(day.year - 1, 1, 1)
    return period_of(kind, previous)


def parse_period(kind: str | None, label: str | None) -> Period:
    """``kind`` (monthly, quarterly, yearly) and ``label`` (2026-11, 2026-Q4, 2026; empty: the last
    one ended), checked: 400 naming ``kind`` or ``period``."""
    kind = kind or "monthly"
    if kind not in KINDS:
        raise ValidationFailed("invalid_filter", _("Choose monthly, quarterly or yearly."), field="kind")
    if not label:
        return last_ended(kind)
    match = PATTERNS[kind].match(label)
    year = int(match.group(1)) if match else 0
    if match is None or not 2000 <= year <= 2100:
        raise ValidationFailed("invalid_filter", _("Give the period as 2026-11, 2026-Q4 or 2026."), field="period")
    if kind == "monthly":
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationFailed("invalid_filter", _("Give the period as 2026-11, 2026-Q4 or 2026."), field="period")
        return period_of(kind, datetime.date(year, month, 1))
    if kind == "quarterly":
        return period_of(kind, datetime.date(year, 3 * (int(match.group(2)) - 1) + 1, 1))
    return period_of(kind, datetime.date(year, 1, 1))
