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
                "customer.contact_updated": _("Contact changed"),
                "customer.contact_retired": _("Contact taken out of use"),
                "customer.contact_reinstated": _("Contact back in use"),
                "customer.site_updated": _("Site changed"),
                "customer.site_retired": _("Site taken out of use"),
                "customer.site_reinstated": _("Site back in use"),
            }
        )

        from aftersales.core.registry import ImportKind, import_kinds
        from aftersales.customers.imports import CUSTOMER_COLUMNS, SERVICE_FIELDS

        import_kinds.register(
            ImportKind(
                "customers",
                _("Customers"),
                CUSTOMER_COLUMNS,
                "aftersales.customers.imports.CustomerRows",
                "aftersales.customers.permissions.can_import_customers",
                order=10,
                service_fields=SERVICE_FIELDS,
            )
        )

        from aftersales.core.registry import ExportKind, export_kinds
        from aftersales.customers.exports import CUSTOMER_EXPORT_COLUMNS

        export_kinds.register(
            ExportKind(
                "customers",
                _("Customers"),
                CUSTOMER_EXPORT_COLUMNS,
                "aftersales.customers.exports.customer_rows",
                "aftersales.customers.permissions.can_export_customers",
                order=20,
                audit=True,  # every contact's phone number
            )
        )
