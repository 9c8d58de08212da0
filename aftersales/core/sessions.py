"""How long a signed-in session lives, and answers that browsers must not keep (docs/security.md "Sessions").

- ``SessionTimeoutMiddleware`` (ASVS 5.0 V7.3.1, V7.3.2; NIST SP 800-63B AAL2): a session ends after
  ``AFTERSALES["SESSION_IDLE_MINUTES"]`` (30) without a request and, whatever the activity,
  ``AFTERSALES["SESSION_MAX_HOURS"]`` (12, a working day) after sign-in. The next request is then
  anonymous: a screen sends the user to the sign-in page, the API answers 401. ``SESSION_COOKIE_AGE``
  is the same 12 hours, so the stored session and its cookie expire too.
- ``NoStoreMiddleware`` (ASVS 5.0 V14.3.2): every answer to a signed-in user (a session or a bearer
  token) and every API answer carries ``Cache-Control: no-store``: customers' names, mobiles and
  addresses are never kept by a browser's or a proxy's cache. Static files are served before it.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

SIGNED_IN_AT = "_aftersales_signed_in_at"
SEEN_AT = "_aftersales_seen_at"
# The last-seen time is written at most this often (seconds): not one session save per request.
SEEN_RESOLUTION = 60


def _limits() -> tuple[int, int]:
    aftersales = settings.AFTERSALES
    return int(aftersales.get("SESSION_IDLE_MINUTES", 30)) * 60, int(aftersales.get("SESSION_MAX_HOURS", 12)) * 3600


def remember_sign_in(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """``user_logged_in`` receiver (connected by ``CoreConfig.ready``): the session's clocks start at
    sign-in, so the first requests after it write nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        now = timezone.now().timestamp()
        session[SIGNED_IN_AT] = now
        session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Ends a session idle too long or older than the longest; goes after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = timezone.now().timestamp()
        idle, longest = _limits()
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        seen_at = session.get(SEEN_AT)
        if signed_in_at is None or seen_at is None:  # signed in before this middleware knew
            session[SIGNED_IN_AT] = now if signed_in_at is None else signed_in_at
            session[SEEN_AT] = now
            return
        if (idle > 0 and now - seen_at > idle) or (longest > 0 and now - signed_in_at > longest):
            logout(request)  # flushes the session; request.user is now anonymous
            return
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on what a signed-in user sees and on every API answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the API's bearer authentication sets it in the view
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
