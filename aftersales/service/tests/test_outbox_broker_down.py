"""A request that sends an SMS answers fast with the broker down; the message waits in the outbox."""

import time

import pytest
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications import services as notification_services
from aftersales.notifications import trigger
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import relay_due_messages
from aftersales.notifications.tests.brokers import broker_at
from aftersales.service.tests.factories import make_order


@pytest.fixture(autouse=True)
def dead_broker():  # the tests below: nothing listens on port 1
    with broker_at("redis://127.0.0.1:1/0"):
        yield


@pytest.mark.django_db
def test_request_with_the_broker_down_answers_fast_and_the_message_waits(
    users, centre, api_client, _outbox, django_capture_on_commit_callbacks, monkeypatch
):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])
    assert client.get(f"/api/v1/orders/{order.pk}").status_code == 200  # URLs and API loaded: time the POSTs only
    trigger_times: list[float] = []

    def timed_kick() -> None:
        started = time.monotonic()
        trigger.kick_relay()
        trigger_times.append(time.monotonic() - started)

    monkeypatch.setattr(notification_services, "kick_relay", timed_kick)
    request_times = []
    for attempt in range(3):  # the machine may be busy: the fastest of three requests, each meeting the dead broker
        monkeypatch.setattr(trigger, "_broker_down_until", 0.0)
        connection.run_on_commit.clear()  # the test's transaction never commits: forget the last request's callbacks
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/orders/{order.pk}/extend-due",
                {"working_days": 1, "reason": f"等待配件 {attempt}"},
                content_type="application/json",
            )
        request_times.append(time.monotonic() - started)
        assert response.status_code == 200, response.content

    assert len(trigger_times) == 3  # each request did try the broker after commit, and failed quietly
    assert max(trigger_times) < 0.5, trigger_times
    assert min(request_times) < 1.0, request_times
    messages = OutboxMessage.objects.all()
    assert [(m.status, m.recipient) for m in messages] == [(MessageStatus.QUEUED, order.reporter_phone)] * 3
    assert _outbox == []

    relay_due_messages()  # the sweep (beat or relay_outbox --loop) once the broker is back

    assert {m.status for m in OutboxMessage.objects.all()} == {MessageStatus.SENT}
    assert [d.recipient for d in _outbox] == [order.reporter_phone] * 3
