"""The embedded setup that ``make run`` serves: one machine, granian, SQLite, the outbox relay beside it.

It runs like production — the same application server (granian), DEBUG off, static files hashed,
compressed and served by WhiteNoise, the same security headers — with what a single machine on
localhost needs instead:

* plain HTTP on 127.0.0.1 / localhost: no HTTPS redirect, no ``Secure`` cookies, no HSTS;
* the demo users keep their demo password (``aftersales.settings.production`` refuses to start while
  one does, ``aftersales.E001``): this setup is for trying the product, never for a server others reach;
* a cache in files under ``.cache/`` unless ``REDIS_URL`` is set, so the granian workers share it (the
  SLA policies and the calendar are cached: a change made through one worker must reach the other);
* a secret key kept in ``.secret_key`` (created on first use) unless ``DJANGO_SECRET_KEY`` is set, so
  sessions survive a restart;
* no Celery worker (``make run`` starts the outbox relay loop instead), so tasks run inline unless
  ``CELERY_BROKER_URL`` names a broker: ``REDIS_URL`` is the cache only here, not the broker it is in
  production's settings.

See docs/deploy.md ("Trying it on one machine") and README.md.
"""

import os
import secrets

from aftersales.settings.base import *  # noqa: F403
from aftersales.settings.base import BASE_DIR, STORAGES, env_bool, env_list


def _local_secret_key() -> str:
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        # Exclusive create: two processes starting together (granian's workers) keep the first key.
        try:
            with open(path, "x", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50))
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip()


DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# No worker here: a task published to a broker would wait for ever (a large import). REDIS_URL alone
# must not become the broker, as it does in base.py for production's workers.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
if not os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / ".cache" / "django"),
        }
    }

# The demo password is accepted here; production.py refuses it (aftersales.E001).
AFTERSALES_REFUSE_DEMO_PASSWORD = False
