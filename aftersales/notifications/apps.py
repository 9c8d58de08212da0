from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "aftersales.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from aftersales.core.registry import NavbarWidget, navbar_widgets
        from aftersales.notifications.trigger import prepare_broker_client

        navbar_widgets.register(
            NavbarWidget(
                "notifications.bell",
                "notifications/_bell.html",
                10,
                "aftersales.notifications.permissions.can_read_notices",
            )
        )
        prepare_broker_client()
