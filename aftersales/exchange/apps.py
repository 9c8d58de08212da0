from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "aftersales.exchange"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from aftersales.core.registry import NavEntry, navigation

        navigation.register(
            NavEntry(
                "import",
                _("Import"),
                "exchange:import",
                "upload",
                70,
                "aftersales.exchange.permissions.can_import",
                group="data",
            )
        )
