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


class SystemActor(models.TextChoices):
    """Service accounts that act without a person: they hold capabilities of their own, never a role."""

    SCHEDULER = "scheduler", _("System (scheduler)")
    MACHINE = "machine", _("System (machine)")
    IMPORTER = "importer", _("System (importer)")
    PORTAL = "portal", _("System (customer portal)")
