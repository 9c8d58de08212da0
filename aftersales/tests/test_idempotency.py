"""Idempotent creates: replay for the same request, 422 for another request, pruning after retention."""

import datetime
import json
from io import BytesIO, StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.core import tasks
from aftersales.core.idempotency import prune_idempotency_keys, request_fingerprint
from aftersales.core.models import IdempotencyKey
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.service.choices import EventType
from aftersales.service.models import Attachment, OrderEvent, ServiceOrder
from aftersales.service.tests.factories import make_order

JSON = "application/json"


@pytest.fixture
def agent(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.AGENT])


def post_customer(client: Any, key: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/customers", data, content_type=JSON, headers={"Idempotency-Key": key})


@pytest.mark.django_db
def test_same_key_with_another_body_answers_422_and_creates_nothing(agent):
    first = post_customer(agent, "k-1", {"name": "甲公司"})
    stored = IdempotencyKey.objects.get(key="k-1")

    second = post_customer(agent, "k-1", {"name": "乙公司"})

    assert first.status_code == 201
    assert second.status_code == 422
    assert second.json()["code"] == "idempotency_key_reused"
    assert list(Customer.objects.values_list("name", flat=True)) == ["甲公司"]
    assert IdempotencyKey.objects.get(key="k-1").body == stored.body


@pytest.mark.django_db
def test_same_key_with_the_same_json_in_another_order_and_spacing_replays(agent):
    first = post_customer(agent, "k-2", {"name": "甲公司", "notes": "VIP"})

    second = post_customer(agent, "k-2", '{ "notes" : "VIP",   "name": "甲公司" }')

    assert second.status_code == 201
    assert second.json() == first.json()
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_same_key_on_another_path_answers_422(agent, users):
    post_customer(agent, "k-3", {"name": "甲公司"})

    response = agent.post(
        "/api/v1/product-models",
        {"code": "X1", "name": "x", "category": "c"},
        content_type=JSON,
        headers={"Idempotency-Key": "k-3"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_same_key_of_another_user_is_independent(agent, users, api_client):
    post_customer(agent, "k-4", {"name": "甲公司"})

    response = post_customer(api_client(users[Role.MANAGER]), "k-4", {"name": "乙公司"})

    assert response.status_code == 201
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_key_past_its_retention_is_new_again(agent):
    post_customer(agent, "k-5", {"name": "甲公司"})
    hours = settings.AFTERSALES["IDEMPOTENCY_KEEP_HOURS"]
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=hours, seconds=1))

    response = post_customer(agent, "k-5", {"name": "乙公司"})

    assert response.status_code == 201
    assert Customer.objects.count() == 2
    assert IdempotencyKey.objects.get(key="k-5").body["name"] == "乙公司"


@pytest.mark.django_db
def test_prune_deletes_only_records_past_retention(agent):
    post_customer(agent, "old", {"name": "甲公司"})
    post_customer(agent, "fresh", {"name": "乙公司"})
    hours = settings.AFTERSALES["IDEMPOTENCY_KEEP_HOURS"]
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=hours + 1))

    deleted = prune_idempotency_keys()

    assert deleted == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.django_db
def test_prune_idempotency_command_reports_what_it_deleted(agent):
    post_customer(agent, "old", {"name": "甲公司"})
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    out = StringIO()

    call_command("prune_idempotency", stdout=out)

    assert "Deleted 1 " in out.getvalue()
    assert not IdempotencyKey.objects.exists()


def test_beat_schedules_the_prune_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-idempotency-keys"]

    assert tasks.prune_idempotency.name == entry["task"]
    assert entry["schedule"].hour == {3}


def test_fingerprint_of_uploads_follows_the_bytes_not_the_boundary():
    factory = RequestFactory()

    def upload(content: bytes) -> str:
        request = factory.post("/api/v1/imports/units", {"file": SimpleUploadedFile("u.csv", content)})
        return request_fingerprint(request)

    assert upload(b"serial\nSN-1\n") == upload(b"serial\nSN-1\n")
    assert upload(b"serial\nSN-1\n") != upload(b"serial\nSN-2\n")


