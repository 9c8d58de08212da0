"""Writes on users and API tokens, service centres and the company profile."""

import datetime
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import extra_roles_of, forget_capabilities, roles_with
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import ApiToken, CompanyProfile, ServiceCenter, StandIn, User, UserRole
from aftersales.accounts.permissions import (
    can_arrange_stand_in,
    can_create_centre,
    can_edit_centre,
    can_edit_company_profile,
    can_manage_settings,
    can_manage_user,
    can_see_centre,
    is_admin,
    roles_assignable_by,
    stand_ins_visible_to,
    users_visible_to,
)
from aftersales.accounts.signals import account_changed
from aftersales.accounts.throttle import authenticate_throttled
from aftersales.core.compiled import InstancesBy
from aftersales.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.phones import PHONE_INPUT_MAX_LENGTH, normalize_hotline, normalize_phone
from aftersales.core.prepared import prepared_statements
from aftersales.core.tax_numbers import require_credit_code
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
        User.objects.select_for_update().only("pk").get(pk=user.pk)
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


def system_actor(kind: str) -> User:
    """The service account that acts for a scheduled job, a connected machine or an import, e.g.
    ``open_order(by=system_actor("machine"), ...)``. Created on first use; it holds no role and no
    usable password, so it can neither sign in nor get a token; what it may do is the capability
    table's ``systems`` column. Timelines show it as "系统（设备）" and the like."""
    if kind not in SystemActor.values:
        raise ValueError(f"unknown system actor {kind!r}; one of {SystemActor.values}")
    user = User.objects.filter(system_kind=kind).first()
    if user is not None:
        return user
    user = User(username=f"system-{kind}", system_kind=kind, service_center=None, is_active=True)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created at the same moment by another process
        return User.objects.get(username=f"system-{kind}")
    return user


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (the secret is never stored, so never shown)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


@transaction.atomic
def revoke_token(*, token_id: int, by: User) -> None:
    """Delete one of ``by``'s own tokens; another user's token does not exist for them (404)."""
    deleted, _rows = ApiToken.objects.filter(user=by, pk=token_id).delete()
    if not deleted:
        raise NotFoundError("not_found", _("Not found."))


@transaction.atomic
def deactivate_user(*, user: User, by: User | None) -> User:
    """Make ``user`` inactive: every token is deleted; sessions die because inactive users no longer
    authenticate (Django's ModelBackend refuses them on every request).

    ``by=None`` is the system itself. A person may not deactivate themselves (an administrator
    would lock everyone out) and needs ``can_manage_user``.
    """
    if by is not None:
        if by.pk == user.pk:
            raise ValidationFailed("cannot_deactivate_self", _("You cannot deactivate your own account."))
        _check_may_manage_user(by, user)
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user).delete()
    _audit(by=by, action="accounts.deactivate_user", detail={"user": user.pk, "username": user.username}, target=user)
    _announce(
        target=user, type="user.deactivated", by=by, changes=_changed({"is_active": was_active}, {"is_active": False})
    )
    return user


def touch_token(token: ApiToken, *, now: datetime.datetime | None = None) -> None:
    """Record when the token was last used (at most once per ``TOKEN_TOUCH_EVERY``: one write, not one per request)."""
    token.last_used_at = now or timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)


