from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "aftersales.service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.service.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)

        from aftersales.core.registry import NavEntry, SettingsSection, navigation, register_badges, settings_sections
        from aftersales.customers.permissions import register_technician_customers
        from aftersales.history.registry import register_target, register_types
        from aftersales.service.choices import ORDER_STATUS_BADGES, SLA_STATE_BADGES, OrderStatus, SlaState
        from aftersales.service.home import register_home_panels
        from aftersales.service.models import SlaPolicy
        from aftersales.service.permissions import customers_of_jobs, sla_policies_visible_to
        from aftersales.service.timeline import register_timeline

        register_home_panels()
        register_timeline()
        register_badges("service.OrderStatus", OrderStatus, ORDER_STATUS_BADGES)
        register_badges("service.SlaState", SlaState, SLA_STATE_BADGES)

        permissions = "aftersales.service.permissions"
        for entry in (
            NavEntry("orders", _("Orders"), "service:order_list", "card-list", 20, f"{permissions}.can_browse_orders"),
            NavEntry("intake", _("Intake"), "service:intake", "telephone-plus", 30, f"{permissions}.can_open_orders"),
            NavEntry("dispatch", _("Dispatch"), "service:dispatch", "diagram-3", 40, f"{permissions}.can_assign"),
            NavEntry("tech", _("My jobs"), "service:tech_jobs", "tools", 50, f"{permissions}.has_own_jobs"),
        ):
            navigation.register(entry)

        register_technician_customers(customers_of_jobs)

        from aftersales.service.services.customer_sms import register_kinds

        register_kinds()  # the SMS an order's reporter gets, each switchable in settings (notifications.kinds)

        from aftersales.calendars.panels import calendar_panels
        from aftersales.core.panels import RecordPanel, record_panels

        # After a calendar change, the calendar screen says which due dates it moves (calendars sits
        # below service and cannot ask; docs/calendars.md "After a change").
        calendar_panels.register(
            RecordPanel("service.due_moves", 10, "aftersales.service.views.due_moves.calendar_panel")
        )
        # A user's settings page lists the open jobs they hold (accounts sits below service and cannot ask).
        record_panels.register(
            RecordPanel("service.user_jobs", 50, "aftersales.service.views.dispatch.user_jobs_panel")
        )
        # Orders keep their own timeline (OrderEvent); only the SLA policies, settings, have an Activity history.
        register_target("sla_policy", model=SlaPolicy, visible_to=sla_policies_visible_to)
        register_types({"sla_policy.updated": _("SLA policy changed")})
        settings_sections.register(
            SettingsSection(
                "sla",
                _("SLA policies"),
                "stopwatch",
                40,
                f"{permissions}.can_manage_sla_policies",
                url_name="service:sla_list",
            )
        )

        from django.conf import settings

        from aftersales.core.registry import (
            ExportKind,
            ImportKind,
            PeriodicJob,
            export_kinds,
            import_kinds,
            periodic_jobs,
        )

        periodic_jobs.register(
            PeriodicJob(
                "service.sla_sweep",
                "aftersales.service.services.sla_alerts.sweep_sla_alerts",
                interval=settings.AFTERSALES.get("SLA_SWEEP_SECONDS", 60),
                task="aftersales.service.tasks.sweep_sla",
            )
        )
        from aftersales.service.exports import ORDER_COLUMNS
        from aftersales.service.imports import ORDER_COLUMNS as ORDER_IMPORT_COLUMNS
        from aftersales.service.imports import SERVICE_FIELDS

        import_kinds.register(
            ImportKind(
                "orders",
                _("Service orders (history)"),
                ORDER_IMPORT_COLUMNS,
                "aftersales.service.imports.OrderRows",
                f"{permissions}.can_import_orders",
                order=30,
                one_of=(("customer_name", "customer_id"),),
                service_fields=SERVICE_FIELDS,
            )
        )

        export_kinds.register(
            ExportKind(
                "orders",
                _("Orders"),
                ORDER_COLUMNS,
                "aftersales.service.exports.order_rows",
                f"{permissions}.can_export_orders",
                order=10,
                audit=True,  # the rows carry reporters' phone numbers
            )
        )
