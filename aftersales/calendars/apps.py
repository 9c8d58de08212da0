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
        # The cached calendar (selectors.entered_calendar) is forgotten on any change, whoever makes it.
        from django.db.models.signals import post_delete, post_save

        from aftersales.calendars.selectors import calendar_changed

        for model in (CalendarDay, CalendarYear):
            post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar-changed-save-{model.__name__}")
            post_delete.connect(
                calendar_changed, sender=model, dispatch_uid=f"calendar-changed-delete-{model.__name__}"
            )
        register_target("calendar_day", model=CalendarDay, visible_to=calendar_days_visible_to)
        register_target("calendar_year", model=CalendarYear, visible_to=calendar_years_visible_to)
        register_types(
            {
                "calendar_day.set": _("Calendar day set"),
                "calendar_day.removed": _("Calendar day removed"),
                "calendar_year.entered": _("Year's calendar entered"),
                "calendar_year.unmarked": _("Year no longer marked as entered"),
            }
        )
