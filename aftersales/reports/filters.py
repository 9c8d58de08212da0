"""The filters every figure takes (period, service centre, product model, customer), read from a query
string or the API and checked against the reader's scope: a centre, model or customer the reader may
not see is 404, as if it did not exist; a malformed value is 400 naming the field."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.calendars.selectors import business_timezone
from aftersales.catalog.permissions import product_models_visible_to
from aftersales.core.errors import NotFoundError, ValidationFailed
from aftersales.customers.permissions import customers_visible_to

# Three years at most: the backlog trend is one conditional count per month of the window.
MAX_WINDOW_DAYS = 3 * 366


def today() -> datetime.date:
    return timezone.now().astimezone(business_timezone()).date()


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the business time zone (compared with stored columns, so indexes serve)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=business_timezone())


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Filters:
    """``start``..``end`` are local days, both included."""

    start: datetime.date
    end: datetime.date
    centre: int | None = None
    product_model: int | None = None
    customer: int | None = None

    @property
    def since(self) -> datetime.datetime:
        return local_midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        return local_midnight(self.end + datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        months, month = [], month_start(self.start)
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months

    def on_orders(self, qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        """``qs`` narrowed by the centre, product model and customer filters (``prefix``: the path from
        its rows to the service order, e.g. ``"order__"``; empty for orders). The period is the caller's:
        which date it reads depends on the figure."""
        if self.centre is not None:
            qs = qs.filter(**{f"{prefix}service_center_id": self.centre})
        if self.product_model is not None:
            qs = qs.filter(**{f"{prefix}unit__product_model_id": self.product_model})
        if self.customer is not None:
            qs = qs.filter(**{f"{prefix}customer_id": self.customer})
        return qs

    def as_params(self) -> dict[str, str]:
        """The query string that gives these filters back (for links)."""
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for name, value in (("centre", self.centre), ("model", self.product_model), ("customer", self.customer)):
            if value is not None:
                params[name] = str(value)
        return params


def default_period(day: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first day of the month eleven months back to ``day``."""
    day = day or today()
    first = month_start(day)
    for _i in range(11):
        first = month_start(first - datetime.timedelta(days=1))
    return first, day


def _day(data: Mapping[str, Any], name: str) -> datetime.date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("invalid_filter", _("Give a day as YYYY-MM-DD."), field=name) from None


def _id(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("invalid_filter", _("Give the record's number (id)."), field=name) from None
    if number < 1:
        raise ValidationFailed("invalid_filter", _("Give the record's number (id)."), field=name)
    return number


def _check_customer(user: User, customer: int, centre: int | None) -> None:
    """The customer is in the reader's scope (else 404) and, with a centre asked for, one of its customers.
    An order's centre is its customer's (``open_order``), so a customer of another centre gave zeros
    without a word: refused, naming both, as the quality API refuses a month with a window."""
    found = (
        customers_visible_to(user)
        .filter(pk=customer)
        .values_list("name", "service_center_id", "service_center__name")
        .first()
    )
    if found is None:
        raise NotFoundError("not_found", _("No such customer."), field="customer")
    name, customer_centre, centre_name = found
    if centre is not None and customer_centre != centre:
        raise ValidationFailed(
            "invalid_filter",
            _("%(customer)s is a customer of %(centre)s: choose that service centre or all of them.")
            % {"customer": name, "centre": centre_name},
            field="customer",
        )


def parse_filters(user: User, data: Mapping[str, Any]) -> Filters:
    """The filters of ``data`` (``from``, ``to``, ``centre``, ``model``, ``customer``), checked."""
    start, end = _day(data, "from"), _day(data, "to")
    default_start, default_end = default_period()
    if end is None:
        end = default_end if start is None else max(start, default_end)
    if start is None:
        start = default_period(end)[0]
    if end < start:
        raise ValidationFailed("invalid_filter", _("The period ends before it starts."), field="to")
    if (end - start).days >= MAX_WINDOW_DAYS:
        raise ValidationFailed("invalid_filter", _("The period is longer than three years."), field="to")
    centre, model, customer = _id(data, "centre"), _id(data, "model"), _id(data, "customer")
    if centre is not None and not centres_visible_to(user).filter(pk=centre).exists():
        raise NotFoundError("not_found", _("No such service centre."), field="centre")
    if model is not None and not product_models_visible_to(user).filter(pk=model).exists():
        raise NotFoundError("not_found", _("No such product model."), field="model")
    if customer is not None:
        _check_customer(user, customer, centre)
    return Filters(start=start, end=end, centre=centre, product_model=model, customer=customer)
