"""Language per user: Simplified Chinese unless the user (or this browser) chose otherwise.

The browser's Accept-Language is deliberately ignored: an office PC with an English Windows must
still open in Chinese. The choice is saved on the user (``User.language``) by the language switch.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def preferred_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in SUPPORTED:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Activates the user's language; goes after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        activate_language(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def activate_language(request: HttpRequest) -> str:
    """Activate the caller's language for the rest of the request (also called by the API's token
    authentication, which learns who is calling after this middleware ran)."""
    language = preferred_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
