import time
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def throttle_limits(settings):
    """Small limits: 3 per (account, address), 6 per address and per account; delays of 60 s doubling
    up to 600 s."""
    settings.AFTERSALES = {
        **settings.AFTERSALES,
        "LOGIN_MAX_ATTEMPTS": 3,
        "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": 6,
        "LOGIN_MAX_ATTEMPTS_PER_ACCOUNT": 6,
        "LOGIN_BACKOFF_SECONDS": 60,
        "LOGIN_LOCK_SECONDS": 600,
    }
    return settings.AFTERSALES


@pytest.fixture
def clock(settings, monkeypatch) -> Iterator[Callable[[float], None]]:
    """Move time forward without sleeping: ``clock(61)``. The cache is the local-memory one here,
    which compares its expiry times with ``time.time()`` (Redis keeps its own clock)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "clock"}}
    cache.clear()  # one local-memory store per LOCATION: another test's counters may be in it
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += seconds

    yield advance
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username: str = "agent1", role: str = Role.AGENT, **extra) -> User:
        return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)

    return make
