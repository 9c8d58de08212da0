"""How the REST API knows who is calling: a bearer token or the browser's session.

Lives in accounts (which owns users and API tokens), not in core: core imports nothing from the apps.
``aftersales/api.py`` passes ``AUTH`` to the one ``NinjaAPI``.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from aftersales.accounts.services import user_for_token
from aftersales.core.errors import DomainError
from aftersales.core.middleware import activate_language


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            # The language middleware ran before the token was read (it saw an anonymous caller):
            # answer in this user's language from here on, error messages included.
            activate_language(request)
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser's session (CSRF-checked on unsafe methods).

    Without a signed-in session there is nothing for a forged cross-site request to use, so the CSRF check
    is skipped and the request answers 401 ``not_authenticated``, not 403 "CSRF check Failed": a script
    whose bearer token is missing or wrong is told what is wrong."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)


AUTH = [BearerAuth(), ActiveSessionAuth()]


def docs_need_sign_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's interactive docs and ``openapi.json`` are for signed-in staff and integrators (a
    session or a bearer token), unless ``AFTERSALES["API_DOCS_PUBLIC"]`` says they are meant to be
    public (the default only with ``DEBUG``; ASVS 5.0 V13.4.5). Anonymous: the docs page sends to the
    sign-in page, ``openapi.json`` answers 401 ``not_authenticated``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.AFTERSALES.get("API_DOCS_PUBLIC", False) or _signed_in(request):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            detail = _("Log in or send a valid bearer token.")
            return JsonResponse({"code": "not_authenticated", "detail": detail}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        return user_for_token(token.strip()) is not None
    except DomainError:  # an expired token
        return False
