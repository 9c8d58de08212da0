from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "aftersales.calendars"
    verbose_name = _("Calendars")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.calendars.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)

        from aftersales.core.registry import NavEntry, navigation

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
