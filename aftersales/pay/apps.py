from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayConfig(AppConfig):
    name = "aftersales.pay"
    verbose_name = _("Pay and performance")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core import registry
        from aftersales.history.registry import register_target, register_types
        from aftersales.pay import permissions
        from aftersales.pay.choices import RUN_STATUS_BADGES, RunStatus
        from aftersales.pay.exports import COLUMNS as STATEMENT_COLUMNS
        from aftersales.pay.figures import register_figures
        from aftersales.pay.models import PayPlan, PayProfile, PayRun, PayStatement

        register_capabilities(permissions.CAPABILITIES)
        register_figures()
        registry.register_badges("pay.RunStatus", RunStatus, RUN_STATUS_BADGES)
        registry.navigation.register(
            registry.NavEntry(
                "pay",
                _("Pay"),
                "pay:index",
                "cash-coin",
                70,
                "aftersales.pay.permissions.can_see_pay",
                group="planning",
            )
        )
        registry.home_panels.register(
            registry.HomePanel(
                "pay.runs",
                "pay/home/_panel.html",
                "aftersales.pay.home.pay_panel",
                150,
                "aftersales.pay.permissions.can_see_pay",
                slot="side",
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "pay_statements",
                _("Pay statements"),
                STATEMENT_COLUMNS,
                "aftersales.pay.exports.statement_rows",
                "aftersales.pay.permissions.manages_pay",
                order=80,
                audit=True,
            )
        )
        register_target("pay_plan", model=PayPlan, visible_to=permissions.plans_visible_to)
        register_target("pay_profile", model=PayProfile, visible_to=permissions.profiles_visible_to)
        register_target("pay_run", model=PayRun, visible_to=permissions.runs_visible_to)
        register_target("pay_statement", model=PayStatement, visible_to=permissions.statements_visible_to)
        register_types(
            {
                "pay_plan.created": _("Pay plan saved"),
                "pay_plan.changed": _("Pay plan changed"),
                "pay_profile.created": _("Pay profile created"),
                "pay_profile.changed": _("Pay profile changed"),
                "pay_run.created": _("Pay run started"),
                "pay_run.recomputed": _("Pay run recomputed"),
                "pay_run.reviewed": _("Pay run reviewed"),
                "pay_run.draft": _("Pay run reopened"),
                "pay_run.approved": _("Pay run approved"),
                "pay_run.adjusted": _("Adjustment added"),
                "pay_statement.entered": _("Statement entries changed"),
            }
        )
