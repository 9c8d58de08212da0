from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.customers.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)
