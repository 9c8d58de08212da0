"""The failure statistics' filters: reports' own (``from``, ``to``, ``centre``, ``model``, ``customer``,
parsed and checked by ``reports.filters.parse_filters``, one parser for every figure of both apps) and
``month`` (YYYY-MM), quality's shorthand for its first and last day when neither ``from`` nor ``to`` is
given. A malformed value is 400 ``invalid_filter`` naming the field (``invalid_month`` for the month); a
centre, model or customer out of the reader's scope is 404 ``not_found``, as if it did not exist.
"""

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.quality.choices import AgeBucket, Breakdown
from aftersales.reports.filters import Filters, next_month, parse_filters

FILTERS = ("from", "to", "centre", "model", "customer")


def _month(value: str) -> tuple[datetime.date, datetime.date]:
    try:
        first = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValidationFailed("invalid_month", _("Give the month as YYYY-MM."), field="month") from None
    return first, next_month(first) - datetime.timedelta(days=1)


def parse_window(user: User, params: Mapping[str, Any]) -> Filters:
    """The window the parameters ask for, or a ``DomainError`` naming the field. A month and a window
    (``from``/``to``) together contradict each other: refused, as a client sending both expects one of
    them and would otherwise read the other's figures without a word (QA 2026-12-07)."""
    data = {name: params.get(name) for name in FILTERS}
    month = params.get("month") or ""
    if month and (data["from"] or data["to"]):
        raise ValidationFailed(
            "invalid_filter", _("Give either a month or a window (from, to), not both."), field="month"
        )
    if month:
        data["from"], data["to"] = _month(str(month))
    return parse_filters(user, data)


ID_KEY = re.compile(r"^[1-9][0-9]{0,11}$")


def check_figure_key(figure: str, key: str) -> None:
    """The click-through's ``key`` must name a row of its figure: a model's or part's id, a batch, an age
    band (a fault's key may be empty: failures with no fault code). A key that names no row answered an
    empty list, which reads as "no failures" (QA 2026-12-07); the totals and the repeat figures take none."""
    if figure in (Breakdown.MODEL, Breakdown.PART) and not ID_KEY.match(key):
        raise ValidationFailed("invalid_filter", _("Give the row's id (a positive number) as the key."), field="key")
    if figure == Breakdown.BATCH and not key:
        raise ValidationFailed("invalid_filter", _("Give the batch as the key."), field="key")
    if figure == Breakdown.AGE and key not in AgeBucket.values:
        raise ValidationFailed(
            "invalid_filter",
            _("Give one of the age bands as the key: %(bands)s.") % {"bands": ", ".join(AgeBucket.values)},
            field="key",
        )
