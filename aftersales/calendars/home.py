"""The "next year has no working-day calendar" warning, on the home page (a registered panel) and on
the calendar screen (``{% calendar_banner always=True %}``)."""

import datetime
from typing import Any

from django.urls import reverse

from aftersales.calendars.permissions import can_edit_calendar, sees_calendar_warning
from aftersales.calendars.selectors import business_timezone, year_is_known
from aftersales.core.registry import HomeContext, HomePanel, home_panels


def next_year_warning(user: Any, *, now: datetime.datetime, always: bool = False) -> dict[str, Any] | None:
    """The warning's context when this year or next year (in the company's time zone) is neither
    bundled nor entered — this year first: in a January nobody entered, this year's due dates carry the
    warning already (found by hand, 2026-12-07: only next year was named) — else ``None``. Without
    ``always`` only the users ``sees_calendar_warning`` picks get it. The entered years come from the
    cache (``entered_calendar``): no query while both years are bundled, at most one otherwise."""
    if user is None or not user.is_authenticated or not (always or sees_calendar_warning(user)):
        return None
    this_year = now.astimezone(business_timezone()).year
    unknown = next((year for year in (this_year, this_year + 1) if not year_is_known(year=year)), None)
    if unknown is None:
        return None
    return {
        "show": True,
        "next_year": unknown,
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
