"""The after-commit trigger: ask a Celery worker to relay the outbox now, without ever holding a request.

The task is named, not imported (``tasks`` imports ``services``, which schedules this trigger).
"""

from aftersales.celery import app
from aftersales.core.broker import publish

RELAY_TASK = "aftersales.notifications.tasks.relay_outbox"


def prepare_broker_client() -> None:
    """Load the broker's client library and the result backend now (at start-up), not in the first
    request that triggers a relay: importing them takes a noticeable time on a cold process."""
    if not app.conf.task_always_eager:
        app.connection_for_write().transport  # noqa: B018  (resolving the transport imports it; nothing connects)
        app.backend  # noqa: B018  (send_task reads it)


def kick_relay() -> None:
    """Run after commit: ask a worker to relay now. Never raises, and never waits more than the
    publish timeout on a broker that refuses or never answers (``core.broker.publish``): the message
    is safe in the outbox and the beat sweep (or ``relay_outbox --loop``) sends it later. Without a
    broker (eager mode, the embedded default) it does nothing: the ``relay_outbox --loop`` command
    beside the app relays, and delivery never happens inside a request."""
    if not app.conf.task_always_eager:
        publish(RELAY_TASK)
