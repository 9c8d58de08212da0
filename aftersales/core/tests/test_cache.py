"""The test cache is private to each xdist worker; PrefixedRedisCache.clear() leaves other prefixes alone."""

import os

import pytest
from django.conf import settings

from aftersales.core.cache import PrefixedRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")


def test_test_cache_key_prefix_names_the_worker():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

    assert settings.CACHES["default"]["KEY_PREFIX"] == f"aftersales-test-{worker}"


def test_prefixed_redis_cache_refuses_an_empty_prefix():
    with pytest.raises(ValueError, match="KEY_PREFIX"):
        PrefixedRedisCache("redis://127.0.0.1:1/0", {})


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_prefixed_redis_cache_clear_removes_only_its_own_keys():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # Unescaped, this prefix's pattern "...-m*e:*" would also match "theirs"' keys "...-mine:1:k0".
    mine = PrefixedRedisCache(REDIS_URL, {"KEY_PREFIX": f"cache-test-{worker}-m*e"})
    theirs = PrefixedRedisCache(REDIS_URL, {"KEY_PREFIX": f"cache-test-{worker}-mine"})
    other = PrefixedRedisCache(REDIS_URL, {"KEY_PREFIX": f"cache-test-{worker}-other"})
    try:
        for cache in (mine, theirs, other):
            cache.set_many({f"k{i}": i for i in range(600)})  # more than one delete batch

        mine.clear()

        assert mine.get_many(["k0", "k599"]) == {}
        assert theirs.get("k599") == 599
        assert other.get("k0") == 0
    finally:
        theirs.clear()
        other.clear()
