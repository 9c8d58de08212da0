"""Publishing a Celery task from a web request without ever holding it.

A request publishes work after its transaction committed (the outbox relay, a background import).
The broker may be down in two ways: it refuses the connection (at once), or it accepts and never
answers (a frozen Redis, a half-open NAT entry). Neither may cost the request more than a short,
bounded time, nor raise into it: ``publish`` sends over its own connection whose connect and read
timeouts are ``AFTERSALES["BROKER_PUBLISH_TIMEOUT"]`` seconds, with no retry, swallows and logs any
failure, and then stops trying for ``PAUSE_SECONDS`` in this process. What was to be published is
never lost by that: the caller keeps it in the database (the outbox) and a periodic sweep publishes
it later. The workers' own broker connections keep the settings' longer timeouts (a worker blocks on
BRPOP by design).
"""

import logging
import threading
import time
from typing import Any

from django.conf import settings

from aftersales.celery import app

logger = logging.getLogger("aftersales.broker")

PAUSE_SECONDS = 30.0
_down_until = 0.0
_lock = threading.Lock()


def publish_timeout() -> float:
    return float(settings.AFTERSALES.get("BROKER_PUBLISH_TIMEOUT", 0.5))


def broker_paused() -> bool:
    """True while this process keeps away from a broker that failed a moment ago."""
    return time.monotonic() < _down_until


def reset_pause() -> None:
    global _down_until
    with _lock:
        _down_until = 0.0


def publish(task_name: str, *, kwargs: dict[str, Any] | None = None) -> bool:
    """Publish ``task_name`` with ``kwargs``; True when the broker took it, False when it is down
    (logged, never raised). Only for a real broker: in eager mode callers run the work themselves."""
    global _down_until
    if broker_paused():
        return False
    timeout = publish_timeout()
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
    try:
        with app.connection_for_write(connect_timeout=timeout, transport_options=options) as connection:
            app.send_task(task_name, kwargs=kwargs or {}, connection=connection, retry=False, ignore_result=True)
    except Exception as exc:  # noqa: BLE001  (kombu's OperationalError, a timeout, any broker failure)
        with _lock:
            _down_until = time.monotonic() + PAUSE_SECONDS
        logger.warning(
            "broker unreachable, %s not published (%s: %s); the periodic sweep will retry",
            task_name,
            type(exc).__name__,
            exc,
        )
        return False
    return True
