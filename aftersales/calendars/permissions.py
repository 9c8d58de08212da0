"""Who may change the working-day calendar: it moves every centre's due dates, so administrators only."""

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import has_any_role, is_admin


def can_edit_calendar(user: User) -> bool:
    return user.is_authenticated and user.is_active and is_admin(user)


def plans_with_calendar(user: User) -> bool:
    """Those whose work follows the working days get the calendar in their menu (anyone may open it)."""
    return has_any_role(user, (Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.GENERAL_MANAGER))


def sees_calendar_warning(user: User) -> bool:
    """The "next year has no calendar" warning on the home page: administrators enter the year,
    service managers chase them and answer for the due dates."""
    return has_any_role(user, (Role.MANAGER,))
