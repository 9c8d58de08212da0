"""Which top-bar links each role sees. The rule lives here, not in templates.

A link shown is only a convenience: each screen still checks its own permission predicate.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    """One link in the top bar. ``roles`` empty means every signed-in user."""

    key: str
    label: str | Promise
    url: str
    icon: str
    roles: frozenset[str] = frozenset()
    exact: bool = False  # only active on this very path (used for "/")

    def is_active(self, path: str) -> bool:
        return path == self.url if self.exact else path.startswith(self.url)


_OFFICE = {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN}
_INTAKE = {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN}
_DISPATCH = {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}
_IMPORT = {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN}
_SETTINGS = {Role.MANAGER, Role.ADMIN}
_CALENDAR = {Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.GENERAL_MANAGER, Role.ADMIN}

NAV_ITEMS: tuple[NavItem, ...] = (
    # A technician's home redirects to "My jobs", so they get that link only.
    NavItem("home", _("Home"), "/", "house", frozenset(set(Role.values) - {Role.TECHNICIAN}), exact=True),
    NavItem("orders", _("Orders"), "/orders/", "card-list", frozenset(_OFFICE | {Role.PARTS_KEEPER})),
    NavItem("intake", _("Intake"), "/intake/", "telephone-plus", frozenset(_INTAKE)),
    NavItem("dispatch", _("Dispatch"), "/dispatch/", "diagram-3", frozenset(_DISPATCH)),
    NavItem("tech", _("My jobs"), "/tech/", "tools", frozenset({Role.TECHNICIAN})),
    NavItem("calendar", _("Calendar"), "/calendar/", "calendar3", frozenset(_CALENDAR)),
    NavItem("import", _("Import"), "/import/", "upload", frozenset(_IMPORT)),
    NavItem("settings", _("Settings"), "/settings/", "sliders", frozenset(_SETTINGS)),
    NavItem("admin", _("Admin"), "/admin/", "gear", frozenset({Role.ADMIN})),
)


def nav_items_for(user: User | AnonymousUser, *, items: Iterable[NavItem] = NAV_ITEMS) -> list[NavItem]:
    """The links ``user`` sees, in menu order. Anonymous users see none.

    Superusers see everything; the Django admin link also needs ``is_staff``, since the admin site
    refuses everybody else.
    """
    if not user.is_authenticated:
        return []
    role = getattr(user, "role", "")
    visible = []
    for item in items:
        if item.key == "admin":
            if user.is_staff and (role == Role.ADMIN or user.is_superuser):
                visible.append(item)
        elif user.is_superuser or not item.roles or role in item.roles:
            visible.append(item)
    return visible
