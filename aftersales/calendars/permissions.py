"""Who may change the working-day calendar: it moves every centre's due dates, so administrators only."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.models import CalendarDay, CalendarYear

# The calendars rows of the capability table (registered by CalendarsConfig.ready()).
CAPABILITIES = (
    capability(
        "calendars.view_calendar",
        _("See the working-day calendar"),
        Role.DISPATCHER,
        Role.TECHNICIAN,
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("calendars.edit_calendar", _("Change the working-day calendar"), Role.ADMIN),
    # Outside the calendar screen only the people who act on it see the "next year missing" banner:
    # administrators enter the year, service managers chase them and answer for the due dates.
    capability(
        "calendars.see_missing_year", _("Be warned that next year's calendar is missing"), Role.MANAGER, Role.ADMIN
    ),
)


def plans_with_calendar(user: User) -> bool:
    """Those whose work follows the working days get the calendar in their menu (anyone may open it)."""
    return has_capability(user, "calendars.view_calendar")


def can_edit_calendar(user: User) -> bool:
    return has_capability(user, "calendars.edit_calendar")


def sees_calendar_warning(user: User) -> bool:
    """The "next year has no calendar" warning on the home page."""
    return has_capability(user, "calendars.see_missing_year")


def calendar_days_visible_to(user: User) -> QuerySet[CalendarDay]:
    """Everyone signed in may open the calendar, so may read its history."""
    if not (user.is_authenticated and user.is_active):
        return CalendarDay.objects.none()
    return CalendarDay.objects.all()


def calendar_years_visible_to(user: User) -> QuerySet[CalendarYear]:
    if not (user.is_authenticated and user.is_active):
        return CalendarYear.objects.none()
    return CalendarYear.objects.all()
