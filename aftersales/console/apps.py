from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """Cross-cutting staff screens (sign-in, home, language) and the shared template tags."""

    name = "aftersales.console"
    verbose_name = _("Console")
