"""What quality feedback adds to the other apps, registered from ``QualityConfig.ready()``."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import register_capabilities
from aftersales.core import registry
from aftersales.core.panels import RecordPanel
from aftersales.history.registry import register_target, register_types
from aftersales.quality.choices import CASE_STATUS_BADGES, CaseStatus
from aftersales.quality.exports import CASE_COLUMNS
from aftersales.quality.models import QualityCase
from aftersales.quality.permissions import CAPABILITIES, cases_visible_to
from aftersales.reports.registry import ReportSection, report_sections
from aftersales.service.panels import order_panels

PERMISSIONS = "aftersales.quality.permissions"


def register() -> None:
    register_capabilities(CAPABILITIES)
    registry.register_badges("quality.CaseStatus", CaseStatus, CASE_STATUS_BADGES)
    registry.periodic_jobs.register(
        registry.PeriodicJob(
            "quality.refresh_failures",
            "aftersales.quality.kept.refresh_failures",
            interval=settings.AFTERSALES.get("REPORTS_REFRESH_SECONDS", 600),
            task="aftersales.quality.tasks.refresh_failures",
        )
    )
    registry.export_kinds.register(
        registry.ExportKind(
            "quality_cases",
            _("Quality cases"),
            CASE_COLUMNS,
            "aftersales.quality.exports.case_rows",
            "aftersales.quality.permissions.can_view_failures",
            order=85,
        )
    )
    registry.nav_groups.register(registry.NavGroup("quality", _("Quality"), 18))
    registry.navigation.register(
        registry.NavEntry(
            "failure_statistics",
            _("Failure statistics"),
            "quality:failures",
            "graph-up",
            35,
            f"{PERMISSIONS}.can_view_failures",
            group="quality",
        )
    )
    registry.navigation.register(
        registry.NavEntry(
            "quality_cases",
            _("Quality cases"),
            "quality:case_list",
            "clipboard2-pulse",
            36,
            f"{PERMISSIONS}.can_view_failures",
            group="quality",
        )
    )
    order_panels.register(RecordPanel("quality.cases", 40, "aftersales.quality.views.order_panel"))
    report_sections.register(
        ReportSection(
            "quality",
            _("Failure statistics"),
            50,
            "aftersales.quality.report.section",
            predicate="aftersales.quality.report.sees_section",
        )
    )
    register_target("quality_case", model=QualityCase, visible_to=cases_visible_to)
    register_types(
        {
            "quality_case.opened": _("Sent to design as a quality case"),
            "quality_case.moved": _("Quality case moved"),
            "quality_case.updated": _("Quality case edited"),
            "quality_case.commented": _("Comment on the quality case"),
        }
    )
