#!/usr/bin/env python3
"""A fleet of simulated machines publishing positions, engine readings and faults over MQTT.

Each device drives around its city and reports every ``--interval`` seconds to
``aftersales/devices/<device id>/messages`` (QoS 1), as the terminals on real machines do
(docs/devices.md "Messages"). Now and then one raises a fault code and clears it a few reports later.
``--duplicates`` and ``--malformed`` mix in messages sent twice and broken ones, as a real network
and real firmware do: the consumer stores each message once and quarantines the broken.

    make mqtt & make consume &
    python examples/fleet_simulator.py --url mqtt://127.0.0.1:1883            # the demo's 18 devices
    python examples/fleet_simulator.py --devices GW-SH-0001 --count 100 --interval 0

Needs only paho-mqtt (in the project's requirements).
"""

import argparse
import datetime
import json
import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

# The demo's devices (manage.py load_demo) and the cities their machines work in.
CITIES = {"SH": (121.47, 31.23), "BJ": (116.40, 39.90), "GZ": (113.26, 23.13)}
DEMO_DEVICES = [f"GW-{code}-{n:04d}" for code in CITIES for n in range(1, 7)]
FAULT_CODES = ("E-2041", "E-1187", "P0217", "SPN-110")


@dataclass
class Machine:
    device: str
    lon: float
    lat: float
    heading: float
    hours: float
    rng: random.Random
    sequence: int = 0
    fault: str = ""
    fault_left: int = 0
    faults: list[dict] = field(default_factory=list)

    def step(self, seconds: float, *, fault_chance: float) -> dict:
        """The next report after ``seconds`` of work."""
        self.sequence += 1
        speed = max(0.0, self.rng.gauss(22, 10)) if self.rng.random() > 0.2 else 0.0
        self.heading = (self.heading + self.rng.uniform(-20, 20)) % 360
        distance = speed * seconds / 3600 / 111.0
        self.lat += distance * math.cos(math.radians(self.heading))
        self.lon += distance * math.sin(math.radians(self.heading)) / math.cos(math.radians(self.lat))
        self.hours += seconds / 3600
        report: dict = {
            "id": f"{self.sequence:09d}",
            "ts": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "pos": {
                "lat": round(self.lat, 6),
                "lon": round(self.lon, 6),
                "speed": round(speed, 1),
                "heading": round(self.heading, 1),
            },
            "engine": {
                "hours": round(self.hours, 2),
                "temp": round(self.rng.gauss(86, 2) + (15 if self.fault else 0), 1),
                "pressure": round(self.rng.uniform(3.0, 3.6), 2),
                "rpm": round(800 + speed * 40),
            },
        }
        if self.fault:
            self.fault_left -= 1
            if self.fault_left <= 0:
                report["faults"] = [{"code": self.fault, "active": False}]
                self.fault = ""
        elif self.rng.random() < fault_chance:
            self.fault, self.fault_left = self.rng.choice(FAULT_CODES), self.rng.randint(3, 10)
            report["faults"] = [{"code": self.fault, "active": True}]
        return report


def fleet(devices: list[str], *, seed: int) -> list[Machine]:
    rng = random.Random(seed)
    machines = []
    for device in devices:
        lon, lat = CITIES.get(device.split("-")[1] if device.count("-") >= 2 else "", CITIES["SH"])
        machines.append(
            Machine(
                device,
                lon + rng.uniform(-0.5, 0.5),
                lat + rng.uniform(-0.4, 0.4),
                rng.uniform(0, 360),
                rng.uniform(50, 480),
                random.Random(rng.random()),
            )
        )
    return machines


def reports(
    machines: list[Machine],
    *,
    count: int,
    interval: float,
    fault_chance: float,
    duplicates: float,
    malformed: float,
    seed: int,
) -> Iterator[tuple[str, bytes]]:
    """(device, payload) to publish, ``count`` reports per machine (0: for ever)."""
    rng = random.Random(seed + 1)
    n = 0
    while count == 0 or n < count:
        n += 1
        for machine in machines:
            payload = json.dumps(machine.step(interval or 10, fault_chance=fault_chance)).encode()
            if rng.random() < malformed:
                yield machine.device, payload[: len(payload) // 2]  # cut off mid-way
            yield machine.device, payload
            if rng.random() < duplicates:
                yield machine.device, payload  # sent again: at-least-once
        if interval:
            time.sleep(interval)


def connect(url: str, client_id: str) -> mqtt.Client:
    parts = urlsplit(url)
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    if parts.scheme == "mqtts":
        client.tls_set()
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.loop_start()
    return client


def publish(
    client: mqtt.Client, items: Iterator[tuple[str, bytes]], *, topic: str, out: Callable[[str], None] = print
) -> int:
    """Publish every item with QoS 1 and wait until the broker took each; returns how many."""
    pending = []
    sent = 0
    for device, payload in items:
        pending.append(client.publish(topic.format(device=device), payload, qos=1))
        sent += 1
        if len(pending) >= 500:
            for info in pending:
                info.wait_for_publish(timeout=30)
            pending.clear()
            out(f"published {sent}")
    for info in pending:
        info.wait_for_publish(timeout=30)
    return sent


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--topic", default="aftersales/devices/{device}/messages")
    parser.add_argument("--devices", default=",".join(DEMO_DEVICES), help="comma-separated device ids")
    parser.add_argument("--count", type=int, default=0, help="reports per device (0: run until stopped)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between rounds (0: as fast as possible)")
    parser.add_argument("--fault-chance", type=float, default=0.01)
    parser.add_argument("--duplicates", type=float, default=0.0, help="share of reports sent twice")
    parser.add_argument("--malformed", type=float, default=0.0, help="share of reports also sent broken")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    machines = fleet([d for d in args.devices.split(",") if d], seed=args.seed)
    client = connect(args.url, client_id=f"fleet-simulator-{args.seed}")
    try:
        items = reports(
            machines, count=args.count, interval=args.interval, fault_chance=args.fault_chance,
            duplicates=args.duplicates, malformed=args.malformed, seed=args.seed,
        )  # fmt: skip
        sent = publish(client, items, topic=args.topic, out=out)
    except KeyboardInterrupt:
        sent = -1
    finally:
        client.disconnect()
        client.loop_stop()
    out(f"done: {sent} payloads published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
