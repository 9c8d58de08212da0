from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from aftersales.core import (
            checks,  # noqa: F401  (registers system checks)
            lookups,  # noqa: F401  (registers field__literal_in, field__any)
            registry,
            sessions,
        )

        user_logged_in.connect(sessions.remember_sign_in, dispatch_uid="aftersales.core.sessions.remember_sign_in")

        # The top bar's groups, in order; each app puts its links in one (docs/architecture.md).
        registry.nav_groups.register(registry.NavGroup("work", _("Work"), 10))
        registry.nav_groups.register(registry.NavGroup("planning", _("Planning"), 20))
        registry.nav_groups.register(registry.NavGroup("data", _("Data"), 30))
        registry.nav_groups.register(registry.NavGroup("admin", _("Administration"), 40))
        registry.navigation.register(
            registry.NavEntry(
                "settings",
                _("Settings"),
                "core_settings:index",
                "sliders",
                80,
                "aftersales.core.settings_views.can_open_settings",
                group="admin",
            )
        )
