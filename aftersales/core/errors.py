"""The one error shape: services raise ``DomainError``; the API answers ``{"code", "detail"}``.

Every code is listed in docs/errors.md.
"""

from typing import Any


class DomainError(Exception):
    """A business rule refused the request. ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, code: str, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = str(detail)
        self.field = field
        self.extra = extra
        # Every field error of the same check, this one first, when there were several
        # (``core.validation.Checks``: an import's row shows them all); empty when it stood alone.
        self.errors: list[DomainError] = []

    def every(self) -> list["DomainError"]:
        """This error and the others its check found (an import's row lists each)."""
        return self.errors or [self]

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        if len(self.errors) > 1:
            # A create refused on several fields names each at once (``core.validation.Checks``): the
            # first stays in ``code``/``field``/``detail`` as before, every one (it too) is in ``errors``.
            body["errors"] = [
                {"field": error.field or "", "code": error.code, "detail": error.detail} for error in self.errors
            ]
        return body


class ValidationFailed(DomainError):
    status = 400


class PermissionDeniedError(DomainError):
    status = 403


class NotFoundError(DomainError):
    status = 404


class ConflictError(DomainError):
    status = 409


class UnprocessableError(DomainError):
    """Well-formed but refused as a whole (e.g. an Idempotency-Key reused for another request)."""

    status = 422


class TooManyRequests(DomainError):
    status = 429
