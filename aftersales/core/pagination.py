"""Keyset (cursor) pagination: the page after a row is ``WHERE (key) < (last key)``, never OFFSET.

The cursor is an opaque URL-safe token holding the last row's ordering values.
"""

import base64
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.validation import in_time_range

# A cursor holds a few ordering values, base64-encoded: anything longer is not one this API handed out.
CURSOR_MAX_LENGTH = 200


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime.datetime | datetime.date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed("invalid_cursor", _("The cursor is not valid."), field="cursor")


def _raw_values(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise _invalid_cursor()
    return values


def _decode(cursor: str, model: type[Model], fields: list[str]) -> list[Any]:
    """The cursor's values, each converted by its model field: a forged cursor (``["abc"]`` for an id,
    ``[null]``, ``[{}]``, a year-0 date) is refused here rather than failing in the database."""
    values = _raw_values(cursor, len(fields))
    converted = []
    for name, value in zip(fields, values, strict=True):
        # bool is an int to Python, and a float id would be rounded: only what _encode writes is accepted.
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _invalid_cursor()
        try:
            field = model._meta.get_field(name)
            # clean(): the type, and the range validators of an integer column (a 2**70 id overflows).
            python_value = field.clean(value, None)
        except (FieldDoesNotExist, ValidationError, TypeError, ValueError, OverflowError) as exc:
            raise _invalid_cursor() from exc
        if isinstance(python_value, datetime.date) and not in_time_range(python_value):
            raise _invalid_cursor()
        converted.append(python_value)
    return converted


def keyset_page(
    qs: QuerySet,
    *,
    ordering: tuple[str, ...] = ("-id",),
    cursor: str | None,
    limit: int,
    fetch: Callable[[QuerySet], list[Any]] = list,
    parts: list[Q] | None = None,
    union: list[QuerySet] | None = None,
    any_of: list[Q] | None = None,
) -> Page:
    """Return one page of ``qs`` ordered by ``ordering`` (last field must be unique, e.g. ``-id``),
    its rows read by ``fetch`` (e.g. ``core.compiled.values_rows``).

    ``parts`` (conditions that together cover ``qs`` without overlapping, e.g. one per status asked
    for): on SQLite, which cannot merge the ranges of an index in order and would sort every match
    before the ``LIMIT`` (``status IN (…)``), the page is read as one short read per part and merged
    here; PostgreSQL merges the ranges itself and reads it at once. All fields must share one
    direction; a nullable field is not supported.

    ``union``: more querysets whose rows belong to the list too (a scope that is an ``OR`` of conditions
    no one index serves, read as one index range per condition: ``service.permissions.jobs_parts``).
    Each is read as its own page, on every database, and the pages are merged here; a row found in
    several is kept once.

    ``any_of``: conditions whose union narrows the list, where the list is ``qs`` under any of them (a
    search: ``service.filters.search_parts``), each a range of its own index. Every source is read
    under each condition, on every database, and merged as ``union`` is: their ``OR`` in one statement
    was planned as a walk of the primary key, or a sort of every match.
    """
    fields = [f.lstrip("-") for f in ordering]
    descending = ordering[0].startswith("-")
    after = _decode(cursor, qs.model, fields) if cursor else None
    sources = [_after(source.order_by(*ordering), fields, after, descending) for source in [qs, *(union or [])]]
    if any_of:
        sources = [source.filter(condition) for source in sources for condition in any_of]
    if parts and connections[qs.db].vendor == "sqlite":
        sources = [source.filter(part) for source in sources for part in parts]
    if len(sources) > 1:
        merged = {tuple(_values(row, fields)): row for source in sources for row in fetch(source[: limit + 1])}
        rows = [merged[key] for key in sorted(merged, reverse=descending)[: limit + 1]]
    else:
        rows = fetch(sources[0][: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode(_values(rows[-1], fields))
    return Page(items=rows, next_cursor=next_cursor)


def _after(qs: QuerySet, fields: list[str], values: list[Any] | None, descending: bool) -> QuerySet:
    """``qs`` narrowed to the rows after the cursor's ``values`` in the order of ``fields``."""
    if values is None:
        return qs
    op = "lt" if descending else "gt"
    condition = Q()
    for i, field in enumerate(fields):
        step = Q(**{f"{field}__{op}": values[i]})
        for prev, value in zip(fields[:i], values[:i], strict=True):
            step &= Q(**{prev: value})
        condition |= step
    return qs.filter(condition)


def _values(row: Any, fields: list[str]) -> list[Any]:
    """A row's ordering values: a model instance, or the dict of a ``values()`` queryset."""
    return [row[f] if isinstance(row, dict) else getattr(row, f) for f in fields]


def list_page(items: list[Any], *, key: Callable[[Any], str], cursor: str | None, limit: int) -> Page:
    """Keyset paging over a computed list sorted by ``key`` (unique strings, ascending), e.g. a preview
    that exists only in memory: the page after a cursor starts past the last key it holds."""
    if cursor:
        (after,) = _raw_values(cursor, 1)
        if not isinstance(after, str):
            raise _invalid_cursor()
        items = [item for item in items if key(item) > after]
    rows = items[: limit + 1]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode([key(rows[-1])])
    return Page(items=rows, next_cursor=next_cursor)
