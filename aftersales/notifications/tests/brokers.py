"""Celery as in production (not eager) with a given broker URL, for the length of a ``with`` block."""

from collections.abc import Iterator
from contextlib import contextmanager

from aftersales.celery import app
from aftersales.core import broker
from aftersales.notifications import trigger


def _reset_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
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
