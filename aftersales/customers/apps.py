from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.customers.models import Customer
        from aftersales.customers.permissions import CAPABILITIES, customers_visible_to
        from aftersales.history.registry import register_target, register_types

        register_capabilities(CAPABILITIES)
        register_target("customer", model=Customer, visible_to=customers_visible_to)
        register_types(
            {
                "customer.created": _("Customer added"),
                "customer.updated": _("Customer changed"),
                "customer.contact_added": _("Contact added"),
                "customer.site_added": _("Site added"),
            }
        )
