from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "aftersales.contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.contracts import config
        from aftersales.contracts.choices import (
            CONTRACT_STATUS_BADGES,
            PROBLEM_STATUS_BADGES,
            SEVERITY_BADGES,
            VISIT_STATUS_BADGES,
            ContractStatus,
            ProblemStatus,
            Severity,
            VisitStatus,
        )
        from aftersales.contracts.coverage import PRECEDENCE, contract_bears, contract_covers, prepared_terms
        from aftersales.contracts.models import Contract, Project
        from aftersales.contracts.permissions import CAPABILITIES, in_scope
        from aftersales.contracts.services.visits import on_status_changed
        from aftersales.core import registry
        from aftersales.core.panels import RecordPanel
        from aftersales.coverage.registry import register_source
        from aftersales.history.registry import register_target, register_types
        from aftersales.money.rules import register_bearer_rule
        from aftersales.service.panels import VisitPanel, order_panels, visit_panels
        from aftersales.service.signals import order_status_changed

        register_capabilities(CAPABILITIES)
        register_source(
            key="contract",
            precedence=PRECEDENCE,
            decide=contract_covers,
            label=_("Service contract"),
            prepare=prepared_terms,
        )
        register_bearer_rule(contract_bears)
        order_status_changed.connect(on_status_changed, dispatch_uid="contracts.on_status_changed")

        registry.register_badges("contracts.ContractStatus", ContractStatus, CONTRACT_STATUS_BADGES)
        registry.register_badges("contracts.VisitStatus", VisitStatus, VISIT_STATUS_BADGES)
        registry.register_badges("contracts.Severity", Severity, SEVERITY_BADGES)
        registry.register_badges("contracts.ProblemStatus", ProblemStatus, PROBLEM_STATUS_BADGES)

        permissions = "aftersales.contracts.permissions"
        registry.nav_groups.register(registry.NavGroup("contracts", _("Contracts"), 17))
        # One entry: the visit calendar and the projects are reached from the contract list.
        registry.navigation.register(
            registry.NavEntry(
                "contracts",
                _("Contracts"),
                "contracts:contract_list",
                "file-earmark-text",
                30,
                f"{permissions}.can_view_contracts",
                group="contracts",
            )
        )

        from aftersales.contracts.exports import CONTRACT_COLUMNS, PROJECT_COLUMNS

        registry.export_kinds.register(
            registry.ExportKind(
                "contracts",
                _("Contracts"),
                CONTRACT_COLUMNS,
                "aftersales.contracts.exports.contract_rows",
                f"{permissions}.can_view_contracts",
                order=75,
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "projects",
                _("Projects"),
                PROJECT_COLUMNS,
                "aftersales.contracts.exports.project_rows",
                f"{permissions}.can_view_contracts",
                order=76,
            )
        )
        order_panels.register(RecordPanel("contracts.visit", 30, "aftersales.contracts.panels.order_panel"))
        visit_panels.register(VisitPanel("contracts.checklist", 30, "aftersales.contracts.panels.visit_panel"))
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "contracts.visits",
                "aftersales.contracts.services.visits.run_visit_sweep",
                interval=config.sweep_seconds(),
                task="aftersales.contracts.tasks.sweep_visits",
            )
        )
        register_target("contract", model=Contract, visible_to=lambda user: in_scope(Contract.objects.all(), user))
        register_target("project", model=Project, visible_to=lambda user: in_scope(Project.objects.all(), user))
        register_types(
            {
                "contract.created": _("Contract created"),
                "contract.cancelled": _("Contract cancelled"),
                "contract.plan_added": _("Visit plan added"),
                "contract.expected": _("Amount expected booked"),
                "contract.received": _("Money received booked"),
                "contract.correction": _("Correction booked"),
                "contract.deposit_released": _("Deposit released"),
                "project.opened": _("Project record opened"),
                "project.problem_added": _("Problem added to the sheet"),
                "project.problem_resolved": _("Problem resolved"),
                "project.order_raised": _("Problem raised as a service order"),
                "project.signed_off": _("Problem sheet signed off by the customer"),
            }
        )
