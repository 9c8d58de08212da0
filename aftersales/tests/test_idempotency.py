"""Idempotent creates: replay for the same request, 422 for another request, pruning after retention."""

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core import tasks
from aftersales.core.idempotency import prune_idempotency_keys, request_fingerprint
from aftersales.core.models import IdempotencyKey
from aftersales.customers.models import Customer

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
