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


def test_no_pattern_takes_digits_other_than_ascii(operations):
    """Found by an API probe, 2026-12-06: the money schemas' ``\\d`` took full-width digits ("１００"),
    which docs/api.md says are refused; ``\\d`` matches any Unicode digit, ``[0-9]`` does not."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    found = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and "\\d" in value:
                    found.append(f"{where}: {value}")
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(schema, "")
    assert found == []


# Writes that are always refused (an append-only ledger): they document their refusals only.
REFUSALS = {
    ("put", "/api/v1/stock-moves/{move_id}"),
    ("patch", "/api/v1/stock-moves/{move_id}"),
    ("delete", "/api/v1/stock-moves/{move_id}"),
}


def test_every_operation_declares_its_success(operations):
    """Found by an API probe, 2026-12-06: the invoice and quote PDFs, the visit signature and an order's
    photo answered 200 with a file, and their operations declared no 200 at all."""
    missing = [
        f"{method.upper()} {path}"
        for method, path, op in operations
        if (method, path) not in REFUSALS and not any(status.startswith("2") for status in op["responses"])
    ]

    assert missing == []


@pytest.mark.django_db
def test_every_documented_path_reaches_its_own_operation():
    """Found by an API probe, 2026-12-06: ``POST /workforce/claims/exported`` answered 405, because
    ``/workforce/claims/{claim_id}``, declared first, took "exported" for an id."""
    import re

    from django.urls import resolve

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    taken = []
    for path in schema["paths"]:
        route = "/" + resolve(re.sub(r"\{[^}]+\}", "1", path)).route
        if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) != path:
            taken.append(f"{path} is taken by {route}")

    assert len(schema["paths"]) > 100
    assert taken == []


def test_every_operation_declares_the_error_shape_for_any_other_answer(operations):
    """Found by an API probe, 2026-12-06: a path id that is not a number answered 400 on 61 operations
    that declared no 400, and 405/415/500 appeared on none. ``default`` covers them in the one shape."""
    missing = [
        f"{method.upper()} {path}"
        for method, path, op in operations
        if not op["responses"].get("default", {}).get("content", {}).get("application/json", {}).get("schema")
    ]

    assert missing == []
