from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """Cross-cutting staff screens (sign-in, home, language) and the shared template tags."""

    name = "aftersales.console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from aftersales.core.registry import NavEntry, navigation

        navigation.register(
            NavEntry(
                "home",
                _("Home"),
                "console:home",
                "house",
                10,
                "aftersales.console.permissions.has_home_page",
                exact=True,
            )
        )
        navigation.register(
            NavEntry(
                "admin",
                _("Admin"),
                "admin:index",
                "gear",
                90,
                "aftersales.accounts.permissions.can_open_admin_site",
                group="admin",
            )
        )
