"""Two relays at once never send the same message: proved on PostgreSQL's SKIP LOCKED.

Each relay runs in its own thread and connection; the backend is slowed down so that both relays are
busy at the same time (without the claim, both would pick the same rows and send them twice).
"""

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections

from aftersales.notifications import services
from aftersales.notifications.channels import Delivery, MemoryBackend
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED races are proved on PostgreSQL"),
]


def test_two_relays_at_once_send_each_message_exactly_once(_outbox, monkeypatch):
    for i in range(40):
        services.enqueue_message(channel="sms", recipient=f"+86139000{i:05d}", body="a", key=f"m{i}")
    lock = threading.Lock()

    def slow_send(self: Any, delivery: Delivery) -> None:
        time.sleep(0.01)  # holds the relay in its batch while the other one claims
        with lock:
            MemoryBackend.sent.append(delivery)

    monkeypatch.setattr(MemoryBackend, "send", slow_send)
    barrier = threading.Barrier(2)
    reports: list[Any] = []

    def relay() -> None:
        try:
            barrier.wait()
            while (report := services.relay_due_messages(limit=5)).claimed:
                reports.append(report)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    keys = [d.key for d in _outbox]
    assert sorted(keys) == sorted(f"m{i}" for i in range(40))  # every message, none twice
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT).count() == 40
    assert len({tuple(r.sent) for r in reports}) == len(reports)
