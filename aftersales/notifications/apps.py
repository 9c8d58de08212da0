from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "aftersales.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from aftersales.notifications.trigger import prepare_broker_client

        prepare_broker_client()
