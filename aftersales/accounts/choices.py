from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent (客服)")
    DISPATCHER = "dispatcher", _("Dispatcher (调度)")
    TECHNICIAN = "technician", _("Technician (技术服务人员)")
    MANAGER = "manager", _("Service manager (服务经理)")
    PARTS_KEEPER = "parts_keeper", _("Parts keeper (库管员)")
    FINANCE = "finance", _("Finance (财务)")
    GENERAL_MANAGER = "general_manager", _("General manager (总经理)")
    ADMIN = "admin", _("Administrator")


# Roles that see every service centre's records.
ALL_CENTRES_ROLES = frozenset({Role.GENERAL_MANAGER, Role.ADMIN})
