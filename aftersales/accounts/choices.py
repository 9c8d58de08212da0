from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Technician")
    MANAGER = "manager", _("Service manager")
    PARTS_KEEPER = "parts_keeper", _("Parts keeper")
    FINANCE = "finance", _("Finance")
    GENERAL_MANAGER = "general_manager", _("General manager")
    ADMIN = "admin", _("Administrator")
