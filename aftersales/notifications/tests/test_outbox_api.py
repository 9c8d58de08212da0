"""``/api/v1/outbox``: the outbox for service managers and administrators, the same filters, counts,
masking and the two audited actions as the screen (the same selectors and services)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import AuditLog
from aftersales.notifications import services
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.models import OutboxMessage

PHONE = "+8613900001111"


def failed(key: str = "", *, gave_up: bool = True) -> OutboxMessage:
    message = services.enqueue_message(channel=MessageChannel.SMS, recipient=PHONE, body="改期通知", key=key)
    later = None if gave_up else timezone.now() + datetime.timedelta(minutes=5)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=6, last_error="HTTP 503", next_attempt_at=later
    )
    return message


def audited(message: OutboxMessage) -> list[str]:
    target_type = ContentType.objects.get_for_model(OutboxMessage)
    return list(AuditLog.objects.filter(target_type=target_type, target_id=message.pk).values_list("action", flat=True))


@pytest.fixture
def manager():
    """Who runs the outbox and sees every centre: a general manager (a centre's service manager does not)."""
    return UserFactory(role=Role.GENERAL_MANAGER, service_center=None)


@pytest.mark.django_db
def test_outbox_list_filters_counts_and_masks_for_a_manager(manager, api_client):
    gave_up = failed("order-7-event-1-reporter-sms")
    failed("order-8-event-1-reporter-sms", gave_up=False)
    services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(manager.pk), body="n", key="n-1")

    body = api_client(manager).get("/api/v1/outbox?status=gave_up").json()

    [item] = body["items"]
    assert item["id"] == gave_up.pk
    assert item["recipient"] != PHONE and item["recipient"].endswith("11")
    assert (item["gave_up"], item["stuck"], item["about"], item["about_url"]) == (
        True,
        False,
        "服务工单 #7",
        "/orders/7/",
    )
    assert (body["counts"]["failed"], body["counts"]["gave_up"], body["counts"]["queued"]) == (2, 1, 0)


@pytest.mark.django_db
def test_outbox_list_shows_numbers_whole_to_an_admin(api_client):
    failed()

    body = api_client(UserFactory(role=Role.ADMIN)).get("/api/v1/outbox").json()

    assert body["items"][0]["recipient"] == PHONE


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["status=lost", "channel=fax", "created_from=yesterday", "created_to=9999-12-31"])
def test_outbox_list_refuses_a_bad_filter_with_invalid_filter(manager, api_client, query):
    response = api_client(manager).get(f"/api/v1/outbox?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
    assert response.json()["field"] == query.split("=")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.MANAGER])
def test_outbox_api_refuses_a_technician_and_a_centres_manager_and_answers_404_for_an_unknown_message(
    manager, api_client, role
):
    """A centre's service manager too: the outbox's rows name no centre (notifications/permissions.py)."""
    message = failed()
    other = api_client(UserFactory(role=role))

    assert other.get("/api/v1/outbox").status_code == 403
    assert other.get(f"/api/v1/outbox/{message.pk}").status_code == 403
    assert other.post(f"/api/v1/outbox/{message.pk}/requeue", {}, content_type="application/json").status_code == 403
    assert api_client(manager).get(f"/api/v1/outbox/{message.pk + 100}").status_code == 404
    assert audited(message) == []


@pytest.mark.django_db
def test_outbox_api_requeue_and_cancel_are_audited_and_refused_in_the_wrong_status(manager, api_client):
    message = failed()
    client = api_client(manager)

    requeued = client.post(
        f"/api/v1/outbox/{message.pk}/requeue", {"reason": "已核实"}, content_type="application/json"
    )
    again = client.post(f"/api/v1/outbox/{message.pk}/requeue", {}, content_type="application/json")
    no_reason = client.post(f"/api/v1/outbox/{message.pk}/cancel", {"reason": ""}, content_type="application/json")
    cancelled = client.post(f"/api/v1/outbox/{message.pk}/cancel", {"reason": "错号"}, content_type="application/json")

    assert (requeued.status_code, requeued.json()["status"]) == (200, "queued")
    assert (again.status_code, again.json()["code"]) == (409, "not_requeueable")
    assert (no_reason.status_code, no_reason.json()["field"]) == (400, "reason")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "错号")
    assert audited(message) == ["outbox.requeued", "outbox.cancelled"]


@pytest.mark.django_db
def test_outbox_api_list_runs_constant_queries(manager, api_client):
    client = api_client(manager)
    for i in range(2):
        failed(f"few-{i}")
        services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(manager.pk), body="n", key=f"n-{i}")
    client.get("/api/v1/outbox?notices=true&limit=100")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/outbox?notices=true&limit=100")
    for i in range(10):
        failed(f"many-{i}")
        services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(UserFactory().pk), body="n", key=f"m-{i}")
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/outbox?notices=true&limit=100").json()

    assert len(body["items"]) == 24
    assert len(many.captured_queries) == len(few.captured_queries)
