"""Who may see and manage connected equipment: every list, screen and endpoint asks here.

A device is seen by whoever sees the unit it is bound to now (``units_visible_to``); devices bound to
no unit only by those who see every centre. Rules are company-wide settings."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.devices.models import Binding, Device, DeviceState, Quarantine, Rule, Trigger
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to

CAPABILITIES = (
    capability(
        "devices.view_devices",
        _("See the connected equipment of one's centre (map, health, tracks)"),
        Role.AGENT,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("devices.manage_devices", _("Register, bind and retire devices"), Role.MANAGER, Role.ADMIN),
    capability("devices.manage_rules", _("Set the device rules that open orders"), Role.MANAGER, Role.ADMIN),
    capability(
        "devices.watch_links", _("Be told when a device of one's centre loses its link"), Role.DISPATCHER, Role.MANAGER
    ),
)


def can_view_devices(user: User) -> bool:
    return has_capability(user, "devices.view_devices")


def can_manage_devices(user: User) -> bool:
    return has_capability(user, "devices.manage_devices")


def can_manage_rules(user: User) -> bool:
    return has_capability(user, "devices.manage_rules")


def watches_links(user: User) -> bool:
    """The home page's devices panel: those told when a device of their centre loses its link."""
    return has_capability(user, "devices.watch_links")


def _sees_everything(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.sees_all_centres))


def devices_visible_to(user: User) -> QuerySet[Device]:
    """The one scope of devices (lists, detail, API)."""
    if not can_view_devices(user):
        return Device.objects.none()
    if _sees_everything(user):
        return Device.objects.all()
    bound = Binding.objects.filter(
        device=OuterRef("pk"), unbound_at__isnull=True, unit__in=units_visible_to(user).values("pk")
    )
    return Device.objects.filter(Exists(bound))


def states_visible_to(user: User) -> QuerySet[DeviceState]:
    return DeviceState.objects.filter(device__in=devices_visible_to(user).values("pk"))


def track_units_visible_to(user: User) -> QuerySet[Unit]:
    """Units whose tracks the user may play back: the units they see, when they may see devices."""
    return units_visible_to(user) if can_view_devices(user) else Unit.objects.none()


def quarantine_visible_to(user: User) -> QuerySet[Quarantine]:
    """Quarantined messages: of the devices the user sees; those of no known device only by those who
    see every centre and manage devices."""
    if not can_view_devices(user):
        return Quarantine.objects.none()
    if _sees_everything(user):
        return Quarantine.objects.all()
    return Quarantine.objects.filter(device__in=devices_visible_to(user).values("pk"))


def rules_visible_to(user: User) -> QuerySet[Rule]:
    return Rule.objects.all() if can_view_devices(user) else Rule.objects.none()


def triggers_visible_to(user: User) -> QuerySet[Trigger]:
    return Trigger.objects.filter(Q(unit__in=track_units_visible_to(user).values("pk")))
