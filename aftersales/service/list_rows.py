"""The order list's fast path: rows read as values and written as the list schema says, without
building model instances or validating the answer a second time (benchmarks/README.md).

A list row is built from ``OrderListOut`` itself: its fields in their order, each read the way Ninja
would read it from an order — a ``resolve_<field>`` of the schema if there is one, else the attribute
of that name — and a nested schema (``Ref``, ``SlaOut``) dumped the same way. The "order" handed to
those resolvers is a light row object carrying the order's columns (all but ``NOT_READ``, the ones no
row shows: the long texts among them) and, for each related record a list shows, the columns its
``__str__`` reads, with the model's own ``__str__``. So a field added to the schema flows through
unchanged, and ``test_list_rows`` proves the JSON identical to the schema's for the same orders.
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
from django.utils import timezone
from ninja import Schema

from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.compiled import values_rows
from aftersales.core.prepared import prepared_statements
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
# The order's columns no list row reads: neither a field of OrderListOut nor read by its resolvers (the SLA
# states read the status and the SLA times). Left out of the page's SELECT: ``description`` and
# ``consultation_answer`` alone may be 5,000 characters each, 25 times a page. A field added to the
# schema that reads one of them fails on every list (AttributeError on the row; test_list_rows); a new
# column is read until it is added here.
NOT_READ = frozenset(
    {
        "created_at",
        "updated_at",
        "contact_id",
        "site_id",
        "description",
        "consultation_answer",
        "completed_at",
        "closed_at",
        "cancel_reason",
        "warranty_reason",
        "warranty_detail",
        "warranty_until",
        "warranty_decided_by_id",
        "warranty_decided_at",
        "misuse_found",
        "created_by_id",
    }
)
_ORDER_COLUMNS = tuple(field.attname for field in ServiceOrder._meta.concrete_fields if field.attname not in NOT_READ)
COLUMNS: tuple[str, ...] = _ORDER_COLUMNS + tuple(
    f"{name}__{column}" for name, (_model, columns) in RELATED.items() for column in columns
)


class _OrderRow:
    """An order read as values: its columns are its attributes (the values row is its ``__dict__``)."""


# For each related record: the attribute, its key in the values row, its row class, (column, key) pairs.
_RELATED_ROWS = tuple(
    (name, f"{name}_id", _ROW_CLASSES[name], tuple((column, f"{name}__{column}") for column in columns))
    for name, (_model, columns) in RELATED.items()
)


def _order_row(values: dict[str, Any]) -> _OrderRow:
    for name, key, row_class, columns in _RELATED_ROWS:
        pk = values[key]
        values[name] = (
            None if pk is None else row_class(id=pk, pk=pk, **{column: values[source] for column, source in columns})
        )
    order = _OrderRow()
    order.__dict__ = values  # the values row is ours alone (values_rows builds a fresh dict per row)
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


def _takes_context(resolver: Callable[..., Any]) -> bool:
    # As Ninja decides (ninja.schema.Resolver): a parameter named "context", or **kwargs; given by keyword.
    parameters = inspect.signature(resolver).parameters.values()
    return any(p.name == "context" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def _plan(schema: type[Schema]) -> Plan:
    plan: Plan = []
    for name, field in schema.model_fields.items():
        resolver = getattr(schema, f"resolve_{name}", None)
        takes_context = resolver is not None and _takes_context(resolver)
        nested, many = _nested_schema(field.annotation)
        plan.append((name, resolver, takes_context, _plan(nested) if nested else None, many))
    return plan


# Values written as they are (most of a row): no further test.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _value(value: Any) -> Any:
    # A value that is not a nested schema as _dump writes it: the compiled writer's way for a resolver's
    # answer and for a field of no declared plain type.
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, datetime.datetime):  # written here as the renderer would, in C from here on
        return json_time(value)
    if isinstance(value, str) and hasattr(value, "value"):  # a choices enum: its plain value
        return value.value
    return value


def _dump(plan: Plan, obj: Any, context: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, resolver, takes_context, nested, many in plan:
        if resolver is None:
            value = getattr(obj, name)
        else:
            value = resolver(obj, context=context) if takes_context else resolver(obj)
        if nested is not None and value.__class__ not in _PLAIN:
            value = [_dump(nested, item, context) for item in value] if many else _dump(nested, value, context)
        else:
            value = _value(value)
        out[name] = value
    return out


def _kind(annotation: Any) -> str:
    """How a value of this annotation is written: ``plain`` as it is (a values row holds plain str, int,
    bool and None), ``time`` through ``json_time``, ``other`` through ``_value``."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] if typing.get_args(annotation) else []
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if annotation in (str, int, bool):
        return "plain"
    if annotation is datetime.datetime:
        return "time"
    return "other"


