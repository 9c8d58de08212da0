from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MoneyConfig(AppConfig):
    name = "aftersales.money"
    verbose_name = _("Money")

    def ready(self) -> None:
        from aftersales.money.services.customer_sms import register_kinds

        # The SMS money sends a customer (an installation's appointment, a quote, a return to the
        # factory, an exchange, a payment reminder), each switchable in settings (notifications.kinds).
        register_kinds()

        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core.panels import RecordPanel
        from aftersales.core.registry import (
            ExportKind,
            HomePanel,
            NavEntry,
            PeriodicJob,
            SettingsColumn,
            SettingsSection,
            export_kinds,
            home_panels,
            navigation,
            periodic_jobs,
            register_badges,
            settings_sections,
        )
        from aftersales.money.choices import (
            BEARER_BADGES,
            EXCHANGE_BADGES,
            FACTORY_RETURN_BADGES,
            INSTALLATION_BADGES,
            INVOICE_STATUS_BADGES,
            LINE_STATUS_BADGES,
            QUOTE_STATUS_BADGES,
            Bearer,
            ExchangeStatus,
            FactoryReturnStatus,
            InstallationStatus,
            InvoiceStatus,
            LineStatus,
            QuoteStatus,
        )
        from aftersales.money.exports import INVOICE_COLUMNS, RECEIVABLE_COLUMNS
        from aftersales.money.figures import register_figures
        from aftersales.money.permissions import CAPABILITIES
        from aftersales.money.receivers import on_order_event, refuse_cancel_while_invoiced
        from aftersales.money.services.parts import on_parts_used
        from aftersales.parts.registry import IssueCheck, issue_checks
        from aftersales.parts.signals import parts_used
        from aftersales.service.panels import order_panels
        from aftersales.service.signals import order_event_recorded, order_status_changed

        register_capabilities(CAPABILITIES)
        register_figures()  # labour and parts revenue, for pay
        register_badges("money.Bearer", Bearer, BEARER_BADGES)
        register_badges("money.LineStatus", LineStatus, LINE_STATUS_BADGES)
        register_badges("money.QuoteStatus", QuoteStatus, QUOTE_STATUS_BADGES)
        register_badges("money.InvoiceStatus", InvoiceStatus, INVOICE_STATUS_BADGES)
        register_badges("money.FactoryReturnStatus", FactoryReturnStatus, FACTORY_RETURN_BADGES)
        register_badges("money.ExchangeStatus", ExchangeStatus, EXCHANGE_BADGES)
        register_badges("money.InstallationStatus", InstallationStatus, INSTALLATION_BADGES)
        order_event_recorded.connect(on_order_event, dispatch_uid="money.rederive_bearers")
        order_status_changed.connect(refuse_cancel_while_invoiced, dispatch_uid="money.refuse_cancel_while_invoiced")
        # Parts the customer pays wait for an approved quote; parts issued become charge lines.
        issue_checks.register(IssueCheck("money.quote_approved", "aftersales.money.services.parts.check_issue"))
        parts_used.connect(on_parts_used, dispatch_uid="money.parts_used")

        permissions = "aftersales.money.permissions"
        order_panels.register(RecordPanel("money.charges", 20, "aftersales.money.views.order_panel"))
        navigation.register(
            NavEntry("invoices", _("Invoices"), "money:invoice_list", "receipt", 60, f"{permissions}.can_view_invoices")
        )
        home_panels.register(
            HomePanel(
                "money.finance",
                "money/home/_finance.html",
                "aftersales.money.home.finance",
                105,
                f"{permissions}.can_view_invoices",
                slot="side",  # beside the work lists, which keep their order
            )
        )
        home_panels.register(
            HomePanel(
                "money.quotes",
                "money/home/_quotes.html",
                "aftersales.money.home.quotes",
                145,
                f"{permissions}.watches_quotes",
                slot="side",
            )
        )
        home_panels.register(
            HomePanel(
                "money.approvals",
                "money/home/_approvals.html",
                "aftersales.money.home.approvals",
                140,
                f"{permissions}.can_approve_exchange",
                slot="side",
            )
        )
        settings_sections.register(
            SettingsSection(
                "prices",
                _("Price list"),
                "tags",
                60,
                f"{permissions}.can_manage_prices",
                model="aftersales.money.models.Price",
                form="aftersales.money.forms.PriceForm",
                columns=(
                    SettingsColumn(_("Code"), "code", kind="mono"),
                    SettingsColumn(_("Name"), "name"),
                    SettingsColumn(_("Kind"), "get_kind_display"),
                    SettingsColumn(_("Price (CNY, before tax)"), "amount", kind="mono"),
                    SettingsColumn(pgettext_lazy("measure", "Unit"), "unit"),
                    SettingsColumn(_("Tax rate (%)"), "tax_rate"),
                    SettingsColumn(_("Valid from"), "valid_from"),
                ),
                create="aftersales.money.services.add_price",
                create_label=_("New price"),
            )
        )
        export_kinds.register(
            ExportKind(
                "invoices",
                _("Invoices (for accounting)"),
                INVOICE_COLUMNS,
                "aftersales.money.exports.invoice_rows",
                f"{permissions}.can_view_invoices",
                order=60,
            )
        )
        export_kinds.register(
            ExportKind(
                "receivables",
                _("Receivables by age"),
                RECEIVABLE_COLUMNS,
                "aftersales.money.exports.receivable_rows",
                f"{permissions}.can_view_invoices",
                order=61,
            )
        )
        # Returns to the factory are chased at their interval (the customer told each time).
        periodic_jobs.register(
            PeriodicJob(
                "money.chase_factory",
                "aftersales.money.services.factory.chase_factory_returns",
                interval=3600,
                task="aftersales.money.tasks.chase_factory",
            )
        )
        # Overdue invoices: the customer is reminded on each step of days overdue (outbox, once per step).
        periodic_jobs.register(
            PeriodicJob(
                "money.remind_receivables",
                "aftersales.money.services.reminders.remind_receivables",
                interval=3600,
                task="aftersales.money.tasks.remind_receivables",
            )
        )
        # Purchases from a factory with no pick-up notice: whoever ordered is asked to chase the factory.
        periodic_jobs.register(
            PeriodicJob(
                "money.chase_logistics",
                "aftersales.money.services.logistics.chase_logistics",
                interval=3600,
                task="aftersales.money.tasks.chase_logistics",
            )
        )
        home_panels.register(
            HomePanel(
                "money.logistics",
                "money/home/_logistics.html",
                "aftersales.money.home.logistics",
                150,
                "aftersales.parts.permissions.can_manage_stock",
                slot="side",
            )
        )
