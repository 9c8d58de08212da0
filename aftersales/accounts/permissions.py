"""Who may see what: the one place that scopes records by service centre.

Technicians' order scope is in ``service.permissions``; every other context scopes by centre here.
"""

from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability, roles_of, roles_with
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import CompanyProfile, ServiceCenter, StandIn, User

# The accounts rows of the capability table (registered by AccountsConfig.ready()).
CAPABILITIES = (
    capability(
        "accounts.see_all_centres",
        _("See every service centre"),
        Role.GENERAL_MANAGER,
        Role.ADMIN,
        systems=SystemActor.values,
    ),
    capability("accounts.manage_settings", _("Open the settings screens"), Role.MANAGER, Role.ADMIN),
    capability("accounts.administer", _("Run the system (centres, administrators)"), Role.ADMIN),
)


class CentreScope(NamedTuple):
    """Which centres' records ``user`` sees: every centre, or the one ``centre_id`` (None: none)."""

    every: bool
    centre_id: int | None


def centre_scope(user: User) -> CentreScope:
    """``centre_filter`` as values, for a read compiled once with the centre as its parameter."""
    if not user.is_authenticated or not user.is_active:
        return CentreScope(every=False, centre_id=None)
    if user.sees_all_centres:
        return CentreScope(every=True, centre_id=None)
    return CentreScope(every=False, centre_id=user.service_center_id)


def centre_filter(user: User, *, field: str) -> Q | None:
    """A filter on ``field`` (a path to a ServiceCenter) for ``user``; ``None`` means every centre."""
    scope = centre_scope(user)
    if scope.every:
        return None
    if scope.centre_id is None:
        return Q(pk__in=[])
    return Q(**{field: scope.centre_id})


def scope_by_centre(qs: QuerySet, user: User, *, field: str) -> QuerySet:
    condition = centre_filter(user, field=field)
    return qs if condition is None else qs.filter(condition)


def centres_visible_to(user: User) -> QuerySet[ServiceCenter]:
    return scope_by_centre(ServiceCenter.objects.all(), user, field="pk")


def can_see_centre(user: User, centre_id: int | None) -> bool:
    """Whether records of centre ``centre_id`` are in ``user``'s scope (``None``: of no centre)."""
    return user.sees_all_centres or (user.service_center_id is not None and user.service_center_id == centre_id)


def is_admin(user: User) -> bool:
    return has_capability(user, "accounts.administer")


def can_open_admin_site(user: User) -> bool:
    """Django's admin refuses anyone who is not staff; of those, administrators use it."""
    return user.is_authenticated and user.is_active and user.is_staff and is_admin(user)


# --- settings screens (service centres, users and roles, product models, SLA policies) ----------


def admin_only_roles() -> frozenset[str]:
    """Roles a service manager may not hand out: they see every centre or run the system."""
    return roles_with("accounts.see_all_centres") | roles_with("accounts.administer")


def can_manage_settings(user: User) -> bool:
    """Service managers and administrators open the settings screens; each write checks more."""
    return has_capability(user, "accounts.manage_settings")


def can_create_centre(user: User) -> bool:
    return user.is_authenticated and user.is_active and is_admin(user)


def can_edit_centre(user: User, centre: ServiceCenter) -> bool:
    """Administrators edit every centre; a service manager edits only their own."""
    if not can_manage_settings(user):
        return False
    return is_admin(user) or user.service_center_id == centre.pk


def can_edit_company_profile(user: User) -> bool:
    """The company profile (name, hotline, the seller's particulars) is the whole company's: administrators."""
    return user.is_authenticated and user.is_active and is_admin(user)


def company_profile_visible_to(user: User) -> QuerySet[CompanyProfile]:
    """The profile row for its editors (its history panel); every page reads its values through
    ``accounts.selectors.company_profile`` instead."""
    qs = CompanyProfile.objects.all()
    return qs if can_edit_company_profile(user) else qs.none()


def peer_or_higher_roles() -> frozenset[str]:
    """Roles a service manager neither gives nor manages: their own rank (whoever opens the settings
    screens manages users too) and every role above it (ASVS 5.0 V8.2.1: no one manages a peer)."""
    return roles_with("accounts.manage_settings") | admin_only_roles()


def roles_assignable_by(user: User) -> list[str]:
    """The roles ``user`` may give: a manager only the roles below their own (never a service manager,
    a general manager or an administrator); an administrator every role."""
    if not can_manage_settings(user):
        return []
    if is_admin(user):
        return list(Role.values)
    return [role for role in Role.values if role not in peer_or_higher_roles()]


def users_visible_to(user: User) -> QuerySet[User]:
    """Staff of the user's centre (all for those who see every centre); never the system actors."""
    return scope_by_centre(User.objects.filter(system_kind=""), user, field="service_center")


def can_manage_user(by: User, target: User) -> bool:
    """Administrators manage everyone; a manager manages the staff of their own centre below them:
    never themselves (no one raises their own role), never a fellow manager or anyone above (by any of
    their roles, extra ones included), so one manager cannot demote or deactivate another."""
    if not can_manage_settings(by):
        return False
    if is_admin(by):
        return True
    return (
        target.pk != by.pk
        and not target.is_superuser
        and not roles_of(target) & peer_or_higher_roles()
        and target.service_center_id is not None
        and target.service_center_id == by.service_center_id
    )


# --- stand-ins (代班) -------------------------------------------------------------------------------


def can_arrange_stand_in(by: User, from_user: User) -> bool:
    """A stand-in for ``from_user`` is arranged (or ended) by themselves, a service manager of their
    centre, or an administrator."""
    if not by.is_authenticated or not by.is_active:
        return False
    if by.pk == from_user.pk or is_admin(by):
        return True
    return (
        can_manage_settings(by)
        and by.service_center_id is not None
        and by.service_center_id == from_user.service_center_id
    )


def stand_ins_visible_to(user: User) -> QuerySet[StandIn]:
    """The stand-ins ``user`` may see: their own (given or taken); a manager also their centre's,
    an administrator every one."""
    qs = StandIn.objects.select_related("from_user", "to_user")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    mine = Q(from_user=user) | Q(to_user=user)
    if can_manage_settings(user) and user.service_center_id is not None:
        mine |= Q(from_user__service_center_id=user.service_center_id)
    return qs.filter(mine)
