from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "aftersales.quality"
    verbose_name = _("Quality feedback")

    def ready(self) -> None:
        from aftersales.quality.registrations import register

        register()
