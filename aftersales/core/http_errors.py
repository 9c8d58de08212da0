"""Every answer under /api/ is JSON in the one error shape, including the framework's own.

Django and Ninja answer some requests before any of our code runs: a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``, more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields or
``DATA_UPLOAD_MAX_NUMBER_FILES`` files (400, from ``handler400``), an unknown path (404), a method the path
does not take (Ninja's 405), an unexpected exception (500). Those answers are HTML pages; a client of the
API reads ``{"code", "detail"}`` (docs/errors.md). ``bad_request`` is ``handler400`` (it knows which limit
was hit); ``ApiErrorShapeMiddleware`` rewrites any other error answer of the API that is not JSON.
Screens keep Django's pages.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_json(status: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse(
        {"code": code, "detail": detail, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _status_answer(status: int) -> tuple[str, str]:
    """The code and sentence for an error status the framework answered by itself."""
    answers = {
        400: ("malformed_request", _("The request cannot be read.")),
        401: ("not_authenticated", _("Log in or send a valid bearer token.")),
        403: ("forbidden", _("You may not do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This address does not take this method.")),
        413: ("request_too_large", _("The request is too large.")),
    }
    if status in answers:
        return answers[status]
    if status >= 500:
        return "server_error", _("Something went wrong on our side. It has been logged; try again later.")
    return "error", _("The request was refused.")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: Django's page for screens; for the API, JSON naming the limit that was hit."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return error_json(413, "request_too_large", _("The request is too large."))
    if isinstance(exception, TooManyFieldsSent):
        return error_json(400, "too_many_fields", _("The request has too many fields."))
    if isinstance(exception, TooManyFilesSent):
        return error_json(400, "too_many_files", _("The request has too many files."))
    code, detail = _status_answer(400)
    return error_json(400, code, detail)


class ApiErrorShapeMiddleware:
    """First in MIDDLEWARE: an API error answer that is not JSON becomes ``{"code", "detail"}``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api(request)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, detail = _status_answer(response.status_code)
        extra: dict[str, Any] = {}
        if response.status_code == 405 and response.has_header("Allow"):
            extra["allowed"] = [m.strip() for m in response["Allow"].split(",") if m.strip()]
        shaped = error_json(response.status_code, code, detail, **extra)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if response.has_header(header):
                shaped[header] = response[header]
        # Django logged the error (a 500 with its traceback) on the answer it made; the replacement
        # would be logged again, without the traceback (django.utils.log.log_response).
        shaped._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
        return shaped


# ---- NUL characters ---------------------------------------------------------------------------------
def _nul_in(value: Any, path: str) -> str | None:
    """The path (``contacts.1.mobile``) of the first string holding a NUL in a parsed JSON value."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return inner
            found = _nul_in(item, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def nul_field(request: HttpRequest) -> str | None:
    """The first input of an API request that holds a NUL character: a header, a query parameter, a form
    field or a string anywhere in a JSON body (by its path). None when there is none."""
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return key.removeprefix("HTTP_").replace("_", "-").title()
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key
    elif request.method in ("POST", "PUT", "PATCH") and "json" in content_type:
        try:
            body = json.loads(request.body)
        except ValueError:
            return None  # Ninja answers malformed_request
        return _nul_in(body, "")
    return None


# ---- the body's type --------------------------------------------------------------------------------
JSON_TYPE = "application/json"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def unreadable_body(request: HttpRequest) -> bool:
    """A body the API does not read: one of another type than JSON or a form (files). Ninja would read a
    JSON text sent as text/plain all the same, past the NUL check below, which reads JSON bodies only."""
    content_type = request.content_type or ""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or content_type in (JSON_TYPE, *FORM_TYPES):
        return False
    return bool(request.body)


class ApiInputMiddleware:
    """What every API request's input must be, checked at the door for every endpoint at once:

    - a body is JSON (``application/json``, any charset) or a form with files; else 415
      ``unsupported_media_type``. (Found by review, 2026-12-06: a JSON body sent as text/plain was taken,
      and a NUL in it reached PostgreSQL: 500.)
    - no input holds a NUL character; else 400 ``null_character`` on that field. PostgreSQL cannot store
      U+0000 in a text column: the insert failed with a 500 after the checks had passed. No person types
      one. Screens need no such check: Django's form fields refuse NUL already
      (ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            if unreadable_body(request):
                return error_json(
                    415,
                    "unsupported_media_type",
                    _("Send the body as application/json (or multipart/form-data with a file)."),
                )
            field = nul_field(request)
            if field is not None:
                return error_json(
                    400, "null_character", _("Text cannot contain the NUL character (U+0000)."), field=field
                )
        return self.get_response(request)
