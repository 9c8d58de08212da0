"""Prepared statements for the few hot reads (the order list and its rows by id, the bearer token, an
order create's unit and contract reads), on PostgreSQL.

Django binds parameters on the client and never prepares (``prepare_threshold`` is ``None`` so that
transaction-mode poolers keep working), so PostgreSQL plans every statement again: for the order list's
five-relation page that is most of the database's time (planning ~1 ms, execution ~0.3 ms; the raw SQL
of benchmarks/README.md is the same statement prepared). Inside ``prepared_statements()`` the ORM's
cursors bind on the server and prepare each statement the first time, so the next request with the
same statement (same filters, other values) skips the planner: PostgreSQL keeps the plan per
connection and replans by itself after a migration changes a table.

PostgreSQL is asked for generic plans (``plan_cache_mode=force_generic_plan`` in the session options,
``settings.base.SESSION_OPTIONS``; it affects prepared statements only): left to choose, it planned the
SLA list again on every request, its "now" making each custom plan look cheaper than the same generic
one. So a caller prepares only reads whose best plan does not depend on their values; the order list
leaves a received-date range, a search and a scope that ORs (``ors``) unprepared (``service/api.py``,
``test_database_backend``): a search or a date range reads its page's ids unprepared and its rows by id
prepared (``service.list_rows.rows_by_ids``), as one technician's page of any status does with its ids
prepared. A technician who helps on orders has a scope of two conditions, read as two prepared pages of
ids, one per condition, and merged (``service.permissions.jobs_parts``).

Everything else keeps Django's client-side binding. ``DATABASE_PREPARED_STATEMENTS=0`` turns it off
(a pooler in transaction mode older than PgBouncer 1.21, docs/deploy.md); on SQLite it does nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.where import OR, XOR, WhereNode

try:
    from django.db.backends.postgresql.base import ServerBindingCursor
except ImportError:  # pragma: no cover - psycopg 2
    ServerBindingCursor = None


def enabled(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether ``using`` is PostgreSQL with prepared statements allowed (``prepare_threshold`` set)."""
    database = settings.DATABASES[using]
    return (
        ServerBindingCursor is not None
        and connections[using].vendor == "postgresql"
        and database.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


if ServerBindingCursor is not None:

    class PreparingCursor(ServerBindingCursor):
        """Binds on the server and prepares every statement at once (psycopg's ``prepare=True``)."""

        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = True, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=prepare, **kwargs)


@contextmanager
def prepared_statements(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the queries of the block as prepared statements (see the module's docstring)."""
    if not enabled(using):
        yield
        return
    connection = connections[using]
    # What connection.cursor() does first: drop a connection that failed its health check, connect.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = PreparingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


def ors(queryset: QuerySet) -> bool:
    """Whether the ``WHERE`` clause of ``queryset`` is, anywhere, a disjunction: an ``OR`` or ``XOR``
    of several conditions, or the negation of an ``AND`` of several (negations carried down the tree).

    A caller asks it of a scope whose ``OR`` spans columns no one index holds: for values it does not
    know, the planner cannot tell which side is the selective one, and a generic plan may walk the
    primary key through every row (the order list of a technician who helps on orders, when it was read
    as one ``OR``: 0.8 s for the prepared statement's generic plan at 1,000,000 orders, ``EXPLAIN ANALYZE
    EXECUTE``; it is now read in parts, ``service.permissions.jobs_parts``). The SLA states' ``OR`` is
    not such a case: ``order_centre_open_idx`` holds both clocks' columns."""

    def walk(node: Any, negated: bool) -> bool:
        if not isinstance(node, WhereNode):
            return False
        negated ^= node.negated
        if len(node.children) > 1 and (node.connector == XOR or (node.connector == OR) != negated):
            return True
        return any(walk(child, negated) for child in node.children)

    return walk(queryset.query.where, False)
