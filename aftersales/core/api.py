"""API plumbing shared by every router: the error shape, paging (authentication: accounts.auth; idempotent
creates: core.idempotency)."""

import types
import typing
from typing import Annotated, Any, ClassVar

from django.db import DataError, models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BeforeValidator, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from aftersales.core.errors import DomainError, NotFoundError
from aftersales.core.idempotency import idempotent
from aftersales.core.input_errors import SCHEMA_CODES, input_error_message


def _bare(annotation: Any) -> Any:
    """``Annotated[bool, …]`` (``TextBool``) is a ``bool``."""
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is Annotated else annotation


def _is(annotation: Any, kind: type) -> bool:
    """``kind`` or ``kind | None``."""
    if _bare(annotation) is kind:
        return True
    args = set(map(_bare, typing.get_args(annotation)))
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and args == {kind, type(None)}


def is_boolean(annotation: Any) -> bool:
    """``bool`` or ``bool | None``: a field that takes a JSON boolean (or null)."""
    return _is(annotation, bool)


def is_integer(annotation: Any) -> bool:
    """``int`` or ``int | None``: a field that takes a JSON integer (or null)."""
    return _is(annotation, int)


def is_integer_list(annotation: Any) -> bool:
    """``list[int]`` (or ``| None``): ids and counts."""
    lists = [annotation, *typing.get_args(annotation)]
    return any(typing.get_origin(a) is list and typing.get_args(a) == (int,) for a in lists)


def _json_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_boolean(value: Any) -> Any:
    if isinstance(value, bool):  # a default
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_parsing", "Input should be true or false")


TextBool = Annotated[bool, BeforeValidator(_text_boolean)]
"""A boolean sent as text, a query parameter or a form field: ``true`` or ``false`` (what the OpenAPI
boolean says), nothing else. Pydantic reads "yes", "on", "1", "t" as true and "no", "off", "0" as false:
QA, 2026-12-07, ``approve=yes`` of an on-site quote answer (a multipart form) was recorded as the
customer's approval. Anything else answers 400 ``invalid_input`` (``type: "bool_parsing"``), as garbage
did already. ``aftersales/tests/test_input_booleans.py`` walks every query string and form of the API for
a ``bool`` that is not one."""


