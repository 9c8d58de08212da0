"""Thin Celery tasks of the outbox: the relay, and the after-commit trigger that asks for it."""

import logging
import time

from celery import shared_task

logger = logging.getLogger("aftersales.notify")

# After the broker refused a trigger, requests stop trying for a while: the beat sweep or the next
# trigger after this pause picks the messages up. Per process.
BROKER_PAUSE_SECONDS = 30.0
_broker_down_until = 0.0


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Deliver the due outbox messages (after each commit that wrote some, and swept by beat)."""
    from aftersales.notifications.services import relay_due_messages

    return len(relay_due_messages().sent)


def prepare_broker_client() -> None:
    """Load the broker's client library now (at start-up), not in the first request that triggers a
    relay: importing kombu's Redis transport takes a noticeable time on a cold process."""
    from aftersales.celery import app

    if not app.conf.task_always_eager:
        app.connection_for_write().transport  # noqa: B018  (resolving the transport imports it; nothing connects)


def kick_relay() -> None:
    """Run after commit: ask a worker to relay now. Never raises, and never waits long on a broker that
    is down (``CELERY_BROKER_*`` timeouts, no publish retry): the message is safe in the outbox and the
    beat sweep (or ``relay_outbox --loop``) sends it later. Without a broker (eager mode, the embedded
    default) it does nothing: the ``relay_outbox --loop`` command beside the app relays."""
    global _broker_down_until
    from aftersales.celery import app

    if app.conf.task_always_eager or time.monotonic() < _broker_down_until:
        return
    try:
        relay_outbox.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001  (kombu's OperationalError and any broker failure)
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("outbox: could not reach the broker (%s); the relay sweep will send the messages", exc)
