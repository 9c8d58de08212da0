"""Row locks take only the rows they mean to: a ``select_for_update()`` whose query joins another table
names its own table (``of=("self",)``).

On PostgreSQL ``SELECT … FOR UPDATE`` without ``OF`` locks the matching rows of every table in the
``FROM`` clause: the tables ``select_related`` joins and those a filter joins (the scope of
``*_visible_to(user)`` reaches the customer, the unit, the assignments). A service that locks its own
record that way also locks the customer's row, in the strongest mode and out of the lock order
(docs/architecture.md, "Row locks"), and holds up every new order, unit and contact of that customer.

``LockAudit`` watches every query compiled while it is active, on any database (SQLite ignores
``FOR UPDATE`` but the query still says what it would lock), and keeps the locking queries that join a
table without naming the tables to lock. ``aftersales/conftest.py`` runs every test inside one."""

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.datastructures import Join


def joined_tables_locked(query: Any) -> list[str]:
    """The other tables whose rows ``SELECT … FOR UPDATE`` of this query would lock: the tables joined
    into its ``FROM`` clause when it locks without ``of=``; none when it does not lock. Asked while
    the query is compiled (``select_related`` joins count only then: ``as_sql`` resets them after)."""
    if not query.select_for_update or query.select_for_update_of:
        return []
    return [
        join.table_name
        for alias, join in query.alias_map.items()
        if isinstance(join, Join) and query.alias_refcount.get(alias)  # a join Django left out is not in FROM
    ]


@dataclass(frozen=True)
class WideLock:
    model: str
    joined: tuple[str, ...]
    where: str  # the innermost project frame that ran the query (not a test)

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.model} locked with select_for_update() without of=, joining "
            f"{', '.join(self.joined)}: on PostgreSQL it locks their rows too"
        )


def _caller() -> str:
    for frame in reversed(traceback.extract_stack()[:-3]):
        path = frame.filename.replace("\\", "/")
        if "/aftersales/" in path and "/tests/" not in path and "/browser_tests/" not in path:
            return f"{path[path.rindex('/aftersales/') + 1 :]}:{frame.lineno} ({frame.name})"
    return "?"


_active: list["LockAudit"] = []
_guard = threading.Lock()
_original: Any = None


def _get_from_clause(compiler: SQLCompiler) -> Any:
    result = _original(compiler)
    joined = joined_tables_locked(compiler.query)
    if joined and _active:
        lock = WideLock(compiler.query.model._meta.label, tuple(joined), _caller())
        with _guard:
            _active[-1].found.append(lock)
    return result


class LockAudit:
    """While active, every compiled query (in any thread) that locks joined rows is added to ``found``
    of the innermost active audit."""

    def __init__(self) -> None:
        self.found: list[WideLock] = []

    def __enter__(self) -> "LockAudit":
        global _original  # noqa: PLW0603  (the compiler's own method, while any audit is active)
        with _guard:
            if not _active:
                _original = SQLCompiler.get_from_clause
                SQLCompiler.get_from_clause = _get_from_clause  # type: ignore[method-assign]
            _active.append(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with _guard:
            _active.remove(self)
            if not _active:
                SQLCompiler.get_from_clause = _original  # type: ignore[method-assign]


# What a customer's contact write takes on the customer's row (``customers.services._lock_customer``),
# and what a new row referring to a row takes on it (PostgreSQL's foreign-key check): tried at once.
NO_KEY_UPDATE = "SELECT 1 FROM {table} WHERE id = %s FOR NO KEY UPDATE NOWAIT"
KEY_SHARE = "SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE NOWAIT"


def taken_while(write: Callable[[], Any], *locks: tuple[str, str, int]) -> list[str]:
    """Run ``write`` in a transaction of this thread and, before it commits, try each lock (statement,
    table, id) at once in another connection (PostgreSQL): "taken", or the error when the row was held."""
    from django.db import DatabaseError, connection, connections, transaction

    outcomes: list[str] = []

    def other() -> None:
        try:
            for statement, table, pk in locks:
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(statement.format(table=table), [pk])
                    outcomes.append("taken")
                except DatabaseError as exc:
                    outcomes.append(f"{table}: {exc}".strip())
        finally:
            connections.close_all()

    with transaction.atomic():
        write()
        worker = threading.Thread(target=other)
        worker.start()
        worker.join(timeout=30)
    return outcomes
