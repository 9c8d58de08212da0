from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "aftersales.catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.catalog.models import ProductModel
        from aftersales.catalog.permissions import CAPABILITIES, product_models_visible_to
        from aftersales.history.registry import register_target, register_types

        register_capabilities(CAPABILITIES)
        register_target("product_model", model=ProductModel, visible_to=product_models_visible_to)
        register_types(
            {
                "product_model.created": _("Product model added"),
                "product_model.updated": _("Product model changed"),
            }
        )

        from aftersales.core.registry import SettingsSection, settings_sections

        settings_sections.register(
            SettingsSection(
                "product_models",
                _("Product models"),
                "box-seam",
                30,
                "aftersales.catalog.permissions.can_edit_catalog",
                url_name="catalog:productmodel_list",
            )
        )
