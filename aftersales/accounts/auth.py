"""How the REST API knows who is calling: a bearer token or the browser's session.

Lives in accounts (which owns users and API tokens), not in core: core imports nothing from the apps.
``aftersales/api.py`` passes ``AUTH`` to the one ``NinjaAPI``.
"""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from aftersales.accounts.services import user_for_token
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
