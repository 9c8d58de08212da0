"""Django's PostgreSQL backend, with a health check that costs no round trip when it need not.

``CONN_HEALTH_CHECKS`` makes Django run ``SELECT 1`` before the first query of every request on a kept
connection: one round trip more per request (the order list's three statements were that, the token and
the page). Here the check first looks at the socket without waiting: a connection the server closed
(a restart, ``pg_terminate_backend``, an idle timeout) has its error message or end of stream waiting to
be read, so the socket is readable; an idle healthy connection has nothing to read. Only a readable
socket, or a connection that is not idle, goes on to Django's ``SELECT 1`` — and reconnects if that
fails, as before. A peer that went silent without closing is noticed neither way before the keepalives
and ``tcp_user_timeout`` (settings.database_settings) end the connection.
"""

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations
from psycopg import pq


def quiet(connection: object) -> bool:
    """An open, idle psycopg connection whose socket has nothing to read (nothing from the server)."""
    pgconn = getattr(connection, "pgconn", None)
    if pgconn is None or pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    try:
        readable, _writable, failed = select.select([pgconn.socket], [], [pgconn.socket], 0)
    except (OSError, ValueError):  # a closed descriptor
        return False
    return not readable and not failed


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str | None:
        # A statement bound on the server (core/prepared.py) is logged and captured with its values
        # written in, as Django writes it with server_side_binding, not "QUERY = … - PARAMS = …".
        if not isinstance(cursor, psycopg.ClientCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                pass
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def close_if_health_check_failed(self) -> None:
        if self.connection is not None and self.health_check_enabled and not self.health_check_done:
            if quiet(self.connection):
                self.health_check_done = True
                return
        super().close_if_health_check_failed()
