"""The after-commit trigger: ask a Celery worker to relay the outbox now, without ever holding a request.

The task is named, not imported (``tasks`` imports ``services``, which schedules this trigger).
"""

import logging
import time

from aftersales.celery import app

logger = logging.getLogger("aftersales.notify")

RELAY_TASK = "aftersales.notifications.tasks.relay_outbox"
# After the broker refused a trigger, requests stop trying for a while: the beat sweep or the next
# trigger after this pause picks the messages up. Per process.
BROKER_PAUSE_SECONDS = 30.0
_broker_down_until = 0.0


def prepare_broker_client() -> None:
    """Load the broker's client library and the result backend now (at start-up), not in the first
    request that triggers a relay: importing them takes a noticeable time on a cold process."""
    if not app.conf.task_always_eager:
        app.connection_for_write().transport  # noqa: B018  (resolving the transport imports it; nothing connects)
        app.backend  # noqa: B018  (send_task reads it)


def kick_relay() -> None:
    """Run after commit: ask a worker to relay now. Never raises, and never waits long on a broker that
    is down (``CELERY_BROKER_*`` timeouts, no publish retry): the message is safe in the outbox and the
    beat sweep (or ``relay_outbox --loop``) sends it later. Without a broker (eager mode, the embedded
    default) it does nothing: the ``relay_outbox --loop`` command beside the app relays, and delivery
    never happens inside a request."""
    global _broker_down_until
    if app.conf.task_always_eager or time.monotonic() < _broker_down_until:
        return
    try:
        app.send_task(RELAY_TASK, retry=False, ignore_result=True)
    except Exception as exc:  # noqa: BLE001  (kombu's OperationalError and any broker failure)
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("outbox: could not reach the broker (%s); the relay sweep will send the messages", exc)
