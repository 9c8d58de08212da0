"""The failure statistics' filters: reports' own (``from``, ``to``, ``centre``, ``model``, ``customer``,
parsed and checked by ``reports.filters.parse_filters``, one parser for every figure of both apps) and
``month`` (YYYY-MM), quality's shorthand for its first and last day when neither ``from`` nor ``to`` is
given. A malformed value is 400 ``invalid_filter`` naming the field (``invalid_month`` for the month); a
centre, model or customer out of the reader's scope is 404 ``not_found``, as if it did not exist.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.reports.filters import Filters, next_month, parse_filters

FILTERS = ("from", "to", "centre", "model", "customer")


def _month(value: str) -> tuple[datetime.date, datetime.date]:
    try:
        first = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValidationFailed("invalid_month", _("Give the month as YYYY-MM."), field="month") from None
    return first, next_month(first) - datetime.timedelta(days=1)


def parse_window(user: User, params: Mapping[str, Any]) -> Filters:
    """The window the parameters ask for, or a ``DomainError`` naming the field."""
    data = {name: params.get(name) for name in FILTERS}
    month = params.get("month") or ""
    if month and not data["from"] and not data["to"]:
        data["from"], data["to"] = _month(str(month))
    return parse_filters(user, data)
