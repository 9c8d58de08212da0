from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "aftersales.workforce"
    verbose_name = _("Field workforce")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core import registry
        from aftersales.workforce import choices
        from aftersales.workforce.home import register_home_panels
        from aftersales.workforce.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)
        registry.register_badges("workforce.ClaimStatus", choices.ClaimStatus, choices.CLAIM_STATUS_BADGES)
        registry.register_badges("workforce.AbsenceStatus", choices.AbsenceStatus, choices.ABSENCE_STATUS_BADGES)
        registry.register_badges("workforce.OvertimeStatus", choices.OvertimeStatus, choices.OVERTIME_STATUS_BADGES)
        registry.register_badges("workforce.TripStatus", choices.TripStatus, choices.TRIP_STATUS_BADGES)
        registry.dispatch_checks.register(
            registry.DispatchCheck(
                "workforce.absence", "aftersales.workforce.dispatch.absence_refusals", 10, overridable=False
            )
        )
        registry.dispatch_checks.register(
            registry.DispatchCheck("workforce.certificate", "aftersales.workforce.dispatch.certificate_refusals", 20)
        )
        permissions = "aftersales.workforce.permissions"
        registry.navigation.register(
            registry.NavEntry(
                "workforce.me", _("My day"), "workforce:me", "phone", 52, f"{permissions}.keeps_own_records"
            )
        )
        registry.navigation.register(
            registry.NavEntry(
                "workforce.claims",
                _("Expense claims"),
                "workforce:claims",
                "receipt",
                54,
                f"{permissions}.sees_workforce",
            )
        )
        registry.navigation.register(
            registry.NavEntry(
                "workforce.staff",
                _("Field staff"),
                "workforce:staff",
                "people",
                62,
                f"{permissions}.sees_staff",
                group="planning",
            )
        )
        register_home_panels()
