"""Signing in with a one-time code sent by SMS through the outbox (docs/portal.md "Sign-in").

Nothing tells whether a number belongs to a customer: a known and an unknown number get the same
answer and count against the same limits; only a known one is sent a code. Guessing codes is
throttled like a password (``accounts.throttle``), and a code is spent after ``PORTAL_CODE_TRIES``
wrong tries, after ``PORTAL_CODE_SECONDS`` or once used.
"""

import datetime
import hashlib
import hmac
import math
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.accounts.throttle import reserve_attempt
from aftersales.core.errors import TooManyRequests, ValidationFailed
from aftersales.core.phones import normalize_phone
from aftersales.notifications.customer_sms import signed_text
from aftersales.notifications.services import enqueue_message
from aftersales.portal.conf import setting
from aftersales.portal.models import PortalAccess, SignInCode
from aftersales.portal.permissions import PortalUser, contacts_with_access

_PREFIX = "aftersales:portal"


def code_hash(mobile: str, code: str) -> str:
    key = hashlib.sha256(f"portal-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_mobile(text: str) -> str:
    return normalize_phone((text or "")[:30], field="mobile")


def _wait(seconds: int) -> TooManyRequests:
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyRequests(
        "too_many_codes",
        ngettext(
            "Too many codes requested. Please wait %(minutes)d minute and try again.",
            "Too many codes requested. Please wait %(minutes)d minutes and try again.",
            minutes,
        )
        % {"minutes": minutes},
        field="mobile",
        retry_after=seconds,
    )


def _count(key: str, *, limit: int, window: int) -> None:
    cache.add(key, 0, timeout=window)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise _wait(window)


def _check_limits(mobile: str, *, address: str | None) -> None:
    """The limits on sending, the same for a known and an unknown number."""
    if address is not None:
        _count(f"{_PREFIX}:addr:{address}", limit=setting("PORTAL_CODES_PER_ADDRESS_PER_HOUR"), window=3600)
    interval = setting("PORTAL_CODE_INTERVAL_SECONDS")
    if interval > 0 and not cache.add(f"{_PREFIX}:gap:{mobile}", 1, timeout=interval):
        raise _wait(interval)
    _count(f"{_PREFIX}:mobile:{mobile}", limit=setting("PORTAL_CODES_PER_MOBILE_PER_HOUR"), window=3600)


def send_code(mobile: str) -> SignInCode:
    """Write a new code for ``mobile`` and its SMS to the outbox (the limits are the caller's).

    Not a ``send_customer_sms``: the customer is waiting for the code, so it is never held through the
    quiet hours, nor can it be switched off. It is signed 【company】 all the same (Chinese gateways
    refuse an SMS without the signature), without the hotline: a code says nothing else."""
    digits = setting("PORTAL_CODE_DIGITS")
    code = "".join(secrets.choice("0123456789") for _ in range(digits))
    minutes = max(1, setting("PORTAL_CODE_SECONDS") // 60)
    now = timezone.now()
    with transaction.atomic():
        row = SignInCode.objects.create(
            mobile=mobile,
            code_hash=code_hash(mobile, code),
            expires_at=now + datetime.timedelta(seconds=setting("PORTAL_CODE_SECONDS")),
        )
        enqueue_message(
            channel="sms",
            recipient=mobile,
            body=signed_text(
                _("Your sign-in code is %(code)s, valid for %(minutes)d minutes. Do not share it.")
                % {"code": code, "minutes": minutes},
                hotline=False,
            ),
            context={"secret": True},  # the outbox screen never shows the code (notifications.md)
            key=f"portal-code-{row.pk}",
        )
    return row


def request_code(*, mobile: str, address: str | None) -> str:
    """Send a code to ``mobile`` if it is a contact's with access; returns the normalised number.

    400 ``invalid_phone`` (field ``mobile``) for what is not a phone number; 429 ``too_many_codes``
    past the limits. A number nobody has gets the same answer and no message."""
    number = clean_mobile(mobile)
    _check_limits(number, address=address)
    if contacts_with_access(number).exists():
        send_code(number)
    return number


def _invalid() -> ValidationFailed:
    return ValidationFailed("invalid_code", _("The code is wrong or has expired. Ask for a new one."), field="code")


def verify_code(*, mobile: str, code: str, address: str | None) -> PortalUser:
    """Check a code; on success the code is spent and the contacts' access rows exist.

    400 ``invalid_code`` (field ``code``) for a wrong, expired, spent or revoked one; 429
    ``too_many_attempts`` while guesses are throttled."""
    number = clean_mobile(mobile)
    text = (code or "").strip()
    attempt = reserve_attempt(username=f"portal:{number}", ip=address)
    now = timezone.now()
    row = SignInCode.objects.filter(mobile=number, used_at__isnull=True, expires_at__gt=now).order_by("-id").first()
    if row is None or row.tries >= setting("PORTAL_CODE_TRIES"):
        raise _invalid()
    if not (text.isdigit() and hmac.compare_digest(row.code_hash, code_hash(number, text))):
        SignInCode.objects.filter(pk=row.pk).update(tries=F("tries") + 1)
        raise _invalid()
    # Spent once: of two requests with the same code only the one that marks it signs in.
    if not SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise _invalid()
    with transaction.atomic():
        contacts = list(contacts_with_access(number))
        if not contacts:
            raise _invalid()
        for contact in contacts:
            access, created = PortalAccess.objects.get_or_create(
                contact=contact, defaults={"is_admin": contact.is_primary, "last_sign_in_at": now}
            )
            if not created:
                PortalAccess.objects.filter(pk=access.pk).update(last_sign_in_at=now)
    attempt.succeeded()
    return build_portal_user(number)


def build_portal_user(mobile: str) -> PortalUser:
    contacts = tuple(contacts_with_access(mobile))
    admins = frozenset(c.pk for c in contacts if _is_admin(c))
    return PortalUser(mobile=mobile, contacts=contacts, admin_contact_ids=admins)


def _is_admin(contact: object) -> bool:
    try:
        return bool(contact.portal_access.is_admin)  # type: ignore[attr-defined]
    except PortalAccess.DoesNotExist:
        return False
