"""A broker that is down delays messages, never loses one, and never makes a request wait."""

import time
from collections.abc import Iterator
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.celery import app
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications import tasks
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import enqueue_message, relay_due_messages
from aftersales.service.tests.factories import make_order


def _reset_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Celery as in production (not eager), with the broker URL the test gives."""
    saved = app.conf.task_always_eager, app.conf.broker_url, tasks._broker_down_until

    def point_at(url: str) -> None:
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        _reset_pools()
        tasks.prepare_broker_client()  # as NotificationsConfig.ready() does in a process with a broker

    yield point_at
    app.conf.task_always_eager, app.conf.broker_url, tasks._broker_down_until = saved
    _reset_pools()


@pytest.mark.django_db
def test_request_with_the_broker_down_answers_fast_and_the_message_waits(
    broker, users, centre, api_client, _outbox, django_capture_on_commit_callbacks
):
    broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/api/v1/orders/{order.pk}/extend-due",
            {"working_days": 2, "reason": "等待配件"},
            content_type="application/json",
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 200, response.content
    assert elapsed < 1.0
    assert any(c is tasks.kick_relay for c in callbacks)  # the trigger did run, and failed quietly
    message = OutboxMessage.objects.get()
    assert (message.status, message.recipient) == (MessageStatus.QUEUED, order.reporter_phone)
    assert _outbox == []

    relay_due_messages()  # the sweep (beat or relay_outbox --loop) once the broker is back

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [d.recipient for d in _outbox] == [order.reporter_phone]


@pytest.mark.django_db
def test_after_a_refusal_requests_stop_trying_the_broker_for_a_while(broker, monkeypatch):
    broker("redis://127.0.0.1:1/0")
    calls: list[Any] = []
    real = tasks.relay_outbox.apply_async
    monkeypatch.setattr(tasks.relay_outbox, "apply_async", lambda **kw: calls.append(kw) or real(**kw))

    tasks.kick_relay()
    tasks.kick_relay()

    assert len(calls) == 1


@pytest.mark.django_db
def test_one_trigger_per_transaction_and_only_after_commit(broker, monkeypatch, django_capture_on_commit_callbacks):
    broker("redis://127.0.0.1:1/0")
    sent: list[Any] = []
    monkeypatch.setattr(tasks.relay_outbox, "apply_async", lambda **kw: sent.append(kw))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_message(channel="sms", recipient="+8613900001111", body="a")
        enqueue_message(channel="sms", recipient="+8613900002222", body="b")
        assert sent == []

    assert len(callbacks) == 1
    assert sent == [{"retry": False}]


@pytest.mark.django_db
def test_without_a_broker_the_trigger_leaves_the_work_to_the_loop(monkeypatch, django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager  # the embedded default and the test settings
    monkeypatch.setattr(tasks.relay_outbox, "apply_async", lambda **kw: pytest.fail("must not relay in the request"))

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_message(channel="sms", recipient="+8613900001111", body="a")

    assert OutboxMessage.objects.get().status == MessageStatus.QUEUED
