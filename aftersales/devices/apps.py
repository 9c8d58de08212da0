from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "aftersales.devices"
    verbose_name = _("Connected equipment")

    def ready(self) -> None:
        from aftersales.devices.registrations import register

        register()
