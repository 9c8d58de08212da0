"""What a user may do: one table of capabilities and the roles that hold them.

A capability is a dotted name, ``<app>.<verb>_<noun>`` (``service.assign_order``). Each app declares
its own in its ``permissions.py`` and registers them in its ``AppConfig.ready()`` with
:func:`register_capabilities`; ``accounts`` never imports the apps above it, so it only keeps the
table. Permission predicates (``can_assign(user, order)``) ask :func:`has_capability`, never
``user.role in (...)``.

The roles stay those of :class:`~aftersales.accounts.choices.Role`; a user holds their primary
``role`` and any extra roles (``UserRole``, given by ``services.set_roles``). A superuser holds every
capability. ``centre_id`` narrows a check to one service centre: the user must belong to it unless
they hold ``accounts.see_all_centres``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from aftersales.accounts.choices import Role, SystemActor

NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

# Seen by every check: the attribute a user object caches its capabilities under (one request).
CACHE_ATTRIBUTE = "_capability_cache"
EXTRA_ROLES_ATTRIBUTE = "_extra_roles_cache"
OWN_ATTRIBUTE = "_own_capability_cache"
HANDED_ATTRIBUTE = "_handed_capability_cache"


@dataclass(frozen=True)
class Capability:
    """One thing a user may do, the roles that hold it, and the system actors (service accounts of
    ``system_actor``) that hold it."""

    name: str
    label: str | Promise
    roles: frozenset[str] = field(default_factory=frozenset)
    systems: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ImproperlyConfigured(f"Capability {self.name!r} is not a dotted name like 'service.assign_order'.")
        unknown = set(self.roles) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(f"Capability {self.name!r} names unknown roles: {sorted(unknown)}.")
        unknown = set(self.systems) - set(SystemActor.values)
        if unknown:
            raise ImproperlyConfigured(f"Capability {self.name!r} names unknown system actors: {sorted(unknown)}.")
        object.__setattr__(self, "roles", frozenset(str(role) for role in self.roles))
        object.__setattr__(self, "systems", frozenset(str(kind) for kind in self.systems))


_registry: dict[str, Capability] = {}
_by_role: dict[str, frozenset[str]] | None = None


def capability(name: str, label: str | Promise, *roles: str, systems: Iterable[str] = ()) -> Capability:
    """Shorthand for the tables in the apps' ``permissions.py``."""
    return Capability(name=name, label=label, roles=frozenset(roles), systems=frozenset(systems))


def register_capabilities(capabilities: Iterable[Capability]) -> None:
    """Add an app's capabilities to the table (called from its ``AppConfig.ready()``).

    Registering the same definition twice is harmless; a different definition under a taken name
    is a mistake and refuses to start.
    """
    global _by_role
    for cap in capabilities:
        existing = _registry.get(cap.name)
        if existing is not None and (existing.roles, existing.systems) != (cap.roles, cap.systems):
            raise ImproperlyConfigured(f"Capability {cap.name!r} is registered twice with different roles.")
        _registry[cap.name] = cap
    _by_role = None


def registered() -> dict[str, Capability]:
    """The whole table, by name (for docs, the settings screen and tests)."""
    return dict(_registry)


