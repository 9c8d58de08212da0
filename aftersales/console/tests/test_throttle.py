"""aftersales.accounts.throttle: per-username and per-IP lockout after repeated failures."""

import time

import pytest
from django.test import RequestFactory

from aftersales.accounts.throttle import check_login_allowed, clear_login_failures, client_ip, record_login_failure
from aftersales.core.errors import DomainError, TooManyRequests


def fail(times: int, *, username: str = "alice", ip: str | None = "10.0.0.1") -> None:
    for _ in range(times):
        record_login_failure(username=username, ip=ip)


def test_check_login_allowed_below_limit(throttle_limits):
    fail(2)

    check_login_allowed(username="alice", ip="10.0.0.1")  # does not raise


def test_check_login_allowed_refuses_username_at_limit(throttle_limits):
    fail(3, ip="10.0.0.1")

    with pytest.raises(TooManyRequests) as excinfo:
        check_login_allowed(username="alice", ip="10.9.9.9")

    assert excinfo.value.code == "too_many_attempts"
    assert excinfo.value.status == 429
    assert excinfo.value.extra["retry_after"] == 600
    assert isinstance(excinfo.value, DomainError)


def test_check_login_allowed_username_is_case_insensitive(throttle_limits):
    fail(3, username="Alice")

    with pytest.raises(TooManyRequests):
        check_login_allowed(username=" alice ", ip=None)


def test_check_login_allowed_refuses_ip_at_limit_across_usernames(throttle_limits):
    for name in ("a", "b", "c"):
        fail(1, username=name, ip="10.0.0.7")

    with pytest.raises(TooManyRequests):
        check_login_allowed(username="d", ip="10.0.0.7")


def test_check_login_allowed_other_user_other_ip_unaffected(throttle_limits):
    fail(3, username="alice", ip="10.0.0.1")

    check_login_allowed(username="bob", ip="10.0.0.2")


def test_clear_login_failures_unlocks(throttle_limits):
    fail(3)

    clear_login_failures(username="alice", ip="10.0.0.1")

    check_login_allowed(username="alice", ip="10.0.0.1")


def test_lock_expires_after_lock_seconds(throttle_limits, monkeypatch, settings):
    # Time is moved by patching time.time(), which only the local-memory cache reads; Redis (the
    # PostgreSQL CI run's cache) keeps its own clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "expiry"}}
    fail(3)
    later = time.time() + 601

    # The local-memory cache compares stored expiry times with time.time().
    monkeypatch.setattr(time, "time", lambda: later)

    check_login_allowed(username="alice", ip="10.0.0.1")


def test_throttle_ignores_missing_username_and_ip(throttle_limits):
    fail(5, username="", ip=None)

    check_login_allowed(username="", ip=None)


def test_client_ip_ignores_forwarded_for_without_trusted_proxy(rf: RequestFactory):
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_ip(request) == "192.0.2.1"


def test_client_ip_uses_forwarded_for_behind_trusted_proxy(rf: RequestFactory, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "TRUSTED_PROXY_COUNT": 1}
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"
