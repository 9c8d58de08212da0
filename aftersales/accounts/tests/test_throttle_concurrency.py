"""Check and count are one step (issue 8 #6; ASVS 5.0 V6.3.1, V15.4.2): of 30 wrong passwords sent at
once for one account from one address, exactly ``LOGIN_MAX_ATTEMPTS`` are checked; the rest are refused
with 429 before their password is looked at.

Proved with threads on PostgreSQL (each thread its own connection; the cache is the run's Redis when
``REDIS_URL`` is set). No sleep: every password check waits until all 30 attempts have either reached
it or been refused, so a throttle that checked first and counted after would let all 30 through.
"""

import threading
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from aftersales.accounts import services
from aftersales.accounts.tests.factories import UserFactory
from aftersales.accounts.throttle import Attempt, reserve_attempt
from aftersales.core.errors import TooManyRequests
from aftersales.core.tests.threads import run_together

ATTEMPTS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel sign-ins are proved on PostgreSQL")
def test_thirty_parallel_wrong_passwords_only_the_limit_is_checked(monkeypatch, settings):
    user = UserFactory(username="target")
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]
    state = threading.Condition()
    progress = {"checking": 0, "done": 0}
    real_authenticate = ModelBackend.authenticate

    def authenticate_when_all_are_in(self: ModelBackend, request: Any, **credentials: Any) -> Any:
        with state:
            progress["checking"] += 1
            state.notify_all()
            state.wait_for(lambda: progress["checking"] + progress["done"] >= ATTEMPTS, timeout=30)
        return real_authenticate(self, request, **credentials)

    def done() -> None:
        with state:
            progress["done"] += 1
            state.notify_all()

    monkeypatch.setattr(ModelBackend, "authenticate", authenticate_when_all_are_in)

    results = run_together(
        *[lambda: services.issue_token(username=user.username, password="wrong", ip="10.0.0.1")] * ATTEMPTS,
        on_done=done,
    )

    codes = sorted(getattr(result, "code", repr(result)) for result in results)
    assert codes.count("invalid_credentials") == limit, codes
    assert codes.count("too_many_attempts") == ATTEMPTS - limit, codes
    assert progress["checking"] == limit


def test_thirty_parallel_reservations_let_exactly_the_limit_through(settings):
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]

    results = run_together(*[lambda: reserve_attempt(username="target", ip="10.0.0.1")] * ATTEMPTS)

    assert sum(isinstance(result, Attempt) for result in results) == limit
    assert sum(isinstance(result, TooManyRequests) for result in results) == ATTEMPTS - limit
