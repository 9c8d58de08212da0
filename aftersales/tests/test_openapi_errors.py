"""The OpenAPI schema declares the error answers an endpoint can give (401/403/404/409/422/429)."""

from typing import Any

import pytest

from aftersales.api import api

METHODS = ("get", "post", "put", "patch", "delete")
# Additions to a record (not records of their own) take no Idempotency-Key (docs/api.md).
# A device's serial is its natural key (a retry answers 409 duplicate_device) and the answer carries a
# generated secret that must not be kept in the idempotency records (docs/devices.md).
# A deposit release is idempotent by its rule: the second one answers 409 ``already_released``.
NOT_IDEMPOTENT = ("/photos", "/contacts", "/sites", "/devices", "/deposit/release")


@pytest.fixture(scope="module")
def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    # Status keys are ints in memory and strings in docs/openapi.json: compare them as strings.
    return [
        (method, path, {**operation, "responses": {str(k): v for k, v in operation["responses"].items()}})
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_endpoint_declares_401(operations):
    missing = [f"{method.upper()} {path}" for method, path, op in operations if "401" not in op["responses"]]

    assert len(operations) > 40
    assert missing == []


def test_every_idempotent_create_declares_422(operations):
    creates = [
        (method, path, op)
        for method, path, op in operations
        if method == "post" and "201" in op["responses"] and not path.endswith(NOT_IDEMPOTENT)
    ]

    missing = [path for _method, path, op in creates if "422" not in op["responses"]]

    assert len(creates) >= 6
    assert missing == []


def test_every_error_answer_uses_the_one_error_shape(operations):
    bad = []
    for method, path, op in operations:
        for status, answer in op["responses"].items():
            if not status.startswith("4"):
                continue
            ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            if not ref.endswith(("/ErrorOut", "/ImportErrorOut")):
                bad.append(f"{method.upper()} {path} {status}: {ref or 'no schema'}")

    assert bad == []


def test_login_declares_the_throttle_and_token_revocation_declares_404(operations):
    by_key = {(method, path): op for method, path, op in operations}

    assert {"401", "429"} <= set(by_key[("post", "/api/v1/auth/token")]["responses"])
    assert {"204", "404"} <= set(by_key[("delete", "/api/v1/auth/tokens/{token_id}")]["responses"])
