from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.accounts.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)

        from aftersales.core.registry import NavEntry, navigation

        navigation.register(
            NavEntry(
                "settings",
                _("Settings"),
                "accounts:settings",
                "sliders",
                80,
                "aftersales.accounts.permissions.can_manage_settings",
                group="admin",
            )
        )
