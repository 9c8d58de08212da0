"""A customer's session: the verified mobile under its own keys, beside (never mixed with) a staff
member's sign-in in the same browser. Idle and absolute lifetimes as for staff, with the portal's own
figures (``PORTAL_SESSION_IDLE_MINUTES``, ``PORTAL_SESSION_MAX_HOURS``)."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from aftersales.portal.conf import setting
from aftersales.portal.permissions import PortalUser
from aftersales.portal.services.signin import build_portal_user

MOBILE = "portal_mobile"
SIGNED_IN_AT = "portal_signed_in_at"
SEEN_AT = "portal_seen_at"
PENDING = "portal_pending_mobile"
SEEN_RESOLUTION = 60


def sign_in(request: HttpRequest, user: PortalUser) -> None:
    """A new session key (no fixation), then the customer's keys."""
    request.session.cycle_key()
    now = timezone.now().timestamp()
    request.session[MOBILE] = user.mobile
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session.pop(PENDING, None)


def sign_out(request: HttpRequest) -> None:
    for key in (MOBILE, SIGNED_IN_AT, SEEN_AT, PENDING):
        request.session.pop(key, None)
    request.session.cycle_key()


def current_user(request: HttpRequest) -> PortalUser | None:
    """The signed-in customer, or ``None`` (never signed in, timed out, or every access revoked)."""
    session = request.session
    mobile = session.get(MOBILE)
    if not mobile:
        return None
    now = timezone.now().timestamp()
    idle = setting("PORTAL_SESSION_IDLE_MINUTES") * 60
    longest = setting("PORTAL_SESSION_MAX_HOURS") * 3600
    if now - float(session.get(SEEN_AT, 0)) > idle or now - float(session.get(SIGNED_IN_AT, 0)) > longest:
        sign_out(request)
        return None
    user = build_portal_user(mobile)
    if not user.contacts:
        sign_out(request)
        return None
    if now - float(session[SEEN_AT]) >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return user


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return target
    return default


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """What a customer's browser must not keep, nor send to another site with the address."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in customers only; anyone else goes to the sign-in page and comes back after it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        if user is None:
            return redirect(f"{reverse('portal:sign_in')}?{urlencode({'next': request.get_full_path()})}")
        request.portal_user = user  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return private(wrapper)
