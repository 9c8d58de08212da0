"""Who may see what: the one place that scopes records by service centre.

Technicians' order scope is in ``service.permissions``; every other context scopes by centre here.
"""

from django.db.models import Q, QuerySet

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User

STAFF_WRITERS = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


def centre_filter(user: User, *, field: str) -> Q | None:
    """A filter on ``field`` (a path to a ServiceCenter) for ``user``; ``None`` means every centre."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_all_centres:
        return None
    if user.service_center_id is None:
        return Q(pk__in=[])
    return Q(**{field: user.service_center_id})


def scope_by_centre(qs: QuerySet, user: User, *, field: str) -> QuerySet:
    condition = centre_filter(user, field=field)
    return qs if condition is None else qs.filter(condition)


def centres_visible_to(user: User) -> QuerySet[ServiceCenter]:
    return scope_by_centre(ServiceCenter.objects.all(), user, field="pk")


def can_see_centre(user: User, centre_id: int) -> bool:
    return user.sees_all_centres or user.service_center_id == centre_id


def is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def has_any_role(user: User, roles: tuple[str, ...]) -> bool:
    return user.is_superuser or user.role in roles or user.role == Role.ADMIN
