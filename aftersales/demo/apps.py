from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set and ``manage.py load_demo``: the top layer, it may use every other app."""

    name = "aftersales.demo"
    verbose_name = _("Demo data")
