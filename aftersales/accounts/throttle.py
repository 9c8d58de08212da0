"""Sign-in throttling, shared by the login screen and the API token endpoint.

After ``AFTERSALES["LOGIN_MAX_ATTEMPTS"]`` failures for one username, or from one client IP, further
attempts are refused for ``AFTERSALES["LOGIN_LOCK_SECONDS"]``. Counters live in Django's cache, so
with several workers the cache must be shared (Redis via ``REDIS_URL``); the local-memory cache
only throttles per process.

Usage::

    check_login_allowed(username=username, ip=ip)  # raises TooManyRequests
    if authenticate(...) is None:
        record_login_failure(username=username, ip=ip)
    else:
        clear_login_failures(username=username, ip=ip)
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from aftersales.core.errors import TooManyRequests

_PREFIX = "aftersales:login-fail"


def _max_attempts() -> int:
    return int(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"])


def _lock_seconds() -> int:
    return int(settings.AFTERSALES["LOGIN_LOCK_SECONDS"])


def _keys(*, username: str | None, ip: str | None) -> list[str]:
    # Usernames are case-insensitive for the throttle and hashed so any input makes a valid cache key.
    keys = []
    name = (username or "").strip().lower()
    if name:
        keys.append(f"{_PREFIX}:user:{hashlib.sha256(name.encode()).hexdigest()}")
    if ip:
        keys.append(f"{_PREFIX}:ip:{ip}")
    return keys


def check_login_allowed(*, username: str | None, ip: str | None) -> None:
    """Refuse the attempt when the username or the IP has used up its failures.

    Raises ``TooManyRequests`` (code ``too_many_attempts``, HTTP 429) with ``retry_after`` in seconds.
    """
    keys = _keys(username=username, ip=ip)
    if not keys:
        return
    counts = cache.get_many(keys)
    if any(count >= _max_attempts() for count in counts.values()):
        seconds = _lock_seconds()
        minutes = max(1, math.ceil(seconds / 60))
        raise TooManyRequests(
            "too_many_attempts",
            ngettext(
                "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
                "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=seconds,
        )


def record_login_failure(*, username: str | None, ip: str | None) -> None:
    """Count one failed attempt against the username and the IP.

    The window starts at the first failure; the failure that reaches the limit restarts it, so a
    lock always lasts the full ``LOGIN_LOCK_SECONDS``.
    """
    lock = _lock_seconds()
    for key in _keys(username=username, ip=ip):
        cache.add(key, 0, timeout=lock)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=lock)
            count = 1
        if count >= _max_attempts():
            cache.touch(key, timeout=lock)


def clear_login_failures(*, username: str | None, ip: str | None) -> None:
    """Forget the failures after a successful sign-in.

    The IP counter is cleared too: staff on an intranet often share one NAT address, and a
    colleague's typos should not lock the whole office. Guessing other accounts from that IP
    still needs a valid password first, and each username keeps its own counter.
    """
    cache.delete_many(_keys(username=username, ip=ip))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for throttling.

    Behind a reverse proxy set ``AFTERSALES["TRUSTED_PROXY_COUNT"]`` to the number of proxies that
    append to ``X-Forwarded-For``; the address they saw is then taken from that header. Without it
    the header is ignored, since a client can write anything there.
    """
    proxies = int(settings.AFTERSALES.get("TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
