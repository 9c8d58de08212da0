"""The demo's connected equipment (docs/devices.md): a terminal on some units of every centre, a day
of track for the showcase unit, three rules, a fault that opened an order by itself (and four more
faults of other machines, ``FAULTS``: quality's failures by fault code) and a device whose link is lost. Messages go through ``ingest`` like the real ones, so states, rules and the order are
what a real fleet would have made."""

import datetime
import math
import random
from decimal import Decimal
from typing import Any

from aftersales.accounts.models import ServiceCenter, User
from aftersales.demo import data
from aftersales.devices.choices import LinkState, Metric, RuleKind
from aftersales.devices.models import DeviceState, LinkEvent
from aftersales.devices.services.devices import register_device
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.devices.services.rule_settings import create_rule
from aftersales.installed_base.models import Unit
from aftersales.service.choices import OrderKind, Priority

# Where each centre's machines work (the centre's city), and how many carry a terminal.
CITIES = {"SH": (121.47, 31.23), "BJ": (116.40, 39.90), "GZ": (113.26, 23.13)}
DEVICES_PER_CENTRE = 6
TRACK_HOURS = 8
TRACK_STEP = datetime.timedelta(seconds=60)
SECRET = "demo-device-secret-0000"  # noqa: S105 (demo only, like the demo users' password)
# Faults some machines raised in their last report (centre, device index): each opened a repair by the
# "any fault code" rule, so quality's failures by fault code have codes to show (docs/quality.md: an order
# has the code of the device rule that opened it). E-2041 is the showcase machine's fault too.
FAULTS = {("SH", 1): "E-1203", ("SH", 2): "E-2041", ("BJ", 1): "E-3310", ("GZ", 1): "E-1203"}


def load_devices(*, rng: random.Random, now: datetime.datetime, managers: dict[str, User]) -> int:
    """Register and feed the demo fleet; returns the number of devices."""
    manager = next(iter(managers.values()))
    create_rule(by=manager, name="任意故障码", kind=RuleKind.FAULT, order_kind=OrderKind.REPAIR, priority=Priority.HIGH)
    create_rule(
        by=manager,
        name="冷却液温度过高",
        kind=RuleKind.THRESHOLD,
        metric=Metric.TEMPERATURE,
        threshold=Decimal("105"),
        priority=Priority.URGENT,
    )
    create_rule(
        by=manager,
        name="每500小时保养",
        kind=RuleKind.HOURS,
        interval_hours=500,
        order_kind=OrderKind.MAINTENANCE,
        priority=Priority.NORMAL,
    )
    count = 0
    lost: list[str] = []
    for code, centre in ServiceCenter.objects.filter(code__in=CITIES).in_bulk(field_name="code").items():
        # Not the showcase customer's units: its caller's phone finds exactly the orders the scenarios open.
        units = list(
            Unit.objects.filter(customer__service_center=centre)
            .exclude(customer__name=data.SHOWCASE_CUSTOMER)
            .order_by("pk")[:DEVICES_PER_CENTRE]
        )
        for index, unit in enumerate(units):
            serial = f"GW-{code}-{index + 1:04d}"
            register_device(by=managers[code], serial=serial, secret=SECRET, unit=unit)
            count += 1
            if index == 0 and code == "SH":
                _showcase_day(serial, rng=rng, now=now, start=CITIES[code])
            else:
                _last_report(
                    serial,
                    rng=rng,
                    now=now,
                    near=CITIES[code],
                    hours=rng.uniform(50, 480),
                    fault=FAULTS.get((code, index), ""),
                )
            if index == DEVICES_PER_CENTRE - 1:
                lost.append(serial)
    _lose_links(lost, now=now)
    return count


def _message(n: int, at: datetime.datetime, **fields: Any) -> dict[str, Any]:
    return {"id": f"{n:06d}", "ts": at.isoformat(), **fields}


def _showcase_day(serial: str, *, rng: random.Random, now: datetime.datetime, start: tuple[float, float]) -> None:
    """Eight hours of a machine at work: driving out, working on a site, a fault E-2041 raised and
    cleared in the afternoon (it opened an order by itself), coming back."""
    first = now - datetime.timedelta(hours=TRACK_HOURS)
    lon, lat = start
    heading = rng.uniform(0, 360)
    hours = 496.0  # crosses the 500-hour maintenance mark during the day
    steps = int(TRACK_HOURS * 3600 / TRACK_STEP.total_seconds())
    messages = []
    for n in range(steps):
        at = first + n * TRACK_STEP
        phase = n / steps
        moving = phase < 0.15 or 0.45 < phase < 0.55 or phase > 0.85
        speed = rng.uniform(18, 42) if moving else rng.uniform(0, 3)
        if phase > 0.85:  # back towards where it started
            heading = math.degrees(math.atan2(start[0] - lon, start[1] - lat)) + rng.uniform(-15, 15)
        else:
            heading = (heading + rng.uniform(-25, 25)) % 360
        distance = speed * TRACK_STEP.total_seconds() / 3600 / 111.0  # degrees
        lat += distance * math.cos(math.radians(heading))
        lon += distance * math.sin(math.radians(heading)) / math.cos(math.radians(lat))
        hours += TRACK_STEP.total_seconds() / 3600 if speed > 0.5 or not moving else 0
        temp = 84 + rng.uniform(-2, 3) + (14 if 0.6 < phase < 0.65 else 0)
        body = _message(
            n,
            at,
            pos={
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "speed": round(speed, 1),
                "heading": round(heading % 360, 1),
            },
            engine={
                "hours": round(hours, 2),
                "temp": round(temp, 1),
                "pressure": round(rng.uniform(3.0, 3.6), 2),
                "rpm": round(800 + speed * 40),
            },
        )
        if int(phase * 1000) == 600:
            body["faults"] = [{"code": "E-2041", "active": True}]
        if int(phase * 1000) == 700:
            body["faults"] = [{"code": "E-2041", "active": False}]
        messages.append(body)
    ingest([Incoming(serial, messages)], now=now, limit_rate=False)


def _last_report(
    serial: str,
    *,
    rng: random.Random,
    now: datetime.datetime,
    near: tuple[float, float],
    hours: float,
    fault: str = "",
) -> None:
    lon, lat = near[0] + rng.uniform(-0.6, 0.6), near[1] + rng.uniform(-0.45, 0.45)
    at = now - datetime.timedelta(minutes=rng.randint(1, 8))
    body = _message(
        1,
        at,
        pos={
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "speed": round(rng.uniform(0, 30), 1),
            "heading": round(rng.uniform(0, 360), 1),
        },
        engine={
            "hours": round(hours, 1),
            "temp": round(rng.uniform(80, 92), 1),
            "pressure": round(rng.uniform(3.0, 3.6), 2),
        },
    )
    if fault:
        body["faults"] = [{"code": fault, "active": True}]
    ingest([Incoming(serial, [body])], now=now, limit_rate=False)


def _lose_links(serials: list[str], *, now: datetime.datetime) -> None:
    """These devices were last heard from hours ago: their link is lost (as the sweep would find)."""
    silent_since = now - datetime.timedelta(hours=3)
    states = DeviceState.objects.filter(device__serial__in=serials)
    states.update(
        last_seen_at=silent_since,
        link_state=LinkState.LOST,
        link_changed_at=silent_since + datetime.timedelta(minutes=15),
    )
    LinkEvent.objects.bulk_create(
        [
            LinkEvent(device_id=pk, state=LinkState.LOST, at=silent_since + datetime.timedelta(minutes=15))
            for pk in states.values_list("device_id", flat=True)
        ]
    )
