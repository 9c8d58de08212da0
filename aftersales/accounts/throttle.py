"""Sign-in throttling, shared by the login screen, the Django admin's login and the API token endpoint.

The design (docs/security.md "Sign-in", ASVS 5.0 V6.1.1, V6.3.1): failures are counted per
**(account, address)**, per **address** and per **account**, and past a limit each counter imposes
an exponential **back-off** (1 min, 2, 4, 8, then 15 min between attempts) instead of a hard lock:

- ``LOGIN_MAX_ATTEMPTS`` (5) free failures for one account from one address (an IPv6 address counts
  by its /64); then one attempt per back-off delay. This is what stops guessing a password.
- ``LOGIN_MAX_ATTEMPTS_PER_ADDRESS`` (100) failures from one address over every account (password
  spraying, made-up names); an office behind one NAT address does not reach it by typing errors.
- ``LOGIN_MAX_ATTEMPTS_PER_ACCOUNT`` (100) failures on one account from every address (a guesser
  spreading over many addresses; NIST SP 800-63B §5.2.2 asks for at most 100).

An account that signed in from an address in the last ``LOGIN_KNOWN_ADDRESS_DAYS`` (30) days is
*known* there: attempts on it from that address skip the per-address and per-account limits, so an
attacker who exhausts them (from elsewhere, or with made-up names behind the office's NAT) never
locks out the real user at their usual address. Only the (account, address) limit applies to them.

A counter is forgotten ``LOGIN_FAILURE_WINDOW_SECONDS`` (1 h) after its last failure; a success
clears the (account, address) counter and gives back the attempt's count on the others.

**Check and count are one step** (issue 8 #6): an attempt first *reserves* its place with the cache's
atomic increment (Redis ``INCR``), and past a limit it must also take the back-off gate with an atomic
``add`` (Redis ``SET NX`` with the delay as its expiry). Of 30 parallel wrong passwords exactly
``LOGIN_MAX_ATTEMPTS`` get to check a password; the others are refused without checking it. A
refused attempt gives its reservation back, so waiting out a delay is never made longer by retries.

Counters live in Django's cache: with several app servers it must be shared (Redis via ``REDIS_URL``).

Usage::

    user = authenticate_throttled(request, username=..., password=..., ip=client_ip(request))
    # raises TooManyRequests (429, retry_after) or returns the user or None
"""

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from aftersales.core.errors import TooManyRequests

_PREFIX = "aftersales:signin"


def _setting(name: str, default: int) -> int:
    return int(settings.AFTERSALES.get(name, default))


def _window() -> int:
    return _setting("LOGIN_FAILURE_WINDOW_SECONDS", 3600)


def backoff_seconds(failures: int, *, limit: int) -> int:
    """The delay imposed after ``failures`` failures on a counter whose limit is ``limit``: the base
    delay at the limit, doubled for each failure past it, never more than ``LOGIN_LOCK_SECONDS``."""
    base = _setting("LOGIN_BACKOFF_SECONDS", 60)
    longest = _setting("LOGIN_LOCK_SECONDS", 900)
    return int(min(longest, base * 2 ** min(max(failures - limit, 0), 20)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _account(username: str | None) -> str:
    # Usernames are case-insensitive for the throttle and hashed so any input makes a valid cache key.
    return _digest((username or "").strip().lower())


def _address(ip: str | None) -> str:
    """An IPv4 address as is; an IPv6 address by its /64 (one customer's network hands out any number
    of addresses inside it)."""
    text = (ip or "unknown").strip()
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return _digest(text)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int

    @property
    def gate(self) -> str:
        return f"{self.key}:gate"


def _counters(*, account: str, address: str, known: bool) -> list[_Counter]:
    counters = [_Counter(f"{_PREFIX}:pair:{account}:{address}", _setting("LOGIN_MAX_ATTEMPTS", 5))]
    if not known:
        counters.append(_Counter(f"{_PREFIX}:addr:{address}", _setting("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 100)))
        counters.append(_Counter(f"{_PREFIX}:acct:{account}", _setting("LOGIN_MAX_ATTEMPTS_PER_ACCOUNT", 100)))
    return counters


def _known_key(account: str, address: str) -> str:
    return f"{_PREFIX}:known:{account}:{address}"


def _increment(key: str) -> int:
    """Atomically count one more on ``key`` (created when missing), and restart its window."""
    window = _window()
    for _attempt in range(3):
        cache.add(key, 0, timeout=window)
        try:
            count = int(cache.incr(key))
        except ValueError:  # expired between add() and incr()
            continue
        cache.touch(key, timeout=window)
        return count
    cache.set(key, 1, timeout=window)
    return 1


def _give_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # expired meanwhile: nothing to give back
        pass


def _refusal(seconds: int) -> TooManyRequests:
    seconds = max(1, seconds)
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyRequests(
        "too_many_attempts",
        ngettext(
            "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
            "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
            minutes,
        )
        % {"minutes": minutes},
        retry_after=seconds,
    )


@dataclass
class Attempt:
    """A sign-in attempt that holds its place in the counters (counted as a failure unless it
    ``succeeded()``)."""

    account: str
    address: str
    reserved: list[_Counter] = field(default_factory=list)

    def succeeded(self) -> None:
        """The password was right: the (account, address) counter starts again, the attempt is given
        back on the others, and the address becomes known for the account."""
        pair, *others = self.reserved
        cache.delete_many([pair.key, pair.gate])
        for counter in others:
            _give_back(counter.key)
        days = _setting("LOGIN_KNOWN_ADDRESS_DAYS", 30)
        if days > 0:
            cache.set(_known_key(self.account, self.address), 1, timeout=days * 86400)


def reserve_attempt(*, username: str | None, ip: str | None) -> Attempt:
    """Count this attempt before its password is checked; refuse it while a back-off is running.

    Raises ``TooManyRequests`` (code ``too_many_attempts``, HTTP 429) with ``retry_after`` in seconds,
    having counted nothing.
    """
    account, address = _account(username), _address(ip)
    known = bool(cache.get(_known_key(account, address)))
    attempt = Attempt(account=account, address=address)
    gates: list[str] = []
    for counter in _counters(account=account, address=address, known=known):
        count = _increment(counter.key)
        attempt.reserved.append(counter)
        if count < counter.limit:
            continue
        # At or past the limit: only the one attempt that takes the gate goes on; the gate's
        # expiry is the delay before the next one. The gate's value says when it opens again.
        delay = backoff_seconds(count, limit=counter.limit)
        if cache.add(counter.gate, time.time() + delay, timeout=delay):
            gates.append(counter.gate)
            continue
        opens_at = cache.get(counter.gate)
        for reserved in attempt.reserved:
            _give_back(reserved.key)
        cache.delete_many(gates)
        raise _refusal(math.ceil(opens_at - time.time()) if opens_at else 1)
    return attempt


def authenticate_throttled(
    request: HttpRequest | None,
    *,
    username: str,
    password: str,
    ip: str | None,
    accept: Callable[[Any], bool] = lambda user: True,
) -> Any:
    """Django's ``authenticate`` behind the throttle: the user, or ``None`` for a wrong password.

    ``accept(user)`` says whether a user whose password was right may sign in here (an API token is
    never given to a system actor); a refused one counts as a failure.
    """
    attempt = reserve_attempt(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None or not accept(user):
        return None  # the reservation already counted the failure
    attempt.succeeded()
    return user


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
