"""Connected equipment (domain.md §7): terminals bound to units, what they report, and the rules that
turn a report into a proactive service order.

``Sample`` grows fastest (a message every few seconds from every machine): on PostgreSQL it is a
table partitioned by month on ``at`` (migration 0002, ``services/partitions.py``); on SQLite a plain
table. ``DeviceState`` keeps the latest of each device so the map and the health list never read it.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import ProductModel
from aftersales.core.models import TimeStampedModel
from aftersales.devices.choices import (
    LinkState,
    Metric,
    QuarantineReason,
    RuleKind,
    Transport,
    TriggerState,
)
from aftersales.installed_base.models import Unit
from aftersales.service.choices import OrderKind, Priority
from aftersales.service.models import ServiceOrder

TIME_ARGS = frozenset({"at", "bound"})  # the values of a quarantine's detail that are times


def api_time(moment: datetime.datetime) -> str:
    """A time as the API writes every time: local (Beijing) time with its offset, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _local_time(value: str) -> str:
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return value


def describe_cause(*, rule: "Rule", device: str, at: datetime.datetime, data: dict[str, Any]) -> str:
    """What the machine sent that fired ``rule``, in words in the current language and local time: the
    description of the order it opens (``services.rules``) and the tooltip of its cause (``Trigger.cause_detail``)."""
    values = {"device": device, "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"), "rule": rule.name, **data}
    if rule.kind == RuleKind.FAULT:
        return gettext("Device %(device)s reported fault %(code)s at %(at)s (rule “%(rule)s”).") % values
    if rule.kind == RuleKind.THRESHOLD:
        if values.get("metric") in Metric.values:
            values["metric"] = Metric(values["metric"]).label
        return (
            gettext("Device %(device)s read %(metric)s = %(value)s over %(threshold)s at %(at)s (rule “%(rule)s”).")
            % values
        )
    return gettext("Engine hours of device %(device)s reached %(milestone)s at %(at)s (rule “%(rule)s”).") % values


class Device(TimeStampedModel):
    """An on-board terminal, known by the identifier it reports under (the MQTT topic's and the
    HTTP endpoint's ``device``). Its secret is kept only as a SHA-256 hash."""

    serial = models.CharField(_("device id"), max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    # The secret as Mosquitto's password file keeps it (``credentials.broker_hash``); blank for a
    # device whose secret was set before the broker checked secrets (rotate it to fill this in).
    broker_hash = models.CharField(max_length=200, blank=True, default="", editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return self.serial


class Binding(models.Model):
    """A device fitted to a unit from ``bound_at`` until ``unbound_at``; one open binding per unit
    and per device at a time, the closed ones kept as history."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="bindings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="device_bindings")
    bound_at = models.DateTimeField(_("bound at"))
    unbound_at = models.DateTimeField(_("unbound at"), null=True, blank=True)
    bound_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unbound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(unbound_at__isnull=True), name="devices_binding_one_per_unit"
            ),
            models.UniqueConstraint(
                fields=["device"], condition=Q(unbound_at__isnull=True), name="devices_binding_one_per_device"
            ),
            models.CheckConstraint(
                condition=Q(unbound_at__isnull=True) | Q(unbound_at__gte=models.F("bound_at")),
                name="devices_binding_dates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.unit_id}"


class DeviceState(models.Model):
    """The latest of one device: position and readings of its newest message (by the device's own
    timestamp, so a late message never moves it back), when it was last heard and its link."""

    device = models.OneToOneField(Device, primary_key=True, on_delete=models.CASCADE, related_name="state")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    speed = models.FloatField(null=True, blank=True)
    heading = models.FloatField(null=True, blank=True)
    engine_hours = models.FloatField(null=True, blank=True)
    temp = models.FloatField(null=True, blank=True)
    pressure = models.FloatField(null=True, blank=True)
    rpm = models.FloatField(null=True, blank=True)
    # {code: [active, "ISO time of the report"]}: the latest report of each code by the device's time.
    faults = models.JSONField(default=dict)
    messages = models.BigIntegerField(default=0)
    link_state = models.CharField(max_length=10, choices=LinkState.choices, default=LinkState.NEVER)
    link_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link_state", "last_seen_at"], name="devices_state_link_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(link_state__in=LinkState.values), name="devices_state_link_valid")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.link_state}"


class Sample(models.Model):
    """One stored device message: its position and engine readings at the device's ``at``.

    The device's message id and timestamp identify it: a message sent again (at-least-once delivery)
    hits the unique constraint and is not stored twice. ``unit`` is the unit the device was bound to
    when the message was stored (a track follows the unit, not the terminal)."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, db_index=False, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    message_id = models.CharField(max_length=64)
    at = models.DateTimeField()
    received_at = models.DateTimeField()
    transport = models.CharField(max_length=4, choices=Transport.choices)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    speed = models.FloatField(null=True)
    heading = models.FloatField(null=True)
    engine_hours = models.FloatField(null=True)
    temp = models.FloatField(null=True)
    pressure = models.FloatField(null=True)
    rpm = models.FloatField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "at"], name="devices_sample_unit_at_idx"),
            models.Index(fields=["device", "at"], name="devices_sample_device_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["device", "message_id", "at"], name="devices_sample_message_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.message_id}@{self.at:%Y-%m-%d %H:%M:%S}"