def _compile(schema: type[Schema]) -> Callable[[Any, dict[str, Any]], dict[str, Any]]:
    """One function writing ``schema`` from an object read as values, generated from the schema (its
    fields in order, resolvers, nested schemas): no loop over the fields, no test of a plain value's
    type per row. The same output as ``_dump`` for a values row (``test_list_rows``)."""
    namespace: dict[str, Any] = {"_json_time": json_time, "_value": _value}
    functions: list[str] = []
    names: dict[type[Schema], str] = {}

    def function_for(model: type[Schema]) -> str:
        if model in names:
            return names[model]
        name = names[model] = f"_write_{len(names)}"
        entries = []
        for index, (field_name, field) in enumerate(model.model_fields.items()):
            resolver = getattr(model, f"resolve_{field_name}", None)
            if resolver is None:
                if not field_name.isidentifier():
                    raise TypeError(f"{model.__name__}.{field_name}: not an attribute name")
                expression = f"obj.{field_name}"
            else:
                namespace[f"{name}_r{index}"] = resolver
                call = "(obj, context=context)" if _takes_context(resolver) else "(obj)"
                expression = f"{name}_r{index}{call}"
            nested, many = _nested_schema(field.annotation)
            slot = f"v{index}"  # a local of the generated function
            if nested is not None:
                writer = function_for(nested)
                if many:
                    expression = f"[{writer}(item, context) for item in {expression}]"
                else:
                    expression = f"(None if ({slot} := {expression}) is None else {writer}({slot}, context))"
            elif resolver is None and _kind(field.annotation) == "plain":
                pass
            elif resolver is None and _kind(field.annotation) == "time":
                expression = f"(None if ({slot} := {expression}) is None else _json_time({slot}))"
            else:
                expression = f"_value({expression})"
            entries.append(f"        {field_name!r}: {expression},")
        functions.append("\n".join([f"def {name}(obj, context):", "    return {", *entries, "    }"]))
        return name

    entry = function_for(schema)
    exec("\n\n".join(functions), namespace)  # noqa: S102 - source built above from the schema's field names
    return namespace[entry]


class RowWriter:
    """Writes list rows as ``schema`` would, from ``QuerySet.values(*COLUMNS)`` rows (a function compiled
    from the schema); and one answer from a model instance (``one``: the order just opened), resolvers
    given the context as Ninja's."""

    def __init__(self, schema: type[Schema]) -> None:
        self.plan = _plan(schema)
        self.write = _compile(schema)

    def rows(self, values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        # One "now" for the page: every row's SLA states are of the same instant (SlaOut's resolvers).
        write, context = self.write, {"now": timezone.now()}
        return [write(_order_row(row), context) for row in values]

    def one(self, obj: Any, context: dict[str, Any]) -> dict[str, Any]:
        return _dump(self.plan, obj, context)


@functools.cache
def _values_base() -> QuerySet:
    return ServiceOrder.objects.values(*COLUMNS)


def rows_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    """The rows of a page read as its ids (``selectors.order_list_parts``, ids only), newest first,
    each with the columns of ``values_base``.

    For a page PostgreSQL plans for its values (a search, a received-date range): planning the ids
    alone, one table, takes ~0.1 ms where the page with its four joins took ~0.8 ms, most of the
    request's time in the database (benchmarks/README.md). For one technician's page of any status:
    the generic plan of the ids alone reads their index, where the joined page's walked every order
    (``service.api.list_orders``). For a page read in parts (a technician who helps on orders, or
    several statuses on SQLite), the ids of the parts are merged first, so the rows are read once. The
    rows are read by primary key, a statement whose plan does not depend on its values: prepared, the
    ids bound as one array (``id__any``, core/lookups.py), so one statement serves every page whatever
    its number of rows.

    Every id finds its row: nothing deletes an order (visits, charges and invoices protect it). A row
    changed between the two statements is written as it is now, as the next request would show it."""
    if not ids:
        return []
    with prepared_statements():
        return values_rows(values_base().filter(pk__any=ids).order_by("-id"))


def values_base() -> QuerySet:
    """Every order, read as exactly the columns a row needs (no model instances). ``values()`` resolves
    the columns and their joins once per process; each request filters a copy of it."""
    return _values_base().all()
