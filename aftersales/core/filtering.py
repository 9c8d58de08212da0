"""One way to apply a list's FilterSet: the API lists and the exports answer a bad filter the same way."""

import datetime
import functools
from collections.abc import Callable, Collection, Mapping
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django_filters import FilterSet

from aftersales.core.errors import ValidationFailed
from aftersales.core.validation import filter_not_understood, in_time_range, time_range_message


def _day_in_range(day: datetime.date) -> None:
    if not in_time_range(day):
        raise ValidationError(time_range_message(), code="date_out_of_range")


class DayFilter(django_filters.DateFilter):
    """A date filter that refuses a day outside core.validation's years (a form error; ``invalid_filter``
    in the API): ``received_to=9999-12-31`` overflowed when the next midnight was computed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", []), _day_in_range]
        super().__init__(*args, **kwargs)


def filter_params(query: Any, *, exclude: tuple[str, ...] = ("cursor", "limit")) -> dict[str, Any]:
    """The filter values a query schema holds: paging fields, unset values and empty lists dropped."""
    data = query.model_dump(exclude=set(exclude), exclude_none=True)
    return {name: value for name, value in data.items() if value != []}


def list_tab(params: Mapping[str, Any], name: str, tabs: Collection[str], *, default: str) -> str:
    """The tab of a list screen an export is asked for (``params[name]``, ``default`` when not given):
    one of ``tabs``, else ``invalid_filter`` (400) naming ``name``. The screens fall back to their first
    tab quietly; a file asked for by a link or a script is refused, so it never holds other rows."""
    value = str(params.get(name) or default)
    if value not in tabs:
        message = gettext("“%(value)s” is not one of: %(allowed)s.") % {
            "value": value[:40],
            "allowed": " / ".join(tabs),
        }
        raise ValidationFailed("invalid_filter", message, field=name)
    return value


def screen_filter[T](request: HttpRequest, read: Callable[[Mapping[str, str]], T], default: T) -> tuple[T, bool]:
    """A list screen's filter read from its address by ``read`` (``core.validation.query_flag`` or
    ``query_choice``), and whether it was refused: then its reason is shown above the list, ``default``
    stands in its place and the screen answers 400 (a value it cannot use was read as "all" or "off")."""
    try:
        return read(request.GET), False
    except ValidationFailed as error:
        messages.error(request, error.detail)
        return default, True


def screen_filterset_refusal(filterset: FilterSet) -> str:
    """A list screen's words for the first filter its bound filter set refuses ("" when it takes them
    all): the words of ``screen_filter``'s refusals (``core.validation.filter_not_understood``), the
    filter as the address gives it, then the filter set's reason. The API answers the same refusal
    with ``invalid_filter``, "name: reason" and ``field`` (``invalid_filter`` below)."""
    if filterset.is_valid():
        return ""
    name, reasons = next(iter(filterset.errors.items()))
    return filter_not_understood(name, filterset.data.get(name, ""), " ".join(str(m) for m in reasons))


def invalid_filter(filterset: FilterSet) -> ValidationFailed:
    """``invalid_filter`` (400) naming the first field the filter set refused, with its reasons."""
    name, messages = next(iter(filterset.errors.items()))
    return ValidationFailed("invalid_filter", f"{name}: {' '.join(str(m) for m in messages)}", field=name)


def check_filters(filterset: FilterSet) -> FilterSet:
    """The bound filter set, valid; an invalid value raises ``invalid_filter`` before any row is read."""
    if not filterset.is_valid():
        raise invalid_filter(filterset)
    return filterset


@functools.cache
def _with_only(filterset_class: type[FilterSet], names: frozenset[str]) -> type[FilterSet]:
    """``filterset_class`` with only the filters ``names``, the others left out."""
    narrowed = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    narrowed.base_filters = {name: filter_ for name, filter_ in filterset_class.base_filters.items() if name in names}
    return narrowed


def apply_filters(filterset_class: type[FilterSet], *, data: Mapping[str, Any], queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed by ``filterset_class`` bound to ``data`` (``invalid_filter`` when it refuses).

    Only the filters ``data`` gives are built: a filter without a value filters nothing, and the
    FilterSet deep-copies every filter and builds a form field for each on every request (a quarter of
    the order list's Python time, benchmarks/README.md).
    """
    narrowed = _with_only(filterset_class, frozenset(data))
    return check_filters(narrowed(data=data, queryset=queryset)).qs


@functools.cache
def _bound_filters(filterset_class: type[FilterSet]) -> Mapping[str, django_filters.Filter]:
    # One filter set per class, never bound to data: its filters (with ``parent`` for ``method=``) are
    # only read, so requests share them.
    return filterset_class(queryset=filterset_class._meta.model._default_manager.none()).filters


def apply_validated(filterset_class: type[FilterSet], *, data: Mapping[str, Any], queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed by the filters of ``filterset_class`` named in ``data``, whose values a Ninja
    query schema has already validated and typed (``filter_params``): each filter applied directly, without
    binding a form a second time (a tenth of a list request's Python). Only for a schema at least as strict as
    the filter set — choices as enums, numbers as ints, days through ``core.schemas.Day`` — which
    ``tests/test_filtering.py`` checks for the order list: the same SQL as ``apply_filters``."""
    filters = _bound_filters(filterset_class)
    for name, value in data.items():
        queryset = filters[name].filter(queryset, value)
    return queryset
