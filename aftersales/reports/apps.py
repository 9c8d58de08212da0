from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aftersales.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.conf import settings

        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core import registry
        from aftersales.history.registry import register_target, register_types
        from aftersales.reports.models import ReportSchedule
        from aftersales.reports.permissions import CAPABILITIES, schedules_visible_to
        from aftersales.reports.sections import register_sections

        register_capabilities(CAPABILITIES)
        register_sections()  # the figures and care's summary; the apps above add theirs
        register_target("report_schedule", model=ReportSchedule, visible_to=schedules_visible_to)
        register_types(
            {
                "report_schedule.created": _("Report e-mail set up"),
                "report_schedule.updated": _("Report e-mail changed"),
                "report_schedule.stopped": _("Report e-mail stopped"),
                "report_schedule.resumed": _("Report e-mail resumed"),
                "report_schedule.deleted": _("Report e-mail deleted"),
            }
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "reports.send_scheduled",
                "aftersales.reports.services.send_scheduled",
                interval=settings.AFTERSALES.get("REPORTS_SEND_SECONDS", 3600),
                task="aftersales.reports.tasks.send_scheduled_reports",
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "reports.refresh_dashboards",
                "aftersales.reports.kept.refresh_dashboards",
                interval=settings.AFTERSALES.get("REPORTS_REFRESH_SECONDS", 600),
                task="aftersales.reports.tasks.refresh_dashboards",
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "report_records",
                _("A figure's records"),
                (),  # the records' own columns (reports.exports.record_rows)
                "aftersales.reports.exports.record_rows",
                "aftersales.reports.permissions.can_view_reports",
                order=80,
            )
        )
        registry.navigation.register(
            registry.NavEntry(
                "reports",
                _("Reports"),
                "reports:dashboard",
                "graph-up",
                80,
                "aftersales.reports.permissions.can_view_reports",
                group="work",
            )
        )