def set_user_language(*, user: User, language: str) -> User:
    """Remember the console language the user chose (Simplified Chinese or English)."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError("invalid_language", _("Unknown language."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# --- settings: service centres and users ---------------------------------------------------------


def _audit(
    *, by: User | None, action: str, detail: dict, target: ServiceCenter | User | CompanyProfile | None = None
) -> None:
    AuditLog.objects.create(user=by, action=action, detail=detail, target=target)


def _changed(before: dict, after: dict) -> dict:
    return {key: (before.get(key), value) for key, value in after.items() if before.get(key) != value}


def _announce(*, target: ServiceCenter | User | CompanyProfile, type: str, by: User | None, changes: dict) -> None:  # noqa: A002
    """Tell the history (which accounts may not import) about a change, inside this transaction."""
    if changes:
        account_changed.send(sender=target.__class__, target=target, type=type, by=by, changes=changes)


def _centre_fields(*, code: str, name: str, region: str, phone: str, address: str) -> dict[str, str]:
    return {
        "code": require_text(code, field="code", max_length=20).upper(),
        "name": require_text(name, field="name", max_length=100),
        "region": require_text(region, field="region", max_length=100),
        "phone": require_text(phone, field="phone", max_length=20, required=False),
        "address": require_text(address, field="address", max_length=255, required=False),
    }


def _check_centre_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    taken = ServiceCenter.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ConflictError("duplicate_code", _("A service centre with this code exists."), field="code")


@transaction.atomic
def create_service_center(
    *, by: User, code: str, name: str, region: str, phone: str = "", address: str = ""
) -> ServiceCenter:
    """Add a service centre (服务网点). Administrators only; the code is unique (imports name centres by it)."""
    if not can_create_centre(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may add service centres."))
    fields = _centre_fields(code=code, name=name, region=region, phone=phone, address=address)
    _check_centre_code_free(fields["code"])
    centre = ServiceCenter.objects.create(**fields)
    _audit(by=by, action="accounts.create_service_center", detail={"centre": centre.pk, **fields}, target=centre)
    _announce(
        target=centre,
        type="service_center.created",
        by=by,
        changes=_changed({}, {k: v for k, v in fields.items() if v}),
    )
    return centre


@transaction.atomic
def update_service_center(
    *, centre: ServiceCenter, by: User, code: str, name: str, region: str, phone: str = "", address: str = ""
) -> ServiceCenter:
    """Edit a centre: administrators any, a service manager their own (its code stays: imports use it)."""
    if not can_manage_settings(by):
        raise PermissionDeniedError("forbidden", _("You may not edit this service centre."))
    centre = ServiceCenter.objects.select_for_update().get(pk=centre.pk)
    if not can_see_centre(by, centre.pk):
        raise NotFoundError("not_found", _("No such service centre."))
    if not can_edit_centre(by, centre):
        raise PermissionDeniedError("forbidden", _("You may not edit this service centre."))
    fields = _centre_fields(code=code, name=name, region=region, phone=phone, address=address)
    if fields["code"] != centre.code:
        if not can_create_centre(by):
            raise PermissionDeniedError("forbidden", _("Only administrators may change a centre's code."), field="code")
        _check_centre_code_free(fields["code"], exclude_pk=centre.pk)
    previous = {key: getattr(centre, key) for key in fields}
    for key, value in fields.items():
        setattr(centre, key, value)
    centre.save(update_fields=[*fields, "updated_at"])
    _audit(
        by=by,
        action="accounts.update_service_center",
        detail={"centre": centre.pk, "previous": previous, "new": fields},
        target=centre,
    )
    _announce(target=centre, type="service_center.updated", by=by, changes=_changed(previous, fields))
    return centre


# --- the company profile ---------------------------------------------------------------------------

POSTCODE = re.compile(r"[0-9]{6}")
BANK_ACCOUNT = re.compile(r"[0-9]{8,32}")


def _company_fields(
    *,
    name: str,
    hotline: str,
    address: str,
    postcode: str,
    email: str,
    credit_code: str,
    bank_name: str,
    bank_account: str,
) -> dict[str, str]:
    hotline = require_text(hotline, field="hotline", max_length=PHONE_INPUT_MAX_LENGTH, required=False)
    postcode = require_text(postcode, field="postcode", max_length=6, required=False)
    if postcode and not POSTCODE.fullmatch(postcode):
        raise ValidationFailed("invalid_postcode", _("A postcode has 6 digits."), field="postcode")
    email = require_text(email, field="email", max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed("invalid_email", _("Enter a valid e-mail address."), field="email") from None
    # Typed with spaces or dashes as printed on a bank slip; kept as digits only.
    account = re.sub(r"[\s-]", "", require_text(bank_account, field="bank_account", max_length=40, required=False))
    if account and not BANK_ACCOUNT.fullmatch(account):
        raise ValidationFailed("invalid_bank_account", _("A bank account has 8 to 32 digits."), field="bank_account")
    fields = {
        "name": require_text(name, field="name", max_length=100),
        "hotline": normalize_hotline(hotline, field="hotline") if hotline else "",
        "address": require_text(address, field="address", max_length=255, required=False),
        "postcode": postcode,
        "email": email,
        "credit_code": require_credit_code(credit_code, field="credit_code"),
        "bank_name": require_text(bank_name, field="bank_name", max_length=100, required=False),
        "bank_account": account,
    }
    if fields["bank_account"] and not fields["bank_name"]:
        raise ValidationFailed("required", _("Name the bank of this account."), field="bank_name")
    if fields["bank_name"] and not fields["bank_account"]:
        raise ValidationFailed("required", _("Enter the account at this bank."), field="bank_account")
    return fields


@transaction.atomic
def update_company_profile(
    *,
    by: User,
    name: str,
    hotline: str = "",
    address: str = "",
    postcode: str = "",
    email: str = "",
    credit_code: str = "",
    bank_name: str = "",
    bank_account: str = "",
) -> CompanyProfile:
    """Save the company profile (administrators only): the name every header, print and SMS shows
    instead of ``AFTERSALES["COMPANY_NAME"]`` from then on, the 客服热线, the address and the seller's
    particulars on quotes and invoices. The name is required; the hotline is a 95xxx/96xxx service
    number, a 400/800 number, a landline or a mobile, kept as it is shown (``core.phones.normalize_hotline``);
    the unified social credit code has its check character (GB 32100); a bank account comes with its bank. The first save creates the
    one row; every save is audited and leaves a history row with what changed. The cached profile is
    forgotten by the model's signals (``accounts.selectors``)."""
    if not can_edit_company_profile(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may change the company profile."))
    fields = _company_fields(
        name=name,
        hotline=hotline,
        address=address,
        postcode=postcode,
        email=email,
        credit_code=credit_code,
        bank_name=bank_name,
        bank_account=bank_account,
    )
    profile = CompanyProfile.objects.select_for_update().filter(pk=CompanyProfile.SINGLETON_ID).first()
    previous = {} if profile is None else {key: getattr(profile, key) for key in fields}
    if profile is None:
        profile = CompanyProfile.objects.create(pk=CompanyProfile.SINGLETON_ID, **fields)
    else:
        for key, value in fields.items():
            setattr(profile, key, value)
        profile.save(update_fields=[*fields, "updated_at"])
    _audit(
        by=by,
        action="accounts.update_company_profile",
        detail={"previous": previous, "new": fields},
        target=profile,
    )
    changes = _changed(previous, {k: v for k, v in fields.items() if v or k in previous})
    _announce(target=profile, type="company_profile.updated", by=by, changes=changes)
    return profile


def _check_may_manage_user(by: User, user: User) -> None:
    """403 for a caller who manages nobody; 404 for a user of a centre outside their scope; 403 for
    one they see but may not manage (themselves, or someone above them)."""
    if not can_manage_settings(by):
        raise PermissionDeniedError("forbidden", _("You may not manage this user."))
    if not can_see_centre(by, user.service_center_id):
        raise NotFoundError("not_found", _("No such user."))
    if not can_manage_user(by, user):
        raise PermissionDeniedError("forbidden", _("You may not manage this user."))


def _check_role_and_centre(*, by: User, role: str, service_center: ServiceCenter | None) -> None:
    if role not in roles_assignable_by(by):
        raise PermissionDeniedError("role_not_allowed", _("You may not give this role."), field="role")
    if service_center is None and role not in roles_with("accounts.see_all_centres"):
        raise ValidationFailed(
            "centre_required", _("Staff in this role belong to a service centre."), field="service_center"
        )
    if service_center is not None and not can_see_centre(by, service_center.pk):
        raise NotFoundError("not_found", _("No such service centre."), field="service_center")


def _person_fields(*, first_name: str, last_name: str, phone: str, email: str) -> dict[str, str]:
    return {
        "first_name": require_text(first_name, field="first_name", max_length=150),
        "last_name": require_text(last_name, field="last_name", max_length=150, required=False),
        "phone": normalize_phone(phone, field="phone") if (phone or "").strip() else "",
        "email": require_text(email, field="email", max_length=254, required=False),
    }


@transaction.atomic
def create_user(
    *,
    by: User,
    username: str,
    password: str,
    role: str,
    service_center: ServiceCenter | None,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    """Add a member of staff with one role. The password must pass ``AUTH_PASSWORD_VALIDATORS``.

    A service manager adds staff only to their own centre and never an administrator or a general
    manager. Staff accounts made here get no Django admin access (``is_staff`` stays off).
    """
    if not can_manage_settings(by):
        raise PermissionDeniedError("forbidden", _("Only service managers and admins may add users."))
    clean_username = require_text(username, field="username", max_length=150)
    _check_role_and_centre(by=by, role=role, service_center=service_center)
    person = _person_fields(first_name=first_name, last_name=last_name, phone=phone, email=email)
    if User.objects.filter(username__iexact=clean_username).exists():
        raise ConflictError("duplicate_username", _("This username is taken."), field="username")
    candidate = User(username=clean_username, role=role, service_center=service_center, **person)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationFailed("weak_password", " ".join(exc.messages), field="password") from exc
    candidate.set_password(password)
    candidate.save()
    _audit(
        by=by,
        action="accounts.create_user",
        detail={
            "user": candidate.pk,
            "username": clean_username,
            "role": role,
            "centre": service_center and service_center.pk,
        },
        target=candidate,
    )
    created = {"username": clean_username, "role": role, "service_center": service_center, **person}
    _announce(
        target=candidate, type="user.created", by=by, changes=_changed({}, {k: v for k, v in created.items() if v})
    )
    return candidate


@transaction.atomic
def update_user(
    *,
    user: User,
    by: User,
    role: str,
    service_center: ServiceCenter | None,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    """Change a user's role, centre, name or mobile. The same limits as ``create_user``; nobody changes
    their own role or centre here."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_manage_user(by, user)
    if user.pk == by.pk and (role != user.role or service_center != user.service_center):
        raise PermissionDeniedError("forbidden", _("You cannot change your own role or centre."), field="role")
    if role != user.role or service_center != user.service_center:
        _check_role_and_centre(by=by, role=role, service_center=service_center)
    fields = {
        "role": role,
        "service_center": service_center,
        **_person_fields(first_name=first_name, last_name=last_name, phone=phone, email=email),
    }
    previous = {"role": user.role, "service_center": user.service_center_id}
    before = {key: getattr(user, key) for key in fields}
    for key, value in fields.items():
        setattr(user, key, value)
    user.save(update_fields=list(fields))
    _audit(
        by=by,
        action="accounts.update_user",
        detail={"user": user.pk, "previous": previous, "new": {"role": role, "service_center": user.service_center_id}},
        target=user,
    )
    _announce(target=user, type="user.updated", by=by, changes=_changed(before, fields))
    return user


@transaction.atomic
def set_roles(*, user: User, roles: Iterable[str], by: User) -> User:
    """Give ``user`` the extra ``roles`` on top of their primary ``role``, replacing the extra roles
    they had (an empty list takes them all away; the primary role, if listed, is simply kept).

    Administrators only (403), and never for themselves; a user out of their scope, or a system
    actor, answers 404; an unknown role is refused with the names (``unknown_role``) and nothing
    is written. The history records the change as ``user.roles_changed``.
    """
    if not is_admin(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may give extra roles."))
    user_or_none = User.objects.select_for_update().filter(pk=user.pk, system_kind="").first()
    if user_or_none is None or not can_see_centre(by, user_or_none.service_center_id):
        raise NotFoundError("not_found", _("No such user."))
    user = user_or_none
    if user.pk == by.pk:
        raise PermissionDeniedError("forbidden", _("You cannot change your own roles."), field="roles")
    wanted = {str(role) for role in roles}
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        raise ValidationFailed(
            "unknown_role", _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}, field="roles"
        )
    extra = wanted - {user.role}
    before = sorted(extra_roles_of(user))
    UserRole.objects.filter(user=user).exclude(role__in=extra).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in sorted(extra - set(before))])
    if user.has_extra_roles != bool(extra):
        user.has_extra_roles = bool(extra)
        user.save(update_fields=["has_extra_roles"])
    forget_capabilities(user)
    after = sorted(extra)
    _audit(
        by=by,
        action="accounts.set_roles",
        detail={"user": user.pk, "previous": before, "new": after},
        target=user,
    )
    _announce(
        target=user, type="user.roles_changed", by=by, changes=_changed({"extra_roles": before}, {"extra_roles": after})
    )
    return user


# --- stand-ins (代班) -------------------------------------------------------------------------------


def _stand_in_label(stand_in: StandIn) -> str:
    return f"{stand_in.to_user} {stand_in.starts_on.isoformat()}–{stand_in.ends_on.isoformat()}"


@transaction.atomic
def create_stand_in(
    *,
    from_user: User,
    to_user: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    by: User,
) -> StandIn:
    """``to_user`` holds ``from_user``'s capabilities from ``starts_on`` to ``ends_on`` (whole days in
    Asia/Shanghai, both included), for the records of ``from_user``'s centre.

    Arranged by ``from_user`` themselves, a service manager of their centre or an administrator
    (403); either user outside the caller's scope answers 404. Both belong to the same centre unless
    an administrator arranges it; the dates run forward and not wholly in the past; one user has at
    most one stand-in at a time (409 ``stand_in_overlap``). Nothing is written on a refusal.
    """
    visible = users_visible_to(by).filter(is_active=True)
    # The giver's row is the lock: two overlapping stand-ins at once cannot both be created.
    giver = visible.select_for_update().filter(pk=from_user.pk).first()
    if giver is None:
        raise NotFoundError("not_found", _("No such user."), field="from_user_id")
    if not can_arrange_stand_in(by, giver):
        raise PermissionDeniedError("forbidden", _("You may not arrange a stand-in for this user."))
    taker = visible.filter(pk=to_user.pk).first()
    if taker is None:
        raise NotFoundError("not_found", _("No such user."), field="to_user_id")
    if taker.pk == giver.pk:
        raise ValidationFailed("stand_in_self", _("A user cannot stand in for themselves."), field="to_user_id")
    if taker.service_center_id != giver.service_center_id and not is_admin(by):
        raise ValidationFailed(
            "stand_in_other_centre", _("The stand-in must belong to the same service centre."), field="to_user_id"
        )
    if ends_on < starts_on:
        raise ValidationFailed("invalid_dates", _("The last day is before the first day."), field="ends_on")
    if ends_on < timezone.localdate():
        raise ValidationFailed("invalid_dates", _("The last day is already past."), field="ends_on")
    ahead = int(str(settings.AFTERSALES["STAND_IN_MAX_DAYS_AHEAD"]))
    if ends_on > timezone.localdate() + datetime.timedelta(days=ahead):
        # 2099 for 2026 is a typing slip, and a stand-in that long is a change of role, not cover.
        raise ValidationFailed(
            "invalid_dates",
            _("The last day can be at most %(days)d days ahead.") % {"days": ahead},
            field="ends_on",
        )
    clean_reason = require_text(reason, field="reason", max_length=field_max_length(StandIn, "reason"))
    overlapping = StandIn.objects.filter(
        from_user=giver, ended_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if overlapping.exists():
        raise ConflictError(
            "stand_in_overlap", _("This user already has a stand-in on some of these days."), field="starts_on"
        )
    stand_in = StandIn.objects.create(
        from_user=giver, to_user=taker, starts_on=starts_on, ends_on=ends_on, reason=clean_reason, created_by=by
    )
    if taker.stand_in_until is None or taker.stand_in_until < ends_on:
        User.objects.filter(pk=taker.pk).update(stand_in_until=ends_on)
    _audit(
        by=by,
        action="accounts.create_stand_in",
        detail={
            "stand_in": stand_in.pk,
            "from_user": giver.pk,
            "to_user": taker.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
        target=giver,
    )
    _announce(
        target=giver,
        type="user.stand_in_created",
        by=by,
        changes={"stand_ins_given": (None, _stand_in_label(stand_in))},
    )
    return stand_in


@transaction.atomic
def end_stand_in(*, stand_in_id: int, by: User) -> StandIn:
    """End a stand-in at once: it no longer holds from today on. Its ``ended_at`` is set and its
    ``ends_on`` becomes yesterday (or its first day, for one that had not begun); it is never
    deleted. Ended by the giver, the stand-in themselves, a manager of the giver's centre or an
    administrator; one out of the caller's sight answers 404, one already over 409 ``stand_in_over``."""
    stand_in = stand_ins_visible_to(by).select_for_update(of=("self",)).filter(pk=stand_in_id).first()
    if stand_in is None:
        raise NotFoundError("not_found", _("No such stand-in."))
    if by.pk != stand_in.to_user_id and not can_arrange_stand_in(by, stand_in.from_user):
        raise PermissionDeniedError("forbidden", _("You may not end this stand-in."))
    today = timezone.localdate()
    if stand_in.ended_at is not None or stand_in.ends_on < today:
        raise ConflictError("stand_in_over", _("This stand-in is already over."))
    before = _stand_in_label(stand_in)
    stand_in.ends_on = max(stand_in.starts_on, today - datetime.timedelta(days=1))
    stand_in.ended_at = timezone.now()
    stand_in.save(update_fields=["ends_on", "ended_at", "updated_at"])
    _audit(
        by=by,
        action="accounts.end_stand_in",
        detail={"stand_in": stand_in.pk, "ends_on": stand_in.ends_on.isoformat()},
        target=stand_in.from_user,
    )
    _announce(
        target=stand_in.from_user,
        type="user.stand_in_ended",
        by=by,
        changes={"stand_ins_given": (before, _stand_in_label(stand_in))},
    )
    return stand_in
