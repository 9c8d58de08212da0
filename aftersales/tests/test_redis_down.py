"""Redis (the cache) down: people still sign in, orders are still created, sign-in throttling still
holds (per process), and /healthz says the cache is unreachable — each answer within 2 s.

Down two ways: the port refuses connections, and a server accepts and never answers."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from aftersales.accounts.choices import Role
from aftersales.core.tests.outages import closed_port, deadline, silent_server
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.models import ServiceOrder

PASSWORD = "pw-for-tests-1"  # UserFactory's
ANSWER_WITHIN = 2.0


def _redis_cache(port: int) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "aftersales.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": settings.CACHE_TIMEOUT, "socket_timeout": settings.CACHE_TIMEOUT},
            "KEY_PREFIX": "redis-down",
        }
    }


@pytest.fixture(params=["refuses", "never_answers"])
def redis_down(request: pytest.FixtureRequest, db: Any) -> Iterator[None]:
    Client().get("/login/")  # URLs, API and templates loaded: time the outage, not a cold process
    Client().post("/api/v1/auth/token", {}, content_type="application/json")
    if request.param == "refuses":
        with override_settings(CACHES=_redis_cache(closed_port())):
            yield
    else:
        with silent_server() as port, override_settings(CACHES=_redis_cache(port)):
            yield


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    with deadline(30):
        result = call()
    return result, time.monotonic() - started


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_api_sign_in_works_with_redis_down(users):
    client = Client()
    body = {"username": users[Role.AGENT].username, "password": PASSWORD}

    response, took = timed(lambda: client.post("/api/v1/auth/token", body, content_type="application/json"))

    assert response.status_code == 200, response.content
    assert response.json()["token"]
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_console_sign_in_works_with_redis_down(users):
    client = Client()
    body = {"username": users[Role.AGENT].username, "password": PASSWORD}

    response, took = timed(lambda: client.post("/login/", body))

    assert response.status_code == 302, response.content
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_sign_in_throttling_still_holds_with_redis_down(users):
    client = Client()
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]
    wrong = {"username": users[Role.AGENT].username, "password": "wrong"}

    answers, took = timed(
        lambda: [
            client.post("/api/v1/auth/token", wrong, content_type="application/json").status_code
            for _ in range(limit + 1)
        ]
    )

    assert answers == [401] * limit + [429]
    assert took < ANSWER_WITHIN * 2, took


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_create_order_works_with_redis_down(users, centre, api_client):
    customer = CustomerFactory(service_center=centre)
    client = api_client(users[Role.AGENT])
    body = {
        "kind": "repair",
        "customer_id": customer.pk,
        "reporter_name": "王五",
        "reporter_phone": "139 0000 1111",
        "description": "压缩机异响",
        "channel": "hotline",
    }

    response, took = timed(lambda: client.post("/api/v1/orders", body, content_type="application/json"))

    assert response.status_code == 201, response.content
    assert ServiceOrder.objects.count() == 1
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_healthz_says_the_cache_is_unreachable(client):
    response, took = timed(lambda: client.get("/healthz"))

    assert response.status_code == 200  # the app still serves: taking it out of rotation would be worse
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_after_one_timeout_the_process_stops_asking_redis_for_a_while():
    assert cache.get("k") is None  # meets the outage once

    _, took = timed(lambda: [cache.get("k") for _ in range(20)])

    assert took < 0.2, took
    cache.set("k", 1)
    assert cache.get("k") == 1  # kept in this process's memory meanwhile
