"""A ``values()`` read compiled once per shape: the SQL of the next query of the same shape is reused.

Django compiles a queryset to SQL on every evaluation: for the order list's page (60 columns, 4 joins,
``ORDER BY``) that was a third of the request's Python (benchmarks/README.md). Two requests for the same
filters with other values differ only in the ``WHERE`` clause's parameters, so ``values_rows`` compiles
just the ``WHERE`` clause (small), and looks the rest up by the query's shape: the model, the ``WHERE``
SQL itself, the selected columns, the joins, the ordering, the limits. The first query of a shape is
compiled in full, and its SQL is kept only if the ``WHERE`` clause is its one source of parameters, so a
reused statement is the very text Django would have written, with the parameters Django would have
bound. The rows go through the compiler's own converters (``results_iter``), so values are what
``list(queryset)`` gives (``tests/test_compiled.py`` proves both on the order list's filters).

Inside ``core.prepared.prepared_statements()`` the reused text is also planned once by PostgreSQL.
"""

from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable

# Shapes kept per process; a new shape beyond it starts the cache afresh (search id lists of every length
# are shapes of their own).
MAX_SHAPES = 500

_statements: dict[tuple, tuple[str, Any, list[str]]] = {}


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
        names = list(query.selected or ()) or [*query.extra_select, *query.values_select, *query.annotation_select]
        statement = (sql, compiler, names)
        if len(_statements) >= MAX_SHAPES:
            _statements.clear()
        _statements[key] = statement
    sql, shape_compiler, names = statement
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, where_params)
        rows = cursor.fetchall()
    return [dict(zip(names, row, strict=True)) for row in shape_compiler.results_iter(results=[rows])]
