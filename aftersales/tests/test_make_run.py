"""`make run` is the embedded setup: granian (production's server), DEBUG off, WhiteNoise, the demo users;
`make dev` is Django's auto-reloading runserver with DEBUG on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
from django.conf import settings
django.setup()
from aftersales.core.checks import check_demo_passwords
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "middleware": settings.MIDDLEWARE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "refuse_demo": getattr(settings, "AFTERSALES_REFUSE_DEMO_PASSWORD", False),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "demo_check": [m.id for m in check_demo_passwords()],
}))
"""


def _settings(module: str, **env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL", "PYTEST_", "CELERY_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=module, DJANGO_SECRET_KEY="x" * 60, DATABASE_URL="sqlite://:memory:", **env
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_settings_run_like_production_on_localhost_with_the_demo_users() -> None:
    embedded = _settings("aftersales.settings.embedded")

    assert embedded["debug"] is False
    assert embedded["hosts"] == ["127.0.0.1", "localhost"]
    assert embedded["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in embedded["middleware"]
    # Plain HTTP on localhost, and the demo password is accepted.
    assert embedded["ssl_redirect"] is False
    assert embedded["refuse_demo"] is False
    # Two granian workers share the cache (cached SLA policies and calendar are forgotten in both).
    assert embedded["cache"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_embedded_settings_use_redis_when_given() -> None:
    embedded = _settings("aftersales.settings.embedded", REDIS_URL="redis://127.0.0.1:6379/9")

    # The same Redis cache as production: one that degrades to process memory when Redis is down.
    assert embedded["cache"] == "aftersales.core.cache.ResilientRedisCache"


def test_embedded_settings_run_tasks_inline_even_with_redis() -> None:
    """`make run` starts no Celery worker (the relay loop instead): REDIS_URL there is the cache only. Found
    by the docs audit, 2026-12-07: with REDIS_URL set the broker fell back to it, a large import was
    published to Redis and waited for a worker that never came."""
    embedded = _settings("aftersales.settings.embedded", REDIS_URL="redis://127.0.0.1:6379/9")
    production = _settings("aftersales.settings.production", REDIS_URL="redis://127.0.0.1:6379/9")

    assert (embedded["broker"], embedded["eager"]) == ("memory://", True)
    # Production's workers take the broker from REDIS_URL when CELERY_BROKER_URL is unset (deploy.md).
    assert (production["broker"], production["eager"]) == ("redis://127.0.0.1:6379/9", False)


def test_embedded_settings_use_a_broker_only_when_one_is_named() -> None:
    embedded = _settings("aftersales.settings.embedded", CELERY_BROKER_URL="redis://127.0.0.1:6379/8")

    assert (embedded["broker"], embedded["eager"]) == ("redis://127.0.0.1:6379/8", False)


def test_production_settings_still_refuse_the_demo_password() -> None:
    production = _settings("aftersales.settings.production", DJANGO_ALLOWED_HOSTS="example.com")

    assert production["refuse_demo"] is True
    assert production["debug"] is False


def _make_dry_run(target: str) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    # --dry-run prints the recipes without running them.
    out = subprocess.run(  # noqa: S603
        [make, "--dry-run", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout


def test_make_run_serves_through_granian_with_the_embedded_settings() -> None:
    recipe = _make_dry_run("run")

    server = next(line for line in recipe.splitlines() if "granian" in line)
    assert "DJANGO_SETTINGS_MODULE=aftersales.settings.embedded" in server
    assert "--interface wsgi aftersales.wsgi:application" in server
    assert "relay_outbox --loop" in recipe
    assert "collectstatic" in recipe
    assert "runserver" not in recipe
    assert "DJANGO_DEBUG" not in recipe


def test_make_dev_keeps_the_auto_reloading_runserver_with_debug_on() -> None:
    recipe = _make_dry_run("dev")

    assert "DJANGO_DEBUG=1" in recipe
    assert "runserver" in recipe
    assert "relay_outbox --loop" in recipe
    assert "granian" not in recipe


def test_make_dev_runs_tasks_inline_unless_a_broker_is_named() -> None:
    """`make dev` starts no Celery worker either: with REDIS_URL alone, base.py would take it for the broker
    and a large import would wait there for ever (found after the docs audit, 2026-12-07)."""
    recipe = _make_dry_run("dev")

    for needle in ("runserver", "relay_outbox --loop"):
        line = next(line for line in recipe.splitlines() if needle in line)
        assert "CELERY_BROKER_URL=${CELERY_BROKER_URL:-memory://}" in line, line
    base = _settings("aftersales.settings.base", REDIS_URL="redis://127.0.0.1:6379/9", CELERY_BROKER_URL="memory://")
    assert (base["broker"], base["eager"]) == ("memory://", True)
