from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "aftersales.catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.catalog.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)
