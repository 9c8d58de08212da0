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