class FaultReport(models.Model):
    """A fault code a device reported raised (``active``) or cleared, at the device's ``at``."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="faults")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.SET_NULL, db_index=False, related_name="+")
    message_id = models.CharField(max_length=64)
    code = models.CharField(max_length=32)
    active = models.BooleanField()
    at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["unit", "at"], name="devices_fault_unit_at_idx")]
        constraints = [
            models.UniqueConstraint(fields=["device", "message_id", "code"], name="devices_fault_message_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.code} {'on' if self.active else 'off'}"


class Quarantine(models.Model):
    """A message set aside with the reason: kept for a look, never stored as data. A flood over the
    rate limit is one row per device and minute with its ``count``."""

    received_at = models.DateTimeField(db_index=True)
    transport = models.CharField(max_length=4, choices=Transport.choices)
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    device_serial = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=20, choices=QuarantineReason.choices)
    detail = models.CharField(max_length=300, blank=True)  # English, for programs (the API's ``detail``)
    # The detail's sentence (its msgid) and the values in it, so that screens say it in the reader's
    # language and time zone (QA 2026-12-07: "pos.lat: 91 outside -90..90" and UTC times on Chinese screens).
    detail_facts = models.JSONField(default=dict, blank=True)
    payload = models.TextField(blank=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=QuarantineReason.values), name="devices_quarantine_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.device_serial} {self.reason}"

    @property
    def detail_display(self) -> str:
        """The detail in the reader's language, its times in local time to the second (rows written before
        ``detail_facts`` existed show the stored English)."""
        text, args = self.detail_facts.get("text"), self.detail_facts.get("args") or {}
        if not text:
            return self.detail
        shown = {key: _local_time(value) if key in TIME_ARGS else value for key, value in args.items()}
        try:
            return gettext(text) % shown if shown else gettext(text)
        except (KeyError, TypeError, ValueError):
            return self.detail


class LinkEvent(models.Model):
    """A change of a device's link (online ↔ lost), the link's status history."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="link_events")
    state = models.CharField(max_length=10, choices=LinkState.choices)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["device", "at"], name="devices_link_device_at_idx")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.state}"


class Rule(TimeStampedModel):
    """What a report must show to open a proactive order: a fault code (blank: any), a reading over a
    threshold, or engine hours reaching a multiple of a maintenance interval. ``product_model``
    narrows it to one model's units."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    fault_code = models.CharField(_("fault code"), max_length=32, blank=True)
    metric = models.CharField(_("reading"), max_length=10, choices=Metric.choices, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2, null=True, blank=True)
    interval_hours = models.PositiveIntegerField(_("interval (engine hours)"), null=True, blank=True)
    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("product model"), null=True, blank=True, on_delete=models.PROTECT
    )
    order_kind = models.CharField(_("order kind"), max_length=20, choices=OrderKind.choices, default=OrderKind.REPAIR)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.HIGH)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("device rule")
        verbose_name_plural = _("device rules")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="devices_rule_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.THRESHOLD) | (Q(threshold__isnull=False) & ~Q(metric="")),
                name="devices_rule_threshold_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.HOURS) | Q(interval_hours__gt=0),
                name="devices_rule_interval_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Trigger(models.Model):
    """A rule that fired on a unit and the order it opened. While the order is open (``state``), the
    same cause on the same unit opens nothing more; a fault that clears is noted (``cleared_at``)."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="triggers")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=80)
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="device_triggers")
    state = models.CharField(max_length=10, choices=TriggerState.choices, default=TriggerState.OPEN)
    fired_at = models.DateTimeField()
    data = models.JSONField(default=dict)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "cause"], condition=Q(state=TriggerState.OPEN), name="devices_trigger_one_open"
            ),
            models.CheckConstraint(condition=Q(state__in=TriggerState.values), name="devices_trigger_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.cause} → {self.order_id}"

    @property
    def cause_label(self) -> str:
        """The cause as a reader names it: "fault:E-2041" is the fault code E-2041, "hours:3:500" the rule
        (its name) at 500 hours run (found by a helper's probe, 2026-12-06: the codes were shown). Reads
        ``rule``: select it with the trigger."""
        kind, _sep, rest = self.cause.partition(":")
        if kind == "fault":
            return gettext("Fault code %(code)s") % {"code": rest}
        if kind == "hours":
            milestone = rest.partition(":")[2]
            return gettext("%(rule)s at %(hours)s hours run") % {"rule": self.rule.name, "hours": milestone}
        if kind == "threshold" and rest in Metric.values:
            return gettext("%(reading)s over the threshold") % {"reading": Metric(rest).label}
        return self.cause

    @property
    def cause_detail(self) -> str:
        """The tooltip of ``cause_label``: what the machine sent, in words (the stored key "fault:E-1203" was
        shown, QA 2026-12-07). Reads ``rule`` and ``device``: select them with the trigger."""
        return describe_cause(rule=self.rule, device=self.device.serial, at=self.fired_at, data=self.data)
