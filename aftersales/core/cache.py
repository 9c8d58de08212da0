"""Cache backends.

``ResilientRedisCache`` is Django's Redis cache that survives Redis being down. Every call has a short
connect and read timeout (``AFTERSALES_CACHE_TIMEOUT``, no retry), so a Redis that refuses or never
answers costs a request at most that long once; after a failure the process stops trying Redis for
``PAUSE_SECONDS`` and serves every call from its own memory (a ``LocMemCache``), logging a warning
(``aftersales.cache``). The cache then behaves as in the single-server default:

- cached lookups (SLA policies, coverage rules) are read from the database and kept per process;
- sign-in throttling keeps working, per process: an attacker gets at most
  ``LOGIN_MAX_ATTEMPTS`` per app-server process per lock window, instead of either nobody being able
  to sign in (fail closed) or no limit at all (fail open);
- entries written during the outage are not in Redis when it is back (the process returns to Redis
  after the pause, where the entries from before the outage are, until they expire).

``PrefixedRedisCache`` adds a ``clear()`` that removes only the keys under its own ``KEY_PREFIX``.
Django's ``RedisCache.clear()`` runs ``FLUSHDB``: with several processes sharing one Redis database
(parallel test workers, or the Celery broker next to the cache) one process's ``clear()`` would wipe
everybody's keys, e.g. another test's sign-in failure counters half-way through that test.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger("aftersales.cache")

_DELETE_BATCH = 500
DEFAULT_SOCKET_TIMEOUT = 0.3
PAUSE_SECONDS = 30.0

T = TypeVar("T")


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and its constructor fills a table of
    ~170 response callbacks: ~0.1 ms of CPU per call, three times per order intake. A ``redis.Redis``
    holds no connection of its own (it borrows one from the pool per command) and is thread-safe,
    so one per pool serves every call of the process.
    """

    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("retry", Retry(NoBackoff(), 0))  # redis-py retries 3 times with back-off by default
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient
        # Django makes a cache object per thread; the threads of a process share one fallback store
        # (LocMemCache shares its store by name), so throttle counters add up across them.
        self.fallback = LocMemCache(f"aftersales-fallback:{server}", {**params, "OPTIONS": {}})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def redis_paused(self) -> bool:
        return time.monotonic() < self._down_until

    def _guarded(self, on_redis: Callable[[], T], on_fallback: Callable[[], T]) -> T:
        if self.redis_paused():
            return on_fallback()
        try:
            return on_redis()
        except RedisError as exc:  # ConnectionError, TimeoutError, a server error
            with self._lock:
                self._down_until = time.monotonic() + PAUSE_SECONDS
            logger.warning(
                "redis cache unreachable (%s: %s); using this process's memory for %d s",
                type(exc).__name__,
                exc,
                PAUSE_SECONDS,
            )
            return on_fallback()

    def ping(self) -> bool:
        """Whether Redis answers now (tried even while paused; bounded by the socket timeouts)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError:
            return False

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self.fallback.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self.fallback.get(key, default, version),
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self.fallback.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self.fallback.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self.fallback.delete(key, version),
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self.fallback.get_many(keys, version),
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self.fallback.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self.fallback.incr(key, delta, version),
        )

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self.fallback.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guarded(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self.fallback.delete_many(keys, version),
        )

    def clear(self) -> None:
        self.fallback.clear()
        self._guarded(self._clear_redis, lambda: None)

    def _clear_redis(self) -> None:
        super().clear()


class PrefixedRedisCache(ResilientRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        if not self.key_prefix:
            raise ValueError("PrefixedRedisCache needs a KEY_PREFIX: without one clear() would empty the database")

    def _clear_redis(self) -> None:
        client = self._cache.get_client(write=True)
        batch: list[Any] = []
        for key in client.scan_iter(match=f"{_glob_escape(self.key_prefix)}:*", count=_DELETE_BATCH):
            batch.append(key)
            if len(batch) >= _DELETE_BATCH:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
