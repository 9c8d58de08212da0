"""A ``values()`` read compiled once per shape: the SQL of the next query of the same shape is reused.

Django compiles a queryset to SQL on every evaluation: for the order list's page (then 60 columns, 4 joins,
``ORDER BY``) that was a third of the request's Python (benchmarks/README.md). Two requests for the same
filters with other values differ only in the ``WHERE`` clause's parameters, so ``values_rows`` compiles
just the ``WHERE`` clause (small), and looks the rest up by the query's shape: the model, the ``WHERE``
SQL itself, the selected columns, the joins, the ordering, the limits. The first query of a shape is
compiled in full, and its SQL is kept only if the ``WHERE`` clause is its one source of parameters, so a
reused statement is the very text Django would have written, with the parameters Django would have
bound. The rows go through the compiler's own converters (as ``results_iter`` applies them, looked up
once per shape), so values are what ``list(queryset)`` gives (``tests/test_compiled.py`` proves both on the order list's filters).

Inside ``core.prepared.prepared_statements()`` the reused text is also planned once by PostgreSQL.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connections, router
from django.db.models import Model, Q, QuerySet
from django.db.models.query import ValuesIterable

# Shapes kept per process; a new shape beyond it starts the cache afresh (search id lists of every length
# are shapes of their own).
MAX_SHAPES = 500

_statements: dict[tuple, "_Statement"] = {}


def _shape(queryset: QuerySet, where_sql: str) -> tuple:
    query = queryset.query
    joins = tuple(
        (alias, join.table_name, getattr(join, "join_type", None), getattr(join, "parent_alias", None))
        for alias, join in query.alias_map.items()
    )
    return (
        queryset.db,
        query.model,
        where_sql,
        query.values_select,
        tuple(query.annotation_select),
        tuple(query.extra_select),
        tuple(query.selected or ()),
        query.order_by,
        query.extra_order_by,
        query.default_ordering,
        query.standard_ordering,
        query.low_mark,
        query.high_mark,
        query.distinct,
        query.distinct_fields,
        query.group_by,
        query.select_for_update,
        query.combinator,
        joins,
        tuple(query.alias_refcount.items()),
    )


def values_rows(queryset: QuerySet) -> list[dict[str, Any]]:
    """``list(queryset)`` of a ``values()`` queryset, its SQL compiled once per shape."""
    if queryset._iterable_class is not ValuesIterable or queryset.query.combinator:
        return list(queryset)
    query = queryset.query
    compiler = query.get_compiler(queryset.db)
    try:
        where_sql, where_params = compiler.compile(query.where)
        key = _shape(queryset, where_sql)
        statement = _statements.get(key)
    except (EmptyResultSet, FullResultSet, TypeError):  # nothing to match, no WHERE, an unhashable part
        return list(queryset)
    if statement is None:
        sql, params = compiler.as_sql()
        if tuple(params) != tuple(where_params) or where_sql not in sql:
            return list(queryset)  # other clauses bind values too: this shape is compiled every time
        statement = _statement(query, compiler, sql)
        if len(_statements) >= MAX_SHAPES:
            _statements.clear()
        _statements[key] = statement
    return _run(queryset.db, statement, where_params)


# The SQL, its compiler, the names of the columns, their converters (None: left to results_iter).
_Statement = tuple[str, Any, list[str], Any]


def _statement(query: Any, compiler: Any, sql: str) -> _Statement:
    names = list(query.selected or ()) or [*query.extra_select, *query.values_select, *query.annotation_select]
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    # The columns' converters (what results_iter looks up on every call), or None to leave the
    # rows to results_iter (a composite key).
    converters = None if compiler.has_composite_fields(columns) else compiler.get_converters(columns)
    return (sql, compiler, names, converters)


def _run(db: str, statement: _Statement, params: Any) -> list[dict[str, Any]]:
    sql, shape_compiler, names, converters = statement
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters is None:
        converted = shape_compiler.results_iter(results=[rows])
    else:
        converted = shape_compiler.apply_converters(rows, converters) if converters else rows
    return [dict(zip(names, row, strict=True)) for row in converted]


_PROBE_BASE = -7_300_000_000_000
# The database, the statement, each parameter's argument (None: a value of its own), those values.
_Probed = tuple[str, _Statement, list[int | None], list[Any]]


class CompiledRead:
    """A ``values()`` read whose queryset is a function of its arguments alone, compiled once per process.

    ``values_rows`` still builds the queryset and compiles its ``WHERE`` clause on every call; for the
    smallest hot reads (a unit's contracts on every order opened) that was four fifths of the read's
    Python. Here ``build(*args)`` is called once, with probe values in place of the arguments (a
    negative number for an ``int``, a marked string for a ``str``), and each probe's place among the
    statement's parameters is noted; later calls bind their arguments in those places and run the same
    text. When a probe is not found exactly once (a lookup that transforms or spreads its value, as
    ``__in`` or ``__icontains`` do), or an argument is of another type, the read is built each time.
    ``build`` must not read anything but its arguments: what else it binds is kept as it was."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self._compiled: dict[tuple[type, ...], _Probed | None] = {}

    def __call__(self, *args: Any) -> list[dict[str, Any]]:
        kinds = tuple(type(arg) for arg in args)
        if kinds not in self._compiled:
            self._compiled[kinds] = self._probe(kinds)
        compiled = self._compiled[kinds]
        if compiled is None:
            return values_rows(self.build(*args))
        db, statement, places, fixed = compiled
        return _run(db, statement, [fixed[i] if place is None else args[place] for i, place in enumerate(places)])

    def _probe(self, kinds: tuple[type, ...]) -> "_Probed | None":
        if not all(kind in (int, str) for kind in kinds):
            return None
        # A string probe holds LIKE's special characters, so a lookup that escapes its value (``iexact``
        # on SQLite) binds something else than the probe, and the read is built each time.
        probes = [
            _PROBE_BASE - n if kind is int else f"\x1fcompiled-read-probe-{n}%_\\\x1f" for n, kind in enumerate(kinds)
        ]
        try:
            queryset = self.build(*probes)
            if queryset._iterable_class is not ValuesIterable or queryset.query.combinator:
                return None
            compiler = queryset.query.get_compiler(queryset.db)
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet, ValueError, TypeError, ValidationError):
            # Nothing to match, or a probe the field refuses (a string where a number is stored): the
            # queryset is built for each call's own values, which the field then takes or refuses.
            return None
        statement = _statement(queryset.query, compiler, sql)
        places = [next((n for n, probe in enumerate(probes) if value == probe), None) for value in params]
        if any(places.count(n) != 1 for n in range(len(probes))):
            return None
        return queryset.db, statement, places, params


