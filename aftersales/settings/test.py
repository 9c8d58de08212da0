"""Test settings: fast hashing, in-memory mail and notifications, a throwaway media directory.

Parallel runs (pytest-xdist, ``make pytest-unit``): pytest-django gives each worker its own test database
(``test_<name>_gw0``...); the cache gets a key prefix per worker here, and with Redis a backend whose
``clear()`` removes only that worker's keys, so workers sharing one ``REDIS_URL`` never see or wipe each
other's entries (sign-in throttle counters, idempotency records).
"""

import os
import tempfile
from pathlib import Path

from aftersales.settings.base import *  # noqa: F403
from aftersales.settings.base import AFTERSALES, CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AFTERSALES = {
    **AFTERSALES,
    "NOTIFICATION_BACKENDS": {
        "in_app": "aftersales.notifications.channels.InAppBackend",
        **{
            channel: "aftersales.notifications.channels.MemoryBackend"
            for channel in ("sms", "email", "wecom", "dingtalk")
        },
    },
    # Tests run at any hour and relay what they queue: the quiet hours' own tests set them.
    "SMS_QUIET_HOURS": "",
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aftersales-test-media-"))
CELERY_TASK_ALWAYS_EAGER = True

# "gw0", "gw1"... under xdist; "main" for a serial run.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"aftersales-test-{TEST_WORKER}"}}
if CACHES["default"]["BACKEND"] == "aftersales.core.cache.ResilientRedisCache":
    CACHES["default"]["BACKEND"] = "aftersales.core.cache.PrefixedRedisCache"

# A pretend area app that registers an entry in every registry (aftersales/tests/area): it proves a
# new app plugs in without editing console, accounts or exchange. Its predicates say no unless
# AREA_ENABLED (its tests turn it on), so no other test sees it.
INSTALLED_APPS = [*INSTALLED_APPS, "aftersales.tests.area"]  # noqa: F405
AREA_ENABLED = False
