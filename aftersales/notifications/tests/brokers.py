"""Celery as in production (not eager) with a given broker URL, for the length of a ``with`` block."""

from collections.abc import Iterator
from contextlib import contextmanager

import kombu.pools

from aftersales.celery import app
from aftersales.core import broker
from aftersales.core.tests.outages import closed_port, silent_server
from aftersales.notifications import trigger


def _reset_pools() -> None:
    """Close and forget every broker connection, Celery's and kombu's. kombu keeps its pools in a
    process-wide registry by broker URL: closing Celery's pool alone left a closed pool there, which the
    next eager task of the process took (``Acquire on closed pool``: even an eager ``delay()`` borrows a
    producer), so a test after these failed or passed by the order the tests ran in."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    _reset_pools()
    broker.reset_pause()
    trigger.prepare_broker_client()  # as NotificationsConfig.ready() does in a process with a broker
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        broker.reset_pause()
        _reset_pools()


DOWN_WAYS = ("refuses", "never_answers")


@contextmanager
def broker_down(how: str) -> Iterator[None]:
    """The broker at a closed port (``"refuses"``) or at a server that accepts connections and never
    answers (``"never_answers"``)."""
    if how == "refuses":
        with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
            yield
    else:
        with silent_server() as port, broker_at(f"redis://127.0.0.1:{port}/0"):
            yield
