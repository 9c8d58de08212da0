"""Enumerations of the connected-equipment context, with their badge colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkState(models.TextChoices):
    NEVER = "never", _("Never seen")
    ONLINE = "online", _("Online")
    LOST = "lost", _("Link lost")


LINK_STATE_BADGES = {  # registered as "devices.LinkState"
    LinkState.NEVER: "text-bg-light border",
    LinkState.ONLINE: "text-bg-success",
    LinkState.LOST: "text-bg-danger",
}


class Transport(models.TextChoices):
    MQTT = "mqtt", "MQTT"
    HTTP = "http", "HTTP"


class QuarantineReason(models.TextChoices):
    """Why a device message was set aside instead of stored (the consumer goes on with the next)."""

    UNKNOWN_DEVICE = "unknown_device", _("Unknown device")
    INACTIVE_DEVICE = "inactive_device", _("Device retired")
    MALFORMED = "malformed", _("Malformed message")
    FUTURE_TIMESTAMP = "future_timestamp", _("Timestamp in the future")
    TOO_OLD = "too_old", _("Timestamp older than the retention")
    RATE_LIMITED = "rate_limited", _("Over the device's message rate")


class RuleKind(models.TextChoices):
    FAULT = "fault", _("Fault code")
    THRESHOLD = "threshold", _("Reading over a threshold")
    HOURS = "hours", _("Engine hours reach a maintenance interval")


class Metric(models.TextChoices):
    """The engine readings a threshold rule may watch (the message's ``engine`` keys)."""

    TEMPERATURE = "temp", _("Coolant temperature (°C)")
    PRESSURE = "pressure", _("Oil pressure (bar)")
    RPM = "rpm", _("Engine speed (rpm)")


class TriggerState(models.TextChoices):
    OPEN = "open", _("Order open")
    DONE = "done", _("Order finished")


TRIGGER_STATE_BADGES = {  # registered as "devices.TriggerState"
    TriggerState.OPEN: "text-bg-warning",
    TriggerState.DONE: "text-bg-secondary",
}
