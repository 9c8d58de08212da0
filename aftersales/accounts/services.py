"""Writes on users and API tokens."""

import secrets

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ApiToken, User
from aftersales.core.errors import DomainError


class AuthenticationFailed(DomainError):
    status = 401


def issue_token(*, username: str, password: str, ip: str) -> str:
    """Check the password (throttled per user and per address) and return a new bearer token.

    Only the token's hash is stored; the raw key is shown once.
    """
    from aftersales.accounts.throttle import check_login_allowed, clear_login_failures, record_login_failure

    check_login_allowed(username=username, ip=ip)
    user = authenticate(username=username, password=password)
    if user is None:
        record_login_failure(username=username, ip=ip)
        raise AuthenticationFailed("invalid_credentials", _("Wrong username or password."))
    clear_login_failures(username=username, ip=ip)
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key))
    return key


def user_for_token(key: str) -> User | None:
    """The active user owning ``key``, or ``None``. An inactive user's tokens stop working at once."""
    token = ApiToken.objects.select_related("user__service_center").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


@transaction.atomic
def deactivate_user(*, user: User, by: User) -> User:
    """Make ``user`` inactive: every token is deleted; sessions die because inactive users no longer
    authenticate (Django's ModelBackend refuses them on every request)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user).delete()
    return user


def touch_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def set_user_language(*, user: User, language: str) -> User:
    """Remember the console language the user chose (Simplified Chinese or English)."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError("invalid_language", _("Unknown language."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
