"""Redis (the cache) down: people still sign in, orders are still created, sign-in throttling still
holds (per process), and /healthz says the cache is unreachable — each answer within 2 s.

Down two ways: the port refuses connections, and a server accepts and never answers."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
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
def redis_down(request: pytest.FixtureRequest, db: Any) -> Iterator[Any]:
    """Yields a function that takes a block of code to run with Redis down. The caller runs the same
    request once before (a warm process, as in production: the time measured is the outage's)."""

    @contextmanager
    def outage() -> Iterator[None]:
        if request.param == "refuses":
            with override_settings(CACHES=_redis_cache(closed_port())):
                yield
        else:
            with silent_server() as port, override_settings(CACHES=_redis_cache(port)):
                yield

    return outage


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    with deadline(30):
        result = call()
    return result, time.monotonic() - started


def fastest_with_redis_down(outage: Any, call: Any, *, attempts: int = 3) -> tuple[list[Any], float]:
    """Each attempt meets a fresh outage (a new cache that has not paused yet); the machine may be
    busy, so the fastest attempt is the one that tells what the outage costs."""
    results, times = [], []
    for _ in range(attempts):
        with outage():
            result, took = timed(call)
        results.append(result)
        times.append(took)
    return results, min(times)


@pytest.mark.django_db
def test_api_sign_in_works_with_redis_down(users, redis_down):
    client = Client()
    body = {"username": users[Role.AGENT].username, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 200

    responses, took = fastest_with_redis_down(
        redis_down, lambda: client.post("/api/v1/auth/token", body, content_type="application/json")
    )

    assert [r.status_code for r in responses] == [200] * 3, responses[0].content
    assert all(r.json()["token"] for r in responses)
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
def test_console_sign_in_works_with_redis_down(users, redis_down):
    body = {"username": users[Role.AGENT].username, "password": PASSWORD}
    assert Client().post("/login/", body).status_code == 302

    responses, took = fastest_with_redis_down(redis_down, lambda: Client().post("/login/", body))

    assert [r.status_code for r in responses] == [302] * 3
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
def test_sign_in_throttling_still_holds_with_redis_down(users, redis_down):
    client = Client()
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]
    wrong = {"username": users[Role.AGENT].username, "password": "wrong"}
    other = {"username": users[Role.DISPATCHER].username, "password": "wrong"}
    client.post("/api/v1/auth/token", other, content_type="application/json")

    with redis_down():
        answers, took = timed(
            lambda: [
                client.post("/api/v1/auth/token", wrong, content_type="application/json").status_code
                for _ in range(limit + 1)
            ]
        )

    assert answers == [401] * limit + [429]
    assert took < ANSWER_WITHIN * 2, took


@pytest.mark.django_db
def test_create_order_works_with_redis_down(users, centre, api_client, redis_down):
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
    assert client.post("/api/v1/orders", body, content_type="application/json").status_code == 201

    responses, took = fastest_with_redis_down(
        redis_down, lambda: client.post("/api/v1/orders", body, content_type="application/json")
    )

    assert [r.status_code for r in responses] == [201] * 3, responses[0].content
    assert ServiceOrder.objects.count() == 4
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
def test_healthz_says_the_cache_is_unreachable(client, redis_down):
    assert client.get("/healthz").status_code == 200

    responses, took = fastest_with_redis_down(redis_down, lambda: client.get("/healthz"))

    assert [r.status_code for r in responses] == [200] * 3  # still serving: out of rotation would be worse
    assert responses[0].json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}
    assert took < ANSWER_WITHIN, took


@pytest.mark.django_db
def test_after_one_timeout_the_process_stops_asking_redis_for_a_while(redis_down):
    with redis_down():
        assert cache.get("k") is None  # meets the outage once

        _, took = timed(lambda: [cache.get("k") for _ in range(20)])

        assert took < 0.2, took
        cache.set("k", 1)
        assert cache.get("k") == 1  # kept in this process's memory meanwhile
