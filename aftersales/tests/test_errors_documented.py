"""Every error code the code can raise is documented in docs/errors.md (a new code, a new row)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAISERS = r"(?:DomainError|ValidationFailed|PermissionDeniedError|NotFoundError|ConflictError|UnprocessableError|TooManyRequests|AuthenticationFailed|ImportRejected)"
# The code is the first positional argument, possibly on the next line.
RAISED = re.compile(RAISERS + r"\(\s*\"([a-z_]+)\"")


def raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "aftersales").rglob("*.py"):
        # Parts below the checkout only: a checkout under a directory named "tests" must still be scanned.
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        codes |= set(RAISED.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_raised_error_code_is_in_docs_errors_md():
    documented = set(re.findall(r"`([a-z_]+)`", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")))
    codes = raised_codes()

    missing = sorted(codes - documented)

    assert len(codes) > 20  # the scan itself works
    assert missing == [], f"add these codes to docs/errors.md: {missing}"
