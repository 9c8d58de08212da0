"""Cache backends.

``PrefixedRedisCache`` is Django's Redis cache whose ``clear()`` removes only the keys under its own
``KEY_PREFIX``. Django's ``RedisCache.clear()`` runs ``FLUSHDB``: with several processes sharing one Redis
database (parallel test workers, or the Celery broker next to the cache) one process's ``clear()`` would
wipe everybody's keys, e.g. another test's sign-in failure counters half-way through that test.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache

_DELETE_BATCH = 500


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


class PrefixedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        if not self.key_prefix:
            raise ValueError("PrefixedRedisCache needs a KEY_PREFIX: without one clear() would empty the database")

    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        batch: list[Any] = []
        for key in client.scan_iter(match=f"{_glob_escape(self.key_prefix)}:*", count=_DELETE_BATCH):
            batch.append(key)
            if len(batch) >= _DELETE_BATCH:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True
