"""PostgreSQL's plan of a statement over the order table with one index left (tests of index use)."""

from django.db import connection


def plan_with_only(sql: str, index: str, params: tuple = ()) -> str:
    """The plan of ``sql`` with the table's scans off and ``index`` the one index left besides the primary
    key and the unique constraints' (the others dropped inside a savepoint rolled back after the
    ``EXPLAIN``): whether the statement can be answered from ``index``. With every index there, which of
    two equally cheap ones the planner took on a test's near-empty table depended on the statistics the
    worker's earlier tests had left (once ``order_centre_due_idx`` for the agent's open orders)."""
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT plan_alone")
        try:
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'service_serviceorder'::regclass"
                " AND NOT indisprimary AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)"
            )
            for (name,) in cursor.fetchall():
                if name != index:
                    cursor.execute(f"DROP INDEX {name}")  # a name from the catalog
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("ROLLBACK TO SAVEPOINT plan_alone")
