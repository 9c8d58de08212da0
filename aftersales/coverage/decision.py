"""The shapes of a coverage decision: what is asked (``CoverageQuery``), what a source answers
(``Verdict``) and what ``decide_coverage`` returns (``CoverageDecision``)."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.installed_base.models import Unit


@dataclass(frozen=True)
class Override:
    """A service manager's own decision on an order. The reason is required (it is the verdict's words)."""

    covered: bool
    reason: str
    decided_at: datetime.datetime

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValidationFailed("required", _("Give a reason for this change."), field="reason")


@dataclass(frozen=True)
class Misuse:
    """Damage by misuse (人为损坏) found on a visit at ``found_at`` (domain.md Warranty §6 1.1.1.2, 1.5.1.2)."""

    found_at: datetime.datetime


@dataclass(frozen=True)
class CoverageQuery:
    """What a source is asked: is ``unit`` covered on ``on`` for an order of ``kind`` (an order kind
    such as ``repair``; "" when no order is concerned), for the listed ``item`` if one is named?"""

    unit: Unit | None
    on: datetime.date
    kind: str = ""
    item: str = ""
    misuse: Misuse | None = None
    override: Override | None = None


@dataclass(frozen=True)
class Verdict:
    """A source's answer. ``start``/``until`` are the first and last day of the period it used."""

    covered: bool
    reason: str  # a CoverageReason value (or a value a registering app adds)
    detail: str
    start: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True)
class CoverageDecision:
    """The verdict of the first source that decided, with the day asked about and that source's key."""

    covered: bool
    reason: str
    detail: str
    on: datetime.date
    start: datetime.date | None
    until: datetime.date | None
    source: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
