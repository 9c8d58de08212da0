"""With the Celery broker down, a request that sends an SMS answers 2xx at once, its change is
committed once, and the message waits in the outbox for the sweep.

Down two ways: the port refuses connections, and a server accepts and never answers (the case that
held a request for 60 s until the app server killed it, after the change had committed)."""

import time
from collections.abc import Iterator

import pytest
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.core import broker
from aftersales.core.tests.outages import deadline
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import relay_due_messages
from aftersales.notifications.tests import brokers
from aftersales.notifications.tests.brokers import DOWN_WAYS
from aftersales.service.choices import EventType
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.tests.factories import make_order

ANSWER_WITHIN = 2.0  # seconds, for the whole request with the broker down


@pytest.fixture(params=DOWN_WAYS)
def broker_down(request: pytest.FixtureRequest) -> Iterator[None]:
    with brokers.broker_down(request.param):
        yield


def _post(client, path, payload, django_capture_on_commit_callbacks):
    connection.run_on_commit.clear()  # the test's transaction never commits: forget earlier callbacks
    started = time.monotonic()
    with deadline(30), django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, payload, content_type="application/json")
    return response, time.monotonic() - started


def _fastest_of_three(client, path, payloads, django_capture_on_commit_callbacks):
    """Each request meets the broker down afresh (the pause forgotten); the machine may be busy, so
    the fastest of three tells what the outage costs."""
    answers = []
    for payload in payloads:
        broker.reset_pause()
        answers.append(_post(client, path, payload, django_capture_on_commit_callbacks))
    return [response for response, _took in answers], min(took for _response, took in answers)


@pytest.mark.django_db
@pytest.mark.usefixtures("broker_down")
def test_extend_due_with_the_broker_down_answers_fast_once_and_the_sms_waits(
    users, centre, api_client, _outbox, django_capture_on_commit_callbacks
):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    OutboxMessage.objects.all().delete()  # the order-received SMS: this test counts the extensions' own
    due_before = order.due_at
    client = api_client(users[Role.DISPATCHER])
    assert client.get(f"/api/v1/orders/{order.pk}").status_code == 200  # URLs and API loaded: time the POST only

    responses, took = _fastest_of_three(
        client,
        f"/api/v1/orders/{order.pk}/extend-due",
        [{"working_days": 1, "reason": f"等待配件 {n}"} for n in range(3)],
        django_capture_on_commit_callbacks,
    )

    assert [r.status_code for r in responses] == [200] * 3, responses[0].content
    assert took < ANSWER_WITHIN, took
    assert OrderEvent.objects.filter(order=order, type=EventType.DUE_EXTENDED).count() == 3  # once per request
    assert ServiceOrder.objects.get(pk=order.pk).due_at > due_before
    messages = OutboxMessage.objects.all()
    assert [(m.status, m.recipient) for m in messages] == [(MessageStatus.QUEUED, order.reporter_phone)] * 3
    assert _outbox == []

    relay_due_messages()  # the sweep (beat or relay_outbox --loop) once the broker is back

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert [d.recipient for d in _outbox] == [order.reporter_phone] * 3


@pytest.mark.django_db
@pytest.mark.usefixtures("broker_down")
def test_assign_with_the_broker_down_answers_fast_once_and_the_notices_wait(
    users, centre, api_client, _outbox, django_capture_on_commit_callbacks
):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    technician = users[Role.TECHNICIAN]
    client = api_client(users[Role.DISPATCHER])
    assert client.get(f"/api/v1/orders/{order.pk}").status_code == 200

    response, took = _post(
        client,
        f"/api/v1/orders/{order.pk}/assign",
        {"technician_id": technician.pk},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200, response.content
    assert took < ANSWER_WITHIN, took
    assert OrderEvent.objects.filter(order=order, type=EventType.ASSIGNED).count() == 1
    assert ServiceOrder.objects.get(pk=order.pk).technician == technician
    assert OutboxMessage.objects.exists()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}

    relay_due_messages()

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


@pytest.mark.django_db
@pytest.mark.usefixtures("broker_down")
def test_after_a_broker_failure_the_next_requests_do_not_try_it_again(
    users, centre, api_client, django_capture_on_commit_callbacks
):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])
    assert client.get(f"/api/v1/orders/{order.pk}").status_code == 200
    path = f"/api/v1/orders/{order.pk}/extend-due"
    _post(client, path, {"working_days": 1, "reason": "等待配件"}, django_capture_on_commit_callbacks)

    times = [
        _post(client, path, {"working_days": 1, "reason": f"再次 {n}"}, django_capture_on_commit_callbacks)[1]
        for n in range(3)
    ]

    assert max(times) < 1.0, times  # the pause: no connection attempt, no timeout waited
    assert OutboxMessage.objects.filter(status=MessageStatus.QUEUED).count() == 5  # received, then 4 extensions
