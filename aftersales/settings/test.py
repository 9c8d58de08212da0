"""Test settings: fast hashing, in-memory mail and notifications, a throwaway media directory."""

import tempfile
from pathlib import Path

from aftersales.settings.base import *  # noqa: F403
from aftersales.settings.base import AFTERSALES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AFTERSALES = {**AFTERSALES, "NOTIFIER": "aftersales.core.notify.MemoryNotifier"}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aftersales-test-media-"))
CELERY_TASK_ALWAYS_EAGER = True