# ---- changes whose retry would repeat their effect: extend-due and assign ----------------------------
def post_order_change(client: Any, path: str, key: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type=JSON, headers={"Idempotency-Key": key})


@pytest.mark.django_db
def test_extend_due_retried_with_the_same_key_extends_once_and_answers_the_first_answer(users, centre, api_client):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])
    path = f"/api/v1/orders/{order.pk}/extend-due"
    body = {"working_days": 3, "reason": "等待厂家配件"}

    first = post_order_change(client, path, "ext-1", body)
    after_first = ServiceOrder.objects.get(pk=order.pk)
    second = post_order_change(client, path, "ext-1", body)

    assert first.status_code == 200, first.content
    assert after_first.due_at > order.due_at
    assert second.status_code == 200
    assert second.json() == first.json()  # the same answer (jsonb on PostgreSQL keeps no key order)
    assert ServiceOrder.objects.get(pk=order.pk).due_at == after_first.due_at
    assert ServiceOrder.objects.get(pk=order.pk).version == after_first.version
    assert OrderEvent.objects.filter(order=order, type=EventType.DUE_EXTENDED).count() == 1
    assert OutboxMessage.objects.filter(key__startswith=f"order-{order.pk}-event-").count() == 1  # one SMS


@pytest.mark.django_db
def test_extend_due_with_the_same_key_and_another_body_answers_422_and_writes_nothing(users, centre, api_client):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])
    path = f"/api/v1/orders/{order.pk}/extend-due"
    post_order_change(client, path, "ext-2", {"working_days": 3, "reason": "等待厂家配件"})
    after_first = ServiceOrder.objects.get(pk=order.pk)

    response = post_order_change(client, path, "ext-2", {"working_days": 5, "reason": "等待厂家配件"})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert ServiceOrder.objects.get(pk=order.pk).due_at == after_first.due_at
    assert OrderEvent.objects.filter(order=order, type=EventType.DUE_EXTENDED).count() == 1


@pytest.mark.django_db
def test_extend_due_with_a_stale_version_answers_409_and_writes_nothing(users, centre, api_client):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])
    path = f"/api/v1/orders/{order.pk}/extend-due"

    response = client.post(
        path, {"working_days": 3, "reason": "等待厂家配件", "version": order.version + 1}, content_type=JSON
    )

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["current_version"]) == ("stale_version", order.version)
    assert ServiceOrder.objects.get(pk=order.pk).due_at == order.due_at


@pytest.mark.django_db
def test_assign_retried_with_the_same_key_assigns_once_and_answers_the_first_answer(users, centre, api_client):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.DISPATCHER])
    path = f"/api/v1/orders/{order.pk}/assign"
    body = {"technician_id": users[Role.TECHNICIAN].pk, "version": order.version}

    first = post_order_change(client, path, "asg-1", body)
    second = post_order_change(client, path, "asg-1", body)
    reused = post_order_change(client, path, "asg-1", {**body, "reason": "换人"})

    assert first.status_code == 200, first.content
    assert (second.status_code, second.json()) == (200, first.json())
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert OrderEvent.objects.filter(order=order, type=EventType.ASSIGNED).count() == 1
    assert ServiceOrder.objects.get(pk=order.pk).version == first.json()["version"]


@pytest.mark.django_db
def test_a_photo_upload_retried_with_the_same_key_adds_one_photo(users, centre, api_client):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    client = api_client(users[Role.AGENT])
    path = f"/api/v1/orders/{order.pk}/photos"

    def upload(key: str, colour: str) -> Any:
        buffer = BytesIO()
        Image.new("RGB", (40, 20), colour).save(buffer, format="PNG")
        return client.post(
            path, {"file": SimpleUploadedFile("p.png", buffer.getvalue())}, headers={"Idempotency-Key": key}
        )

    first = upload("ph-1", "white")
    second = upload("ph-1", "white")
    other = upload("ph-1", "black")

    assert first.status_code == 201, first.content
    assert (second.status_code, second.json()) == (201, first.json())
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert Attachment.objects.filter(order=order).count() == 1
