from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RepurchaseConfig(AppConfig):
    name = "aftersales.repurchase"
    verbose_name = _("Sale and repurchase")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core import registry
        from aftersales.history.registry import register_target, register_types
        from aftersales.repurchase import permissions
        from aftersales.repurchase.choices import (
            CLASSIFICATION_BADGES,
            STATUS_BADGES,
            Classification,
            Status,
        )
        from aftersales.repurchase.exports import COLUMNS
        from aftersales.repurchase.models import RepurchaseContract

        register_capabilities(permissions.CAPABILITIES)
        registry.register_badges("repurchase.Status", Status, STATUS_BADGES)
        registry.register_badges("repurchase.Classification", Classification, CLASSIFICATION_BADGES)
        registry.navigation.register(
            registry.NavEntry(
                "repurchase",
                _("Repurchase"),
                "repurchase:index",
                "arrow-repeat",
                75,
                "aftersales.repurchase.permissions.can_see_repurchase",
                group="planning",
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "repurchase_entries",
                _("Repurchase journal entries"),
                COLUMNS,
                "aftersales.repurchase.exports.entry_rows",
                "aftersales.repurchase.permissions.can_see_repurchase",
                order=85,
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "repurchase.remind_deadlines",
                "aftersales.repurchase.services.remind_deadlines",
                interval=settings.AFTERSALES.get("REPURCHASE_REMIND_SECONDS", 3600),
                task="aftersales.repurchase.tasks.remind_deadlines",
            )
        )
        register_target("repurchase_contract", model=RepurchaseContract, visible_to=permissions.contracts_visible_to)
        register_types(
            {
                "repurchase.created": _("Repurchase clause recorded"),
                "repurchase.changed": _("Repurchase clause changed"),
                "repurchase.posted": _("Entries at the sale posted"),
                "repurchase.exercised": _("Buy-back posted"),
                "repurchase.lapsed": _("Lapse posted"),
                "repurchase.reversed": _("Entries reversed"),
            }
        )
