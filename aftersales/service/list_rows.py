"""The order list's fast path: rows read as values and written as the list schema says, without
building model instances or validating the answer a second time (benchmarks/README.md).

A list row is built from ``OrderListOut`` itself: its fields in their order, each read the way Ninja
would read it from an order — a ``resolve_<field>`` of the schema if there is one, else the attribute
of that name — and a nested schema (``Ref``, ``SlaOut``) dumped the same way. The "order" handed to
those resolvers is a light row object carrying every column of the order and, for each related record
a list shows, the columns its ``__str__`` reads, with the model's own ``__str__``. So a field added
to the schema flows through unchanged, and ``test_list_rows`` proves the JSON identical to the
schema's for the same orders.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from ninja import Schema

from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.renderers import json_time
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Unit
from aftersales.service.models import ServiceOrder

# Each related record a list row names, and the columns its name (``__str__`` or the schema's
# ``resolve_name``) reads.
RELATED: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "service_center": (ServiceCenter, ("name",)),
    "customer": (Customer, ("name",)),
    "unit": (Unit, ("serial_number",)),
    "technician": (User, ("first_name", "last_name", "username", "system_kind")),
}


def _row_class(model: type[Model]) -> type:
    # A namespace that answers str() and its helpers exactly as the model does.
    attrs: dict[str, Any] = {"__str__": model.__str__}
    if model is User:
        attrs["get_full_name"] = User.get_full_name
    return type(f"{model.__name__}Row", (types.SimpleNamespace,), attrs)


_ROW_CLASSES = {name: _row_class(model) for name, (model, _columns) in RELATED.items()}
_ORDER_COLUMNS = tuple(field.attname for field in ServiceOrder._meta.concrete_fields)
COLUMNS: tuple[str, ...] = _ORDER_COLUMNS + tuple(
    f"{name}__{column}" for name, (_model, columns) in RELATED.items() for column in columns
)


def _order_row(values: dict[str, Any]) -> types.SimpleNamespace:
    order = types.SimpleNamespace(**{column: values[column] for column in _ORDER_COLUMNS})
    for name, (_model, columns) in RELATED.items():
        pk = values[f"{name}_id"]
        related = None
        if pk is not None:
            related = _ROW_CLASSES[name](id=pk, pk=pk, **{column: values[f"{name}__{column}"] for column in columns})
        setattr(order, name, related)
    return order


def _nested_schema(annotation: Any) -> tuple[type[Schema] | None, bool]:
    """``(Ref, False)`` for ``Ref`` or ``Ref | None``, ``(Ref, True)`` for ``list[Ref]``; ``(None, False)``
    for anything that is not a schema."""
    if typing.get_origin(annotation) is list:
        nested, _many = _nested_schema(typing.get_args(annotation)[0])
        return nested, nested is not None
    candidates = typing.get_args(annotation) or (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, Schema):
            return candidate, False
    return None, False


# name, its resolver (or None: the attribute), whether the resolver takes the context, the nested
# schema's plan (or None), whether the value is a list of that schema.
Plan = list[tuple[str, Callable[..., Any] | None, bool, Any, bool]]


def _plan(schema: type[Schema]) -> Plan:
    plan: Plan = []
    for name, field in schema.model_fields.items():
        resolver = getattr(schema, f"resolve_{name}", None)
        takes_context = resolver is not None and "context" in inspect.signature(resolver).parameters
        nested, many = _nested_schema(field.annotation)
        plan.append((name, resolver, takes_context, _plan(nested) if nested else None, many))
    return plan


# Values written as they are (most of a row): no further test.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _dump(plan: Plan, obj: Any, context: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, resolver, takes_context, nested, many in plan:
        if resolver is None:
            value = getattr(obj, name)
        else:
            value = resolver(obj, context) if takes_context else resolver(obj)
        if value.__class__ in _PLAIN:
            pass
        elif nested is not None:
            value = [_dump(nested, item, context) for item in value] if many else _dump(nested, value, context)
        elif isinstance(value, datetime.datetime):  # written here as the renderer would, in C from here on
            value = json_time(value)
        elif isinstance(value, str) and hasattr(value, "value"):  # a choices enum: its plain value
            value = value.value
        out[name] = value
    return out


class RowWriter:
    """Writes list rows as ``schema`` would, from ``QuerySet.values(*COLUMNS)`` rows; and one answer
    from a model instance (``one``: the order just opened), resolvers given the context as Ninja's."""

    def __init__(self, schema: type[Schema]) -> None:
        self.plan = _plan(schema)

    def rows(self, values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [_dump(self.plan, _order_row(row), {}) for row in values]

    def one(self, obj: Any, context: dict[str, Any]) -> dict[str, Any]:
        return _dump(self.plan, obj, context)


@functools.cache
def _values_base() -> QuerySet:
    return ServiceOrder.objects.values(*COLUMNS)


def values_base() -> QuerySet:
    """Every order, read as exactly the columns a row needs (no model instances). ``values()`` resolves
    the 60 columns and their joins once per process; each request filters a copy of it."""
    return _values_base().all()
