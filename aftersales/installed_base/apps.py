from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstalledBaseConfig(AppConfig):
    name = "aftersales.installed_base"
    verbose_name = _("Installed base")

    def ready(self) -> None:
        from aftersales.history.registry import register_target, register_types
        from aftersales.installed_base.models import Unit
        from aftersales.installed_base.permissions import units_visible_to

        register_target("unit", model=Unit, visible_to=units_visible_to)
        register_types(
            {
                "unit.registered": _("Unit registered"),
                "unit.proof_attached": _("Proof of purchase file attached"),
                "unit.proof_updated": _("Proof of purchase changed"),
            }
        )

        from aftersales.core.registry import ImportKind, import_kinds
        from aftersales.installed_base.imports import SERVICE_FIELDS, UNIT_COLUMNS

        import_kinds.register(
            ImportKind(
                "units",
                _("Units (installed base)"),
                UNIT_COLUMNS,
                "aftersales.installed_base.imports.UnitRows",
                "aftersales.installed_base.permissions.can_import_units",
                order=20,
                one_of=(("customer_name", "customer_id"),),
                service_fields=SERVICE_FIELDS,
            )
        )
