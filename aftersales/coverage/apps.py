from django.apps import AppConfig
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
        register_types(
            {
                "serial_date_rule.created": _("Serial-date rule added"),
                "serial_date_rule.updated": _("Serial-date rule changed"),
                "lifetime_item.created": _("Lifetime-covered item added"),
                "lifetime_item.updated": _("Lifetime-covered item changed"),
            }
        )
