from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "aftersales.coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        from aftersales.coverage import sources

        sources.register_builtin_sources()
