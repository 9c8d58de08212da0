"""The pretend area's predicates: off unless ``settings.AREA_ENABLED``; then managers and admins
manage areas, and every desk role but finance sees the menu entry."""

from django.conf import settings

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User


def _on() -> bool:
    return bool(getattr(settings, "AREA_ENABLED", False))


def can_see_areas(user: User) -> bool:
    return _on() and user.role != Role.FINANCE


def can_manage_areas(user: User) -> bool:
    return _on() and (user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN))
