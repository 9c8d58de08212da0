"""Run calls at the same moment, each in its own thread and database connection (races proved on
PostgreSQL: the order's row locks, the sign-in throttle's atomic counters)."""

import threading
from collections.abc import Callable
from typing import Any


def run_together(*calls: Callable[[], Any], on_done: Callable[[], None] | None = None) -> list[Any]:
    """Run each call in its own thread, released together by a barrier; return each result or the
    exception raised. ``on_done`` runs in each thread when its call has ended."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001  (the test inspects what each thread got)
            results[index] = exc
        finally:
            if on_done is not None:
                on_done()
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


# The connections waiting, directly or through another waiter ahead of them in the queue of a row
# lock, for a lock this connection holds.
QUEUED_BEHIND_ME = """
WITH RECURSIVE ours AS (
    SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE datname = current_database()
), behind(pid) AS (
    SELECT pid FROM ours WHERE pg_backend_pid() = ANY(blockers)
    UNION
    SELECT ours.pid FROM ours JOIN behind ON behind.pid = ANY(ours.blockers)
)
SELECT count(*) FROM behind
"""


def wait_until_blocking(count: int, *, timeout: float = 10.0) -> bool:
    """Until ``count`` other connections wait on a lock this thread's connection holds (PostgreSQL's
    ``pg_blocking_pids``; also those queued behind such a waiter), or ``timeout`` seconds pass;
    whether they did.

    A race test holds its lock here instead of sleeping "long enough" for the others to reach it:
    it goes on the moment they are queued behind it. When the code under test takes no lock, nobody
    is ever blocked and each thread waits out the timeout, so the race still shows."""
    import time

    from django.db import connection

    if count <= 0:
        return True
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # Inside a transaction the statistics views are a snapshot taken at first use: drop it.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(QUEUED_BEHIND_ME)
            if cursor.fetchone()[0] >= count:
                return True
            if time.monotonic() >= deadline:
                return False
