from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
