"""The failure statistics' filters, one parser for the screen (``request.GET``) and the API (its query).

``from``/``to`` (days, both included) or ``month`` (YYYY-MM); by default the twelve months to today
(this month and the eleven before it). ``centre``, ``model`` and ``customer`` are ids; a centre or a
customer out of the user's scope is refused like one that does not exist.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ValidationFailed
from aftersales.customers.permissions import customers_visible_to
from aftersales.quality.statistics import FailureWindow

MAX_DAYS = 3 * 366  # three years: a yearly report and its two predecessors


def default_start(today: datetime.date) -> datetime.date:
    month = today.year * 12 + today.month - 1 - 11
    return datetime.date(month // 12, month % 12 + 1, 1)


def _day(value: Any, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("invalid_date", _("Give the day as YYYY-MM-DD."), field=field) from None


def _id(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("invalid_id", _("Give a number."), field=field) from None
    if number < 1:
        raise ValidationFailed("invalid_id", _("Give a number."), field=field)
    return number


def _month(value: str) -> tuple[datetime.date, datetime.date]:
    try:
        first = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValidationFailed("invalid_month", _("Give the month as YYYY-MM."), field="month") from None
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def parse_window(user: User, params: Mapping[str, Any]) -> FailureWindow:
    """The window the parameters ask for, or ``ValidationFailed`` naming the field."""
    start, end = _day(params.get("from"), "from"), _day(params.get("to"), "to")
    month = params.get("month") or ""
    if month and start is None and end is None:
        start, end = _month(str(month))
    today = timezone.localdate()
    end = end or today
    start = start or default_start(end)
    if end < start:
        raise ValidationFailed("invalid_window", _("The period ends before it starts."), field="to")
    if (end - start).days >= MAX_DAYS:
        raise ValidationFailed("invalid_window", _("The period is at most three years."), field="from")
    centre_id = _id(params.get("centre"), "centre")
    if centre_id is not None and not centres_visible_to(user).filter(pk=centre_id).exists():
        raise ValidationFailed("invalid_centre", _("No such service centre."), field="centre")
    model_id = _id(params.get("model"), "model")
    if model_id is not None and not ProductModel.objects.filter(pk=model_id).exists():
        raise ValidationFailed("invalid_model", _("No such product model."), field="model")
    customer_id = _id(params.get("customer"), "customer")
    if customer_id is not None and not customers_visible_to(user).filter(pk=customer_id).exists():
        raise ValidationFailed("invalid_customer", _("No such customer."), field="customer")
    return FailureWindow(start=start, end=end, centre_id=centre_id, model_id=model_id, customer_id=customer_id)


def window_params(window: FailureWindow) -> dict[str, str]:
    """The query string of ``window`` (links of the click-through)."""
    params = {"from": window.start.isoformat(), "to": window.end.isoformat()}
    for name, value in (("centre", window.centre_id), ("model", window.model_id), ("customer", window.customer_id)):
        if value is not None:
            params[name] = str(value)
    return params
