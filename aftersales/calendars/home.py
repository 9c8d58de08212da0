"""The "next year has no working-day calendar" warning, on the home page (a registered panel) and on
the calendar screen (``{% calendar_banner always=True %}``)."""

import datetime
from typing import Any

from django.urls import reverse

from aftersales.calendars.permissions import can_edit_calendar, sees_calendar_warning
from aftersales.calendars.selectors import business_timezone, year_is_known
from aftersales.core.registry import HomeContext, HomePanel, home_panels


def next_year_warning(user: Any, *, now: datetime.datetime, always: bool = False) -> dict[str, Any] | None:
    """The warning's context when next year (in the company's time zone) is neither bundled nor
    entered, else ``None``. Without ``always`` only the users ``sees_calendar_warning`` picks get it.
    At most one query, and none while next year is covered by the bundled data."""
    if user is None or not user.is_authenticated or not (always or sees_calendar_warning(user)):
        return None
    next_year = now.astimezone(business_timezone()).year + 1
    if year_is_known(year=next_year):
        return None
    return {
        "show": True,
        "next_year": next_year,
        "can_edit": can_edit_calendar(user),
        "calendar_url": reverse("calendars:calendar"),
    }


def warning_panel(home: HomeContext) -> dict[str, Any] | None:
    return next_year_warning(home.user, now=home.now)


def register_home_panels() -> None:
    home_panels.register(
        HomePanel(
            "calendars.next_year",
            "calendars/_next_year_banner.html",
            warning_panel,
            10,
            "aftersales.calendars.permissions.sees_calendar_warning",
            slot="top",
        )
    )
