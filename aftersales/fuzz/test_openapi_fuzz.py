"""Fuzzing every operation of docs/openapi.json with schemathesis: no input may answer 5xx, and every
error answer has the one error shape (docs/errors.md).

Run by ``make fuzz`` (``AFTERSALES_FUZZ=1``; ``make pytest-unit`` leaves this folder out). The app is called
in process (WSGI: the whole middleware stack, as in production), as the demo's administrator with a bearer
token, against the demo data, so small ids in paths find real records. Hypothesis generates valid and
invalid input for each operation (schemathesis' default "all" mode) on a fixed seed (``derandomize``), so a
run is repeatable: ``FUZZ_MAX_EXAMPLES`` (default 100) examples per operation. ``FUZZ_SEED=N`` draws another
repeatable set (``.ci/run`` fuzzes SQLite on the fixed seed and PostgreSQL on seed 1, 30 examples each:
the generated examples differ between the two runs; schemathesis' explicit and coverage examples do not).
"""

import io
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from aftersales.accounts.models import ApiToken, User
from aftersales.core.testing import shared_test_data

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "100"))
SEED = os.environ.get("FUZZ_SEED", "")

schema = schemathesis.openapi.from_path(SCHEMA_PATH)
schema.app = WSGIHandler()

TOKEN: dict[str, str] = {}


def _build() -> None:
    call_command("load_demo", stdout=io.StringIO())


def _token() -> str:
    """The administrator's bearer token, made again when a fuzzed ``DELETE /auth/tokens/{id}`` revoked it."""
    key = TOKEN.get("key")
    if key is None or not ApiToken.objects.filter(key_hash=ApiToken.hash_key(key)).exists():
        key = secrets.token_urlsafe(24)
        admin = User.objects.get(username="admin")
        ApiToken.objects.create(user=admin, name=f"fuzz-{key[:8]}", key_hash=ApiToken.hash_key(key))
        TOKEN["key"] = key
    return key


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    # Like Django's test client: a request must not close the connection (on PostgreSQL that would end the
    # transaction the demo data live in).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with shared_test_data(django_db_blocker, _build):
            yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schemathesis.check
def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """An error answer is JSON ``{"code", "detail", ...}``: the framework's own pages included."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{response.status_code} answered as {content_type}")
    body = json.loads(response.content)
    if not (isinstance(body, dict) and isinstance(body.get("code"), str) and isinstance(body.get("detail"), str)):
        raise AssertionError(f"{response.status_code} is not the error shape: {body}")
    return None


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not SEED,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@(hypothesis.seed(int(SEED)) if SEED else (lambda test: test))
def test_no_server_error(case: Any, demo: None) -> None:
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {_token()}"},
        checks=[schemathesis.checks.not_a_server_error, error_shape],
    )
    if os.environ.get("FUZZ_LOG"):
        with open(os.environ["FUZZ_LOG"], "a") as log:
            log.write(f"{case.method} {case.path} {response.status_code}\n")
