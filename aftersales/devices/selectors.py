"""Reads of connected equipment: the health list's rows, the map's points, a unit's track of a day."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from aftersales.devices.models import Binding, Device, DeviceState, FaultReport, Sample, Trigger
from aftersales.installed_base.models import Unit
from aftersales.service.models import ServiceOrder

TRACK_FIELDS = ("at", "lat", "lon", "speed", "heading", "engine_hours", "temp", "pressure", "rpm")


def with_state_and_unit(devices: QuerySet[Device]) -> QuerySet[Device]:
    """Devices with their state and their open binding's unit and customer: two queries for a page."""
    return devices.select_related("state", "state__unit__customer").prefetch_related(
        Prefetch(
            "bindings",
            queryset=Binding.objects.filter(unbound_at__isnull=True).select_related("unit__customer"),
            to_attr="open_bindings",
        )
    )


def current_unit(device: Device) -> Unit | None:
    bindings = getattr(device, "open_bindings", None)
    if bindings is None:
        bindings = list(device.bindings.filter(unbound_at__isnull=True).select_related("unit__customer"))
    return bindings[0].unit if bindings else None


def active_faults(state: DeviceState | None) -> list[str]:
    return sorted(code for code, seen in (state.faults if state else {}).items() if seen[0])


def positioned(states: QuerySet[DeviceState]) -> QuerySet[DeviceState]:
    """States with a position, for the map."""
    return states.filter(lat__isnull=False, lon__isnull=False).select_related("device", "unit__customer")


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local day (the centre's time zone) as [start, end)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


@dataclass
class Track:
    """A unit's day: its points in the device's time order, fault reports, and the orders that were
    open on the unit during the day (or opened by its rules)."""

    unit: Unit
    day: datetime.date
    points: list[tuple[Any, ...]]  # TRACK_FIELDS, in time order
    faults: list[FaultReport]
    orders: list[ServiceOrder]
    triggers: list[Trigger]


def track_for(unit: Unit, *, day: datetime.date) -> Track:
    """The unit's track of ``day``: one indexed range read of the samples (unit, at); four queries."""
    start, end = day_bounds(day)
    rows = Sample.objects.filter(unit_id=unit.pk, at__gte=start, at__lt=end).order_by("at").values_list(*TRACK_FIELDS)
    points = list(rows)
    faults = list(FaultReport.objects.filter(unit_id=unit.pk, at__gte=start, at__lt=end).order_by("at", "pk"))
    # Open during the day, or opened (later, maybe: a delayed message) by what the machine reported that day.
    fired = Trigger.objects.filter(unit_id=unit.pk, fired_at__gte=start, fired_at__lt=end).values("order_id")
    orders = list(
        ServiceOrder.objects.filter(
            Q(unit_id=unit.pk, received_at__lt=end) & ~Q(closed_at__lt=start) | Q(pk__in=fired)
        ).order_by("received_at", "pk")
    )
    triggers = list(Trigger.objects.filter(unit_id=unit.pk, order__in=[o.pk for o in orders]).select_related("rule"))
    return Track(unit=unit, day=day, points=points, faults=faults, orders=orders, triggers=triggers)


def as_dicts(points: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(TRACK_FIELDS, point, strict=True)) for point in points]


def as_columns(points: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """The points as one list per field (``at`` as Unix seconds under ``t``)."""
    columns = (
        {name: list(values) for name, values in zip(TRACK_FIELDS, zip(*points, strict=True), strict=True)}
        if points
        else {name: [] for name in TRACK_FIELDS}
    )
    columns["t"] = [int(at.timestamp()) for at in columns.pop("at")]
    return columns
