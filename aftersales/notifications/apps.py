from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationsConfig(AppConfig):
    name = "aftersales.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core.registry import (
            NavbarWidget,
            SettingsSection,
            navbar_widgets,
            register_badges,
            settings_sections,
        )
        from aftersales.notifications.choices import MESSAGE_STATUS_BADGES, MessageStatus
        from aftersales.notifications.permissions import CAPABILITIES
        from aftersales.notifications.trigger import prepare_broker_client

        register_capabilities(CAPABILITIES)
        register_badges("notifications.MessageStatus", MessageStatus, MESSAGE_STATUS_BADGES)
        settings_sections.register(
            SettingsSection(
                "outbox",
                _("Outbox"),
                "send",
                95,
                "aftersales.notifications.permissions.can_manage_outbox",
                url_name="notifications_outbox:list",
            )
        )

        navbar_widgets.register(
            NavbarWidget(
                "notifications.bell",
                "notifications/_bell.html",
                10,
                "aftersales.notifications.permissions.can_read_notices",
            )
        )
        prepare_broker_client()

        from django.db.models.signals import post_migrate

        from aftersales.core.registry import SettingsColumn, SettingsSection, settings_sections
        from aftersales.notifications.customer_sms import ensure_switches

        # Which SMS customers get: one switch per kind the apps register (notifications.kinds), next to
        # the company profile whose name and hotline sign them (administrators, as for the profile).
        settings_sections.register(
            SettingsSection(
                "customer-sms",
                _("Customer SMS"),
                "chat-left-text",
                6,
                "aftersales.accounts.permissions.can_edit_company_profile",
                model="aftersales.notifications.models.CustomerSmsSwitch",
                form="aftersales.notifications.settings_forms.CustomerSmsSwitchForm",
                columns=(
                    SettingsColumn(_("SMS"), "label", link=True),
                    SettingsColumn(_("Sent when"), "description"),
                    SettingsColumn(pgettext_lazy("customer SMS switch", "Sent"), "enabled", kind="active"),
                ),
                update="aftersales.notifications.services.switch_customer_sms",
                object_kwarg="switch",
            )
        )
        post_migrate.connect(ensure_switches, sender=self, dispatch_uid="notifications.ensure_switches")