@dataclass(frozen=True)
class _Relation:
    path: str  # "" for the queryset's own model, "customer__service_center" for a related one
    model: type[Model]
    columns: tuple[str, ...]  # the model's concrete columns (attnames), as ``from_db`` takes them
    names: tuple[str, ...]  # the same columns as the ``values()`` of the queryset's model names them
    pk_index: int
    parent: str | None  # the path of the model holding the foreign key
    field: Any  # that foreign key (None for the root)


@functools.cache
def _relations(model: type[Model], related: tuple[str, ...]) -> tuple[_Relation, ...]:
    """The models ``select_related(*related)`` would build, each after the one holding its key."""

    def relation(path: str, of: type[Model], parent: str | None, field: Any) -> _Relation:
        columns = tuple(f.attname for f in of._meta.concrete_fields)
        names = tuple(f"{path}__{column}" if path else column for column in columns)
        return _Relation(path, of, columns, names, columns.index(of._meta.pk.attname), parent, field)

    plan = {"": relation("", model, None, None)}
    for path in related:
        parent = ""
        for name in path.split("__"):
            here = f"{parent}__{name}" if parent else name
            if here not in plan:
                field = plan[parent].model._meta.get_field(name)
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    raise ValueError(f"{here}: only forward foreign keys can be read with their row")
                plan[here] = relation(here, field.related_model, parent, field)
            parent = here
    return tuple(plan.values())


@functools.cache
def _values_of(model: type[Model], related: tuple[str, ...]) -> QuerySet:
    """Every column of ``model`` and of its ``related`` models, as one ``values()`` queryset: built once,
    because resolving ~40 column paths costs more than the rest of the read (~3,000 Python calls)."""
    return model._base_manager.values(*(name for rel in _relations(model, related) for name in rel.names))


def instances(model: type[Model], related: tuple[str, ...], *conditions: Q, **lookups: Any) -> list[Any]:
    """``list(model.objects.select_related(*related).filter(*conditions, **lookups))`` at a third of its
    Python: the joined ``SELECT`` is built once per process and compiled once per shape (``values_rows``).

    Each model is built with ``Model.from_db`` and attached to the one holding its key the way
    ``select_related`` attaches it (the field's cached value; ``None`` for an empty nullable key). For
    the reads every request makes: the bearer token with its user, the unit of every order create. A
    scope is a condition: ``Q(pk__in=units_visible_to(user).values("pk"))``."""
    return _built(model, related, values_rows(_values_of(model, related).filter(*conditions, **lookups)))


class InstancesBy:
    """``instances(model, related, **dict(zip(fields, values)))`` for the fields that vary, through a
    ``CompiledRead``: the statement is compiled once per process, not its ``WHERE`` clause per call (the
    bearer token of every API request, the unit of every order opened)."""

    def __init__(self, model: type[Model], related: tuple[str, ...], *fields: str) -> None:
        self.model, self.related = model, related
        self._read = CompiledRead(
            lambda *values: _values_of(model, related).filter(**dict(zip(fields, values, strict=True)))
        )

    def __call__(self, *values: Any) -> list[Any]:
        return _built(self.model, self.related, self._read(*values))


def _built(model: type[Model], related: tuple[str, ...], rows: list[dict[str, Any]]) -> list[Any]:
    plan = _relations(model, related)
    db = router.db_for_read(model)
    built = []
    for row in rows:
        objects: dict[str, Any] = {}
        for rel in plan:
            values = [row[name] for name in rel.names]
            empty = bool(rel.path) and values[rel.pk_index] is None  # a nullable key without its row
            objects[rel.path] = None if empty else rel.model.from_db(db, rel.columns, values)
            if rel.parent is not None and objects[rel.parent] is not None:
                rel.field.set_cached_value(objects[rel.parent], objects[rel.path])
        built.append(objects[""])
    return built
