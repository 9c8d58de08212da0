from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "aftersales.calendars"
    verbose_name = _("Calendars")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.calendars.home import register_home_panels
        from aftersales.calendars.models import CalendarDay, CalendarYear
        from aftersales.calendars.permissions import (
            CAPABILITIES,
            calendar_days_visible_to,
            calendar_years_visible_to,
        )
        from aftersales.core.registry import NavEntry, navigation

        register_home_panels()
        from aftersales.history.registry import register_target, register_types

        register_capabilities(CAPABILITIES)

        navigation.register(
            NavEntry(
                "calendar",
                _("Calendar"),
                "calendars:calendar",
                "calendar3",
                60,
                "aftersales.calendars.permissions.plans_with_calendar",
                group="planning",
            )
        )
        register_target("calendar_day", model=CalendarDay, visible_to=calendar_days_visible_to)
        register_target("calendar_year", model=CalendarYear, visible_to=calendar_years_visible_to)
        register_types(
            {
                "calendar_day.set": _("Calendar day set"),
                "calendar_day.removed": _("Calendar day removed"),
                "calendar_year.entered": _("Year's calendar entered"),
            }
        )
