"""Users: the system actors, creating, editing, deactivating, roles and the console language."""

from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import extra_roles_of, forget_capabilities, roles_with
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import ApiToken, ServiceCenter, User, UserRole
from aftersales.accounts.permissions import (
    can_manage_settings,
    can_manage_user,
    can_see_centre,
    is_admin,
    roles_assignable_by,
)
from aftersales.accounts.services.common import _announce, _audit, _changed
from aftersales.accounts.signals import account_changed
from aftersales.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.phones import normalize_phone
from aftersales.core.validation import require_text


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


def _set_password(user: User, password: str, *, field: str) -> None:
    """Set ``password`` on ``user`` (not saved) once it passes ``AUTH_PASSWORD_VALIDATORS``; 400
    ``weak_password`` at ``field`` otherwise."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed("weak_password", " ".join(exc.messages), field=field) from exc
    user.set_password(password)


@transaction.atomic
def reset_user_password(*, user: User, by: User, password: str) -> User:
    """Give ``user`` a new password (the one who forgot theirs, or a demo user before going live,
    docs/demo.md). The same limits as ``update_user`` (403 / 404), and nobody their own here: that
    needs the current password. The password must pass ``AUTH_PASSWORD_VALIDATORS`` (400
    ``weak_password``). Changing it ends the user's sessions (Django checks the password hash on
    every request); their API tokens stay: revoke them, or deactivate the user, when the account
    is compromised. The history records ``user.password_reset``, never the password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_manage_user(by, user)
    if user.pk == by.pk:
        raise PermissionDeniedError("forbidden", _("You cannot reset your own password here."), field="password")
    _set_password(user, password, field="password")
    user.save(update_fields=["password"])
    _audit(by=by, action="accounts.reset_password", detail={"user": user.pk, "username": user.username}, target=user)
    account_changed.send(sender=User, target=user, type="user.password_reset", by=by, changes=None)
    return user


@transaction.atomic
def change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """The signed-in ``user`` changes their own password, giving the current one (400
    ``wrong_password`` on ``old_password`` otherwise); the new one must pass
    ``AUTH_PASSWORD_VALIDATORS`` (400 ``weak_password``). The caller keeps the session going
    (``update_session_auth_hash``); the user's other sessions end. Audit row and history
    ``user.password_changed``, never the password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ValidationFailed("wrong_password", _("Your current password is not right."), field="old_password")
    _set_password(user, new_password, field="new_password1")
    user.save(update_fields=["password"])
    _audit(by=user, action="accounts.change_own_password", detail={"user": user.pk}, target=user)
    account_changed.send(sender=User, target=user, type="user.password_changed", by=user, changes=None)
    return user


@transaction.atomic
def reactivate_user(*, user: User, by: User) -> User:
    """Let a deactivated user sign in again (deactivated by mistake, or back from a long leave), with
    the password they had; their API tokens are gone for good. The same limits as
    ``deactivate_user``; an active user is left as they are."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if by.pk == user.pk:
        raise PermissionDeniedError("forbidden", _("You may not manage this user."))
    _check_may_manage_user(by, user)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    _audit(by=by, action="accounts.reactivate_user", detail={"user": user.pk, "username": user.username}, target=user)
    _announce(target=user, type="user.reactivated", by=by, changes=_changed({"is_active": False}, {"is_active": True}))
    return user


def set_user_language(*, user: User, language: str) -> User:
    """Remember the console language the user chose (Simplified Chinese or English)."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError("invalid_language", _("Unknown language."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


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
    _set_password(candidate, password, field="password")
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
