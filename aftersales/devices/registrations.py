"""What connected equipment adds to the shared screens and seams (called from ``DevicesConfig.ready()``)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

PERMISSIONS = "aftersales.devices.permissions"


def register() -> None:
    from aftersales.accounts.capabilities import register_capabilities
    from aftersales.core import registry
    from aftersales.devices.choices import LINK_STATE_BADGES, TRIGGER_STATE_BADGES, LinkState, TriggerState
    from aftersales.devices.imports import DEVICE_COLUMNS
    from aftersales.devices.models import Device, Rule
    from aftersales.devices.permissions import CAPABILITIES, devices_visible_to, rules_visible_to
    from aftersales.history.registry import register_target, register_types
    from aftersales.service.signals import order_status_changed

    register_capabilities(CAPABILITIES)
    registry.register_badges("devices.LinkState", LinkState, LINK_STATE_BADGES)
    registry.register_badges("devices.TriggerState", TriggerState, TRIGGER_STATE_BADGES)
    register_target("device", model=Device, visible_to=devices_visible_to)
    register_target("device_rule", model=Rule, visible_to=rules_visible_to)
    register_types(
        {
            "device.registered": _("Device registered"),
            "device.secret_rotated": _("Device secret replaced"),
            "device.bound": _("Device bound to a unit"),
            "device.unbound": _("Device unbound from its unit"),
            "device.retired": _("Device retired"),
            "device_rule.created": _("Device rule created"),
            "device_rule.updated": _("Device rule changed"),
        }
    )
    registry.navigation.register(
        registry.NavEntry(
            "devices", _("Devices"), "devices:health", "broadcast-pin", 45, f"{PERMISSIONS}.can_view_devices"
        )
    )
    registry.timeline_sources.register(
        registry.TimelineSource(
            "devices.triggers",
            "service.ServiceOrder",
            "aftersales.devices.timeline.order_entries",
            60,
            predicate=f"{PERMISSIONS}.can_view_devices",
        )
    )
    registry.settings_sections.register(
        registry.SettingsSection(
            "device-rules",
            _("Device rules"),
            "cpu",
            60,
            f"{PERMISSIONS}.can_manage_rules",
            model="aftersales.devices.models.Rule",
            form="aftersales.devices.forms.RuleForm",
            columns=(
                registry.SettingsColumn(_("Name"), "name", link=True),
                registry.SettingsColumn(_("Kind"), "get_kind_display"),
                registry.SettingsColumn(_("Fault code"), "fault_code", kind="mono"),
                registry.SettingsColumn(_("Threshold"), "threshold"),
                registry.SettingsColumn(_("Interval (engine hours)"), "interval_hours"),
                registry.SettingsColumn(_("Order kind"), "get_order_kind_display"),
                registry.SettingsColumn(_("Active"), "is_active", kind="active"),
            ),
            create="aftersales.devices.services.rule_settings.create_rule",
            update="aftersales.devices.services.rule_settings.update_rule",
            object_kwarg="rule",
            create_label=_("New device rule"),
        )
    )
    registry.import_kinds.register(
        registry.ImportKind(
            "devices",
            _("Devices (provisioning)"),
            DEVICE_COLUMNS,
            "aftersales.devices.imports.DeviceRows",
            f"{PERMISSIONS}.can_manage_devices",
            order=70,
        )
    )
    registry.home_panels.register(
        registry.HomePanel(
            "devices.watch",
            "devices/home/_watch.html",
            "aftersales.devices.home.watch_panel",
            55,
            f"{PERMISSIONS}.watches_links",
            slot="side",
        )
    )
    order_status_changed.connect(_on_status_changed, dispatch_uid="devices.finish_triggers")
    registry.periodic_jobs.register(
        registry.PeriodicJob(
            "devices.link_sweep",
            "aftersales.devices.services.link.sweep_links",
            interval=settings.DEVICES["LINK_SWEEP_SECONDS"],
            task="aftersales.devices.tasks.sweep_links",
        )
    )
    registry.periodic_jobs.register(
        registry.PeriodicJob(
            "devices.partitions",
            "aftersales.devices.partitions.maintain_partitions",
            interval=24 * 3600,
            task="aftersales.devices.tasks.maintain_partitions",
        )
    )


def _on_status_changed(sender: Any, *, order: Any, new_status: str, **kwargs: Any) -> None:
    from aftersales.devices.services.rules import finish_triggers
    from aftersales.service.choices import OPEN_STATUSES

    if new_status not in OPEN_STATUSES:
        finish_triggers(order_id=order.pk)
