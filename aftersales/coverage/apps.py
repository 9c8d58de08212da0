from django.apps import AppConfig
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "aftersales.coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.coverage import sources
        from aftersales.coverage.models import LifetimeItem, SerialDateRule
        from aftersales.coverage.permissions import CAPABILITIES
        from aftersales.history.registry import register_target, register_types
        from aftersales.history.visibility import settings_only

        sources.register_builtin_sources()
        register_capabilities(CAPABILITIES)
        register_target(
            "serial_date_rule",
            model=SerialDateRule,
            visible_to=settings_only(lambda user: SerialDateRule.objects.all()),
        )
        register_target(
            "lifetime_item", model=LifetimeItem, visible_to=settings_only(lambda user: LifetimeItem.objects.all())
        )
        register_settings_sections()
        register_types(
            {
                "serial_date_rule.created": _("Serial-date rule added"),
                "serial_date_rule.updated": _("Serial-date rule changed"),
                "lifetime_item.created": _("Lifetime-covered item added"),
                "lifetime_item.updated": _("Lifetime-covered item changed"),
            }
        )

        from aftersales.core.registry import ExportKind, export_kinds
        from aftersales.coverage.exports import UNIT_EXPORT_COLUMNS

        export_kinds.register(
            ExportKind(
                "units",
                _("Units (installed base)"),
                UNIT_EXPORT_COLUMNS,
                "aftersales.coverage.exports.unit_rows",
                "aftersales.installed_base.permissions.can_export_units",
                order=30,
            )
        )


def _with_model(user: object, qs: QuerySet) -> QuerySet:
    return qs.select_related("product_model").order_by("product_model__code", "id")


def register_settings_sections() -> None:
    from aftersales.core.registry import SettingsColumn, SettingsSection, settings_sections

    can_edit = "aftersales.coverage.permissions.can_edit_coverage_rules"
    settings_sections.register(
        SettingsSection(
            "serial-date-rules",
            _("Serial-date rules"),
            "upc-scan",
            35,
            can_edit,
            model="aftersales.coverage.models.SerialDateRule",
            form="aftersales.coverage.forms.SerialDateRuleForm",
            columns=(
                SettingsColumn(_("Product model"), "product_model.code", kind="mono", link=True),
                SettingsColumn(_("Serial prefix"), "serial_prefix", kind="mono", link=True),
                SettingsColumn(_("Date format"), "get_date_format_display"),
                SettingsColumn(_("Date position"), "date_position"),
                SettingsColumn(_("Grace months"), "grace_months"),
                SettingsColumn(_("Status"), "is_active", kind="active"),
            ),
            create="aftersales.coverage.services.create_serial_date_rule",
            update="aftersales.coverage.services.update_serial_date_rule",
            object_kwarg="rule",
            scope=_with_model,
            create_label=_("Add rule"),
        )
    )
    settings_sections.register(
        SettingsSection(
            "lifetime-items",
            _("Lifetime-covered items"),
            "infinity",
            36,
            can_edit,
            model="aftersales.coverage.models.LifetimeItem",
            form="aftersales.coverage.forms.LifetimeItemForm",
            columns=(
                SettingsColumn(_("Product model"), "product_model.code", kind="mono"),
                SettingsColumn(_("Item code"), "code", kind="mono", link=True),
                SettingsColumn(_("Name"), "name", link=True),
                SettingsColumn(_("Status"), "is_active", kind="active"),
            ),
            create="aftersales.coverage.services.create_lifetime_item",
            update="aftersales.coverage.services.update_lifetime_item",
            object_kwarg="item",
            scope=_with_model,
            create_label=_("Add item"),
        )
    )
