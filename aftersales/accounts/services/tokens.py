"""API tokens: issued for a username and password, looked up per request, revoked by their owner."""

import datetime
import secrets
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.throttle import authenticate_throttled
from aftersales.core.compiled import InstancesBy
from aftersales.core.errors import DomainError, NotFoundError
from aftersales.core.prepared import prepared_statements
from aftersales.core.validation import field_max_length, require_text

DEFAULT_TOKEN_NAME = "api"  # noqa: S105 (a client label, not a secret)


TOKEN_PREFIX_LENGTH = 8


TOKEN_TOUCH_EVERY = datetime.timedelta(minutes=5)


class AuthenticationFailed(DomainError):
    status = 401


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the row and the raw key, which is shown this once and never stored."""

    token: ApiToken
    key: str


def _token_days() -> int:
    return cast(int, settings.AFTERSALES.get("API_TOKEN_DAYS", 90))


def _tokens_per_user() -> int:
    return cast(int, settings.AFTERSALES.get("API_TOKENS_PER_USER", 10))


def issue_token(*, username: str, password: str, ip: str, name: str = DEFAULT_TOKEN_NAME) -> IssuedToken:
    """Check the password (throttled: ``accounts.throttle``) and return a new bearer token.

    Only the token's hash is stored; the raw key is shown once. A token for a client ``name`` the user
    already has a token for replaces it (a script logging in every run does not pile up rows); beyond
    ``AFTERSALES["API_TOKENS_PER_USER"]`` tokens the oldest are revoked. The token expires after
    ``AFTERSALES["API_TOKEN_DAYS"]`` days (0: never).
    """
    name = require_text(name, field="name", max_length=field_max_length(ApiToken, "name"))
    user = authenticate_throttled(
        None, username=username, password=password, ip=ip, accept=lambda user: not user.is_system
    )
    if user is None:
        raise AuthenticationFailed("invalid_credentials", _("Wrong username or password."))
    key = secrets.token_urlsafe(32)
    days = _token_days()
    with transaction.atomic():
        # The user's row is the lock: two logins of one client at once replace, never both insert.
        User.objects.select_for_update(no_key=True).only("pk").get(pk=user.pk)
        ApiToken.objects.filter(user=user, name=name).delete()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:TOKEN_PREFIX_LENGTH],
            key_hash=ApiToken.hash_key(key),
            expires_at=timezone.now() + datetime.timedelta(days=days) if days > 0 else None,
        )
        keep = (
            ApiToken.objects.filter(user=user)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[: _tokens_per_user()]
        )
        ApiToken.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
    return IssuedToken(token=token, key=key)


_tokens_by_hash = InstancesBy(ApiToken, ("user__service_center",), "key_hash")


def _token(key_hash: str) -> ApiToken | None:
    """``ApiToken.objects.select_related("user__service_center").filter(key_hash=…).first()``, its SQL
    compiled once (core/compiled.py) and planned once (core/prepared.py): every API request runs it."""
    with prepared_statements():
        tokens = _tokens_by_hash(key_hash)  # the hash is unique
    return tokens[0] if tokens else None


def user_for_token(key: str) -> User | None:
    """The active user owning ``key``, or ``None``. An inactive user's tokens stop working at once;
    an expired token raises ``token_expired`` (401) so the client knows to log in again."""
    token = _token(ApiToken.hash_key(key))
    if token is None or not token.user.is_active or token.user.is_system:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationFailed(
            "token_expired", _("This token has expired; ask for a new one with POST /auth/token.")
        )
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_EVERY:
        touch_token(token, now=now)
    return token.user


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (the secret is never stored, so never shown)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


@transaction.atomic
def revoke_token(*, token_id: int, by: User) -> None:
    """Delete one of ``by``'s own tokens; another user's token does not exist for them (404)."""
    deleted, _rows = ApiToken.objects.filter(user=by, pk=token_id).delete()
    if not deleted:
        raise NotFoundError("not_found", _("Not found."))


def touch_token(token: ApiToken, *, now: datetime.datetime | None = None) -> None:
    """Record when the token was last used (at most once per ``TOKEN_TOUCH_EVERY``: one write, not one per request)."""
    token.last_used_at = now or timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