def get_capability(name: str) -> Capability:
    try:
        return _registry[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown capability {name!r}: register it in its app's ready().") from None


def capabilities_of_role(role: str) -> frozenset[str]:
    global _by_role
    if _by_role is None:
        table: dict[str, set[str]] = {value: set() for value in Role.values}
        for cap in _registry.values():
            for held_by in cap.roles:
                table[held_by].add(cap.name)
        _by_role = {key: frozenset(value) for key, value in table.items()}
    return _by_role.get(role, frozenset())


def roles_with(name: str) -> frozenset[str]:
    """The roles that hold capability ``name``."""
    return get_capability(name).roles


def capabilities_of_system(kind: str) -> frozenset[str]:
    return frozenset(cap.name for cap in _registry.values() if kind in cap.systems)


def extra_roles_of(user: Any) -> frozenset[str]:
    """The roles ``user`` holds besides the primary one, read once and cached on the user object.

    No query for a user without extra roles (``has_extra_roles``), none for a list that prefetched
    ``extra_roles``, and one for the rest.
    """
    if getattr(user, "pk", None) is None or not getattr(user, "has_extra_roles", False):
        return frozenset()
    cached = getattr(user, EXTRA_ROLES_ATTRIBUTE, None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("extra_roles")
        rows = (
            (row.role for row in prefetched)
            if prefetched is not None
            else user.extra_roles.values_list("role", flat=True)
        )
        cached = frozenset(rows)
        setattr(user, EXTRA_ROLES_ATTRIBUTE, cached)
    return cached


def roles_of(user: Any) -> frozenset[str]:
    """Every role ``user`` holds: the primary one and the extra ones (a system actor holds none)."""
    if getattr(user, "system_kind", ""):
        return frozenset()
    role = getattr(user, "role", "")
    return (frozenset({role}) if role else frozenset()) | extra_roles_of(user)


def holds_through_role(user: Any, name: str) -> bool:
    """Whether one of ``user``'s own roles holds ``name`` (not a stand-in): e.g. "is a technician"
    for the people an order may be given to."""
    roles = roles_with(name)
    return bool(getattr(user, "is_active", False)) and any(role in roles for role in roles_of(user))


@dataclass(frozen=True)
class Handed:
    """The capabilities one active stand-in hands to its ``to_user`` today: the giver's own, valid
    for the giver's centre (every centre when the giver sees all of them)."""

    capabilities: frozenset[str]
    centre_id: int | None
    all_centres: bool

    def covers(self, name: str, centre_id: int | None) -> bool:
        return name in self.capabilities and (centre_id is None or self.all_centres or self.centre_id == centre_id)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def own_capabilities_of(user: Any) -> frozenset[str]:
    """The capabilities ``user`` holds through their own roles (or as a system actor), cached."""
    if not _active(user):
        return frozenset()
    cached = getattr(user, OWN_ATTRIBUTE, None)
    if cached is None:
        held: set[str] = set(capabilities_of_system(getattr(user, "system_kind", "")))
        for role in roles_of(user):
            held |= capabilities_of_role(role)
        cached = frozenset(held)
        setattr(user, OWN_ATTRIBUTE, cached)
    return cached


def handed_to(user: Any) -> tuple[Handed, ...]:
    """What the stand-ins (代班) in force today hand to ``user``, read once per user object.

    No query at all when ``User.stand_in_until`` (the last day of any stand-in to this user) is
    before today. Only the givers' own capabilities are handed on (no chains of stand-ins).
    """
    if not _active(user) or getattr(user, "system_kind", "") or getattr(user, "pk", None) is None:
        return ()
    until = getattr(user, "stand_in_until", None)
    today = timezone.localdate()
    if until is None or until < today:
        return ()
    cached = getattr(user, HANDED_ATTRIBUTE, None)
    if cached is None:
        stand_in = apps.get_model("accounts", "StandIn")
        rows = stand_in.objects.in_force(today).filter(to_user_id=user.pk).select_related("from_user")
        handed = []
        for row in rows:
            caps = own_capabilities_of(row.from_user)
            handed.append(Handed(caps, row.from_user.service_center_id, "accounts.see_all_centres" in caps))
        cached = tuple(handed)
        setattr(user, HANDED_ATTRIBUTE, cached)
    return cached


def capabilities_of(user: Any) -> frozenset[str]:
    """Every capability ``user`` holds: through their roles, and handed to them today by a stand-in.
    Cached on the user object.

    ``request.user`` is loaded once per request, so the cache lives as long as the request; a
    service that changes a user's roles calls :func:`forget_capabilities`.
    """
    if not _active(user):
        return frozenset()
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    held = set(own_capabilities_of(user))
    for handed in handed_to(user):
        held |= handed.capabilities
    result = frozenset(held)
    setattr(user, CACHE_ATTRIBUTE, result)
    return result


def forget_capabilities(user: Any) -> None:
    for attribute in (CACHE_ATTRIBUTE, EXTRA_ROLES_ATTRIBUTE, OWN_ATTRIBUTE, HANDED_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


def sees_all_centres(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser) or "accounts.see_all_centres" in capabilities_of(user)


def scope_fingerprint(user: Any) -> str:
    """What decides what ``user`` may do and see today, as text: their roles, centre, superuser flag
    and the stand-ins in force. A copy of a computed screen kept for a reader (``core.kept``) is kept
    under it, so a reader moved to another centre or given another role reads a new copy at once."""
    roles = ",".join(sorted(str(role) for role in roles_of(user)))  # a Role member and its text read alike
    handed = sorted(f"{h.centre_id}:{h.all_centres}:{','.join(sorted(h.capabilities))}" for h in handed_to(user))
    return f"{user.pk}|{roles}|{user.service_center_id}|{user.is_superuser}|{';'.join(handed)}"


def has_capability(user: Any, name: str, *, centre_id: int | None = None) -> bool:
    """Whether ``user`` may do ``name`` (for records of centre ``centre_id`` when given), through
    their own roles or a stand-in in force today."""
    get_capability(name)  # an unknown name is a programming error, not a "no"
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser or name in own_capabilities_of(user):
        if centre_id is None or sees_all_centres(user) or user.service_center_id == centre_id:
            return True
    # Through a stand-in: for the records of the giver's centre only.
    return any(handed.covers(name, centre_id) for handed in handed_to(user))


def users_with_capability(name: str, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Active users holding ``name`` through a role, primary or extra (for pick lists such as the
    technicians).

    (``models`` imports this module for ``User.sees_all_centres``, hence ``get_user_model``.)"""
    model = get_user_model()
    qs = model.objects.all() if queryset is None else queryset
    roles = roles_with(name)
    extra = model.objects.filter(extra_roles__role__in=roles).values("pk")
    return qs.filter(Q(role__in=roles) | Q(pk__in=extra), is_active=True, system_kind="")
