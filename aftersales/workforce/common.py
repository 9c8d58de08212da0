"""Shared steps of the workforce writes (not services themselves): the caller's own records, a scoped row
lock, money, days, the working pattern."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.amounts import DECIMAL_TEXT, FEN
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.workforce.models import WorkingPattern
from aftersales.workforce.permissions import keeps_own_records, workforce_scope
from aftersales.workforce.rules import rules


def require_self(by: User, person: User | None) -> User:
    """Field staff keep their own records only: a check-in (or report, claim …) for someone else is
    refused (403 ``not_yourself``), and so is a user without the capability (403 ``forbidden``)."""
    if person is not None and person.pk != by.pk:
        raise PermissionDeniedError("not_yourself", _("You can only record this for yourself."), field="person_id")
    if not keeps_own_records(by):
        raise PermissionDeniedError("forbidden", _("Only field staff keep these records."))
    if by.service_center_id is None:
        raise ValidationFailed("no_centre", _("You belong to no service centre."))
    return by


def centre_id(person: User) -> int:
    """The person's centre (a person without one was refused by ``require_self``)."""
    if person.service_center_id is None:
        raise ValidationFailed("no_centre", _("You belong to no service centre."))
    return person.service_center_id


def person_fields(person: User) -> dict[str, Any]:
    return {"person": person, "service_center_id": person.service_center_id}


def locked[M: Model](qs: QuerySet[M], pk: int, *, by: User, what: str) -> M:
    """The row ``pk`` of ``qs`` under a row lock, if ``by`` may see it; else 404 ``not_found``."""
    row = workforce_scope(by, qs).select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFoundError("not_found", _("No such %(what)s.") % {"what": what})
    return row


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    """An amount of money in CNY: a decimal (or its text) with at most two places, above zero. A float
    is refused (it cannot say 0.10 exactly), and so is a negative or zero amount."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationFailed(
            "invalid_amount", _('Give the amount as a decimal text, e.g. "128.50", not a float.'), field=field
        )
    text = str(value).strip()
    if isinstance(value, str) and not DECIMAL_TEXT.fullmatch(text.removeprefix("-")):
        # Decimal() reads "1e9" and full-width digits too: a typed 1e9 was booked as 1,000,000,000.00
        # (found by hand, 2026-12-06).
        raise ValidationFailed("invalid_amount", _("Not an amount: %(value)s.") % {"value": text[:20]}, field=field)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(
            "invalid_amount", _("Not an amount: %(value)s.") % {"value": value}, field=field
        ) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed("invalid_amount", _("An amount has at most two decimal places (fen)."), field=field)
    if amount <= 0:
        raise ValidationFailed("amount_not_positive", _("The amount must be above zero."), field=field)
    if amount >= Decimal("1e10"):
        raise ValidationFailed("invalid_amount", _("The amount is too large."), field=field)
    return amount.quantize(FEN)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def not_in_future(day: datetime.date, *, field: str, today: datetime.date) -> datetime.date:
    if day > today:
        raise ValidationFailed("date_in_future", _("The day cannot be in the future."), field=field)
    return day


def working_hours(centre_id: int | None) -> tuple[datetime.time, datetime.time, int]:
    """The centre's (day start, day end, absence notice hours): its working pattern, else the rules."""
    pattern = WorkingPattern.objects.filter(service_center_id=centre_id).first() if centre_id else None
    if pattern is not None:
        return pattern.day_start, pattern.day_end, pattern.absence_notice_hours
    current = rules()
    return current.day_start, current.day_end, current.absence_notice_hours


def check_position(latitude: Decimal | None, longitude: Decimal | None) -> None:
    """Both or neither, within the globe (400 ``invalid_position``)."""
    if (latitude is None) != (longitude is None):
        raise ValidationFailed("invalid_position", _("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        raise ValidationFailed("invalid_position", _("Latitude lies between -90 and 90."), field="latitude")
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        raise ValidationFailed("invalid_position", _("Longitude lies between -180 and 180."), field="longitude")


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())
