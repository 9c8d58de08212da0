"""Two relays at once never send the same message, and two writers of one key leave one message: proved
on PostgreSQL (SKIP LOCKED; the unique index that INSERT … ON CONFLICT waits on).

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


def test_two_writers_of_one_key_at_once_leave_one_message_and_both_get_it():
    """Two transactions write the same key at once (the same event told twice): the second INSERT … ON
    CONFLICT waits on the first's uncommitted row, then writes nothing and returns the first's message
    once that one commits. Neither fails, and one message leaves."""
    from django.db import transaction

    from aftersales.core.tests.threads import run_together, wait_until_blocking

    written = threading.Event()

    def first() -> tuple[int, bool]:
        with transaction.atomic():
            message = services.enqueue_message(channel="sms", recipient="+8613900001111", body="first", key="k")
            written.set()
            return message.pk, wait_until_blocking(1)  # commits once the second is queued behind it

    def second() -> int:
        written.wait(timeout=10)
        with transaction.atomic():
            return services.enqueue_message(channel="sms", recipient="+8613900001111", body="second", key="k").pk

    results = run_together(first, second)

    assert not any(isinstance(r, Exception) for r in results), results
    (first_pk, second_waited), second_pk = results
    assert second_waited, "the second writer never waited for the first"
    assert second_pk == first_pk
    assert list(OutboxMessage.objects.values_list("key", "body")) == [("k", "first")]
