"""Reads on the installed base, and the warranty decision (domain.md, Warranty §6 1.1.1, 1.5)."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.installed_base.models import Unit


@dataclass(frozen=True)
class WarrantyStatus:
    covered: bool
    reason: str  # a service.choices.WarrantyReason value
    detail: str
    until: datetime.date | None  # the last day covered


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_status(*, unit: Unit | None, on: datetime.date) -> WarrantyStatus:
    """Covered when a purchase date is known from proof of purchase (an invoice reference or file, or
    our own registered sale) and ``on`` falls within the model's warranty months from it.

    Misuse found on site is decided later by the technician (``service`` context).
    """
    if unit is None:
        return WarrantyStatus(False, "no_unit", _("No unit is given, so there is no proof of purchase."), None)
    if unit.purchase_date is None or not unit.has_proof_of_purchase:
        return WarrantyStatus(False, "no_proof", _("No proof of purchase: handled as out of warranty."), None)
    months = unit.product_model.warranty_months
    if months == 0:
        return WarrantyStatus(False, "expired", _("This product model carries no warranty."), None)
    # Civil Code art. 201-202: a period in months starts the day after purchase and ends on the same
    # day of the last month (its last day when the month is shorter), that day included.
    until = add_months(unit.purchase_date, months)
    if on > until:
        return WarrantyStatus(
            False,
            "expired",
            _("Warranty expired: it ran for %(months)d months from %(start)s until %(until)s.")
            % {"months": months, "start": unit.purchase_date.isoformat(), "until": until.isoformat()},
            until,
        )
    return WarrantyStatus(
        True,
        "in_warranty",
        _("In warranty until %(until)s (%(months)d months from %(start)s).")
        % {"months": months, "start": unit.purchase_date.isoformat(), "until": until.isoformat()},
        until,
    )