class Input(Schema):
    """Base of every request body: unknown fields are refused, not ignored, and a boolean is a JSON
    boolean.

    Pydantic reads ``bool`` laxly: "yes", "off", "t", 1 and 0.0 all pass as true or false. In a JSON body
    that is a mistake of the client, not a way of saying true (QA, 2026-12-07: ``{"misuse_found": "yes"}``
    turned an order's warranty to misuse, and ``close_now: "yes"`` closed a new consultation), so every
    ``bool`` field of every input answers 400 ``invalid_input`` (``type: "bool_type"``) on anything but
    ``true``/``false`` (and ``null`` where the field is optional). Query parameters and form fields are
    text and are not inputs of this kind: ``?unassigned=true`` is still read as a boolean (``TextBool``).
    ``aftersales/tests/test_input_booleans.py`` walks every body schema of the API for a bool that is lax.

    An integer (an id, a count, a score) is a JSON integer for the same reason: pydantic read ``true`` as 1
    and ``"5"`` as 5 (QA, 2026-12-07: ``"score": true`` on a follow-up call stored a score of 1 and opened
    a low-score complaint by itself). Anything else answers 400 ``invalid_input`` (``type: "int_type"``),
    in a list of integers too (``order_ids``). ``aftersales/tests/test_input_integers.py`` proves it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    _boolean_fields: ClassVar[frozenset[str]] = frozenset()
    _integer_fields: ClassVar[frozenset[str]] = frozenset()
    _integer_list_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.model_fields.items()
        cls._boolean_fields = frozenset(name for name, field in fields if is_boolean(field.annotation))
        cls._integer_fields = frozenset(name for name, field in fields if is_integer(field.annotation))
        cls._integer_list_fields = frozenset(name for name, field in fields if is_integer_list(field.annotation))

    @field_validator("*", mode="before")
    @classmethod
    def _json_types_are_json_types(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name
        if value is None:
            return value
        if name in cls._boolean_fields and not isinstance(value, bool):
            raise PydanticCustomError("bool_type", "Input should be a valid boolean")
        if name in cls._integer_fields and not _json_integer(value):
            raise PydanticCustomError("int_type", "Input should be a valid integer")
        if name in cls._integer_list_fields and isinstance(value, list) and not all(map(_json_integer, value)):
            raise PydanticCustomError("int_type", "Input should be a list of valid integers")
        return value


class InputErrorOut(Schema):
    """One field's error in ``errors``: a schema's (``invalid_input``, with ``type``) or a service's
    refusal of several fields at once (with ``code``, as ``code`` of the answer)."""

    field: str = Field(description="The field, e.g. `contacts.1.mobile`.")
    detail: str = Field(description="Our sentence, in the reader's language.")
    type: str | None = Field(
        None, description="`invalid_input`: pydantic's error type (`missing`, `int_parsing`, …), for programs."
    )
    code: str | None = Field(None, description="A service's refusal: the field's error code (docs/errors.md).")


class ErrorOut(Schema):
    """Every error answer (docs/errors.md): ``code`` and ``detail`` always, ``field`` when one field is at
    fault, and what some errors add for a client to act on (each listed below; any other is documented
    with its code in docs/errors.md)."""

    model_config = ConfigDict(extra="allow")

    code: str
    detail: str
    field: str | None = None
    errors: list[InputErrorOut] | None = Field(
        None,
        description="Every field that failed: `invalid_input` (the schema's checks), or a service's check that refused "
        "several fields at once (a create: the first is `code`/`field`/`detail`).",
    )
    allowed: list[str] | None = Field(
        None, description="405: the methods the path takes; `transition_not_allowed`: the statuses it may move to."
    )
    current_version: int | None = Field(
        None, description="`stale_version`, `already_assigned`: the record's version now."
    )
    current_status: str | None = Field(None, description="`stale_version`: the order's status now.")
    current_step: int | None = Field(None, description="A claim decision for another step: the step it waits at.")
    technician_id: int | None = Field(None, description="`already_assigned`: who has the order.")
    outstanding: str | None = Field(None, description="`overpayment`: what is still owed (decimal text).")
    available: str | None = Field(None, description="Not enough stock: what is available (decimal text).")
    reasons: list[Any] | None = Field(None, description="Why: the dispatch checks refused, a deposit's blockers.")
    weekdays: list[int] | None = Field(None, description="`not_claim_day`: the claim weekdays (0 = Monday).")
    retry_after: int | None = Field(None, description="429: seconds before the next sign-in may be tried.")


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document gives every operation a ``default`` answer in the one error shape:
    the answers any operation may give besides those it lists — 400 ``invalid_input`` for a path id that
    is not a number, 405, 415, 500 (found by an API probe, 2026-12-06: 61 operations answered a 400 they
    did not declare, and 405/415/500 appeared on none)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {
            "description": "Any other error, in the one error shape (docs/errors.md).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for item in schema["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    # Status keys as text, as JSON writes them (an int beside "default" cannot be sorted).
                    responses = {str(status): answer for status, answer in operation["responses"].items()}
                    operation["responses"] = {**responses, "default": responses.get("default", error)}
        return schema


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail, **extra}, status=status)


_REQUEST_FAILED = gettext_lazy("The request could not be handled.")
_HTTP_ERRORS: dict[int, tuple[str, Any]] = {
    400: (
        "malformed_request",
        gettext_lazy("The request body could not be read: send valid JSON with Content-Type: application/json."),
    ),
    401: ("not_authenticated", gettext_lazy("Log in or send a valid bearer token.")),
    403: ("forbidden", gettext_lazy("The request was refused: reload the page and try again (CSRF check).")),
    404: ("not_found", gettext_lazy("Not found.")),
}


_LOCATIONS = ("body", "query", "path", "form", "file", "header", "cookie")
_WRAPPERS = ("payload", "filters", "data")  # the view's parameter that holds a whole schema


# pydantic's last step of the path when a dict's key (not its value) is wrong: ``counts.abc.[key]``.
_KEY = "[key]"


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    # Only the leading location and wrapper are dropped: a field may itself be named "file".
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in _WRAPPERS:
        parts = parts[1:]
    if parts and parts[-1] == _KEY:  # the key is the field: counts.abc, not pydantic's counts.abc.[key]
        parts = parts[:-1]
    return ".".join(parts)


def _error_detail(error: Any) -> str:
    loc = error.get("loc", ())
    if loc and str(loc[-1]) == _KEY:
        return _("“%(key)s” is not a valid key here: %(reason)s") % {
            "key": str(loc[-2]) if len(loc) > 1 else "",
            "reason": input_error_message(error),
        }
    return input_error_message(error)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error is ``{"code", "detail"}`` (+ ``field`` where one field is at fault)."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, exc.as_dict(), status=exc.status)
        if "retry_after" in exc.extra:  # 429: the standard header as well as the body's field
            response["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(e.get("loc", ())), "detail": _error_detail(e), "type": e.get("type", "")}
            for e in exc.errors
        ]
        first = errors[0] if errors else {"field": "", "detail": _("Invalid input."), "type": ""}
        return error_response(
            api,
            request,
            400,
            first["type"] if first["type"] in SCHEMA_CODES else "invalid_input",
            f"{first['field']}: {first['detail']}" if first["field"] else first["detail"],
            field=first["field"] or None,
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, "not_authenticated", _("Log in or send a valid bearer token."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # The framework's own texts ("Cannot parse request body", "CSRF check Failed") are English and
        # may carry parser internals: the answer is a sentence of ours, in the user's language.
        code, detail = _HTTP_ERRORS.get(exc.status_code, ("error", _REQUEST_FAILED))
        return error_response(api, request, exc.status_code, code, str(detail))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    # An integer no column holds (an id or a filter of 2**70): SQLite cannot bind it (OverflowError) and
    # PostgreSQL refuses it (SQLSTATE 22003). It is the input that is wrong, so 400, not 500.
    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        return error_response(api, request, 400, "out_of_range", _("A number is too large for this field."))

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        if getattr(exc.__cause__, "sqlstate", None) != "22003":  # numeric_value_out_of_range
            raise exc
        return error_response(api, request, 400, "out_of_range", _("A number is too large for this field."))


def found_or_404[M: models.Model](
    records: type[M] | QuerySet[M], pk: int, *, field: str | None, missing: str | Promise
) -> M:
    """The record ``pk`` among ``records`` (a model, or a queryset of the caller's scope), else 404
    ``not_found`` naming the body ``field`` and the record (``"No such part."``): a client sending several
    ids learns which one is unknown (QA, 2026-12-07: ``POST /stock-receipts`` answered a bare "未找到。").
    Another centre's record answers exactly as an unknown id."""
    queryset = records._default_manager.all() if isinstance(records, type) else records
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise NotFoundError("not_found", str(missing), field=field) from None


def page_limit(limit: int | None, *, default: int = 25, maximum: int = 200) -> int:
    if limit is None:
        return default
    if not 1 <= limit <= maximum:
        raise DomainError("invalid_limit", _("limit must be between 1 and %(max)d.") % {"max": maximum}, field="limit")
    return limit


__all__ = [
    "DocumentedAPI",
    "ErrorOut",
    "Input",
    "TextBool",
    "found_or_404",
    "idempotent",
    "install_error_handlers",
    "page_limit",
]
