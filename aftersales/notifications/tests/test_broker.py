"""A broker that is down delays messages, never loses one, and never makes a request wait.

The request itself (an order's due date extended with the broker down) is in
service/tests/test_outbox_broker_down.py."""

from typing import Any

import pytest

from aftersales.celery import app
from aftersales.notifications import trigger
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import enqueue_message
from aftersales.notifications.tests.brokers import broker_at


@pytest.fixture
def dead_broker():  # the tests below: nothing listens on port 1
    with broker_at("redis://127.0.0.1:1/0"):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("dead_broker")
def test_after_a_refusal_requests_stop_trying_the_broker_for_a_while(monkeypatch):
    calls: list[Any] = []
    real = app.send_task
    monkeypatch.setattr(app, "send_task", lambda *args, **kw: calls.append(args) or real(*args, **kw))

    trigger.kick_relay()
    trigger.kick_relay()

    assert len(calls) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("dead_broker")
def test_one_trigger_per_transaction_and_only_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    sent: list[Any] = []
    monkeypatch.setattr(app, "send_task", lambda *args, **kw: sent.append((args, kw)))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_message(channel="sms", recipient="+8613900001111", body="a")
        enqueue_message(channel="sms", recipient="+8613900002222", body="b")
        assert sent == []

    assert len(callbacks) == 1
    assert [args for args, _kw in sent] == [(trigger.RELAY_TASK,)]


@pytest.mark.django_db
def test_without_a_broker_the_trigger_leaves_the_work_to_the_loop(monkeypatch, django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager  # the embedded default and the test settings
    monkeypatch.setattr(app, "send_task", lambda *a, **kw: pytest.fail("must not relay in the request"))

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_message(channel="sms", recipient="+8613900001111", body="a")

    assert OutboxMessage.objects.get().status == MessageStatus.QUEUED


@pytest.mark.django_db
def test_the_celery_task_relays_and_says_how_many_were_sent(_outbox):
    from aftersales.notifications.tasks import relay_outbox

    enqueue_message(channel="sms", recipient="+8613900001111", body="a")

    assert relay_outbox() == 1  # the task body, as a worker runs it
    assert OutboxMessage.objects.get().status == MessageStatus.SENT
