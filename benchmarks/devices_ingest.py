"""Device messages: sustained ingestion through Mosquitto and the consumers, and a day's track (issue 16:
">= 5,000 messages/s on these 2 cores with 10 % duplicates and 1 % malformed mixed in, none lost and none
counted twice; a day's track of one unit (8,640 points) served in under 100 ms"). Figures go to the
"Device messages" section of benchmarks/README.md.

    .venv/bin/python benchmarks/devices_ingest.py                                  # full size (lead only)
    .venv/bin/python benchmarks/devices_ingest.py --devices 50 --messages 5000     # a small check
    .venv/bin/python benchmarks/devices_ingest.py --via direct                     # ingest() alone, no broker

Creates (drops first) its own database (default ``postgres://postgres@127.0.0.1:5432/aftersales_bench_devices``,
``--database-url``; a ``sqlite:///path`` works too), registers the devices (each bound to a unit, with a
fault rule on), prepares the messages (numbered per device, one every 10 s of device time, a fault now and
then; ``--duplicates`` of them sent twice, ``--malformed`` also sent cut in half), then:

- ``--via mqtt`` (default): starts Mosquitto on a free port and ``--consumers`` processes of
  ``manage.py consume_device_messages`` (one shared subscription), publishes every payload with QoS 1 as
  fast as one publisher can, and times from the first publish until every message is stored or
  quarantined (counted in the database);
- ``--via direct``: calls ``ingest()`` in batches of ``--batch`` in this process (the database path alone).

Then it **counts**: stored samples = distinct messages (none lost, none twice), quarantined = the broken
ones, orders opened = distinct (unit, fault) causes; and times ``GET /api/v1/units/{id}/track?day=`` on a
unit given 8,640 points for one day (median of 20, through Django's test client with a token).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench_devices"
TOPIC = "aftersales/devices/{device}/messages"
SECRET = "bench-device-secret-000"  # noqa: S105 (a throwaway database)


def fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    os.environ["AFTERSALES_DEVICES_RATE_PER_MINUTE"] = "10000000"  # throughput, not the flood guard
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_fleet(devices: int) -> tuple[list[str], int]:
    """Devices GW-B-00001 …, each bound to a unit of one customer; a fault rule. Returns the ids and
    the first unit's id (the track's)."""
    from django.core.management import call_command

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ServiceCenter, User
    from aftersales.catalog.models import ProductModel
    from aftersales.customers.models import Contact, Customer
    from aftersales.devices.choices import RuleKind
    from aftersales.devices.credentials import hash_secret
    from aftersales.devices.models import Binding, Device, DeviceState, Rule
    from aftersales.installed_base.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    centre = ServiceCenter.objects.create(code="B", name="Bench", region="华东", phone="021-64871200")
    manager = User.objects.create_user(username="bench-manager", role=Role.MANAGER, service_center=centre)
    model = ProductModel.objects.create(code="BM-1", name="Bench model", warranty_months=24)
    customer = Customer.objects.create(name="Bench customer", service_center=centre)
    Contact.objects.create(customer=customer, name="张三", mobile="+8613900001111", is_primary=True)
    units = Unit.objects.bulk_create(
        [Unit(serial_number=f"BU{n:06d}", product_model=model, customer=customer) for n in range(devices)]
    )
    ids = [f"GW-B-{n:05d}" for n in range(devices)]
    made = Device.objects.bulk_create([Device(serial=s, secret_hash=hash_secret(SECRET)) for s in ids])
    DeviceState.objects.bulk_create([DeviceState(device=d, unit=u) for d, u in zip(made, units, strict=True)])
    now = dt.datetime.now(dt.UTC)
    Binding.objects.bulk_create(
        [Binding(device=d, unit=u, bound_at=now, bound_by=manager) for d, u in zip(made, units, strict=True)]
    )
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    return ids, units[0].pk


def messages(
    ids: list[str], total: int, *, duplicates: float, malformed: float, seed: int
) -> tuple[list[tuple[str, bytes]], int, int]:
    """The payloads to send (device, bytes), the distinct messages among them, the broken ones."""
    rng = random.Random(seed)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    per_device = max(1, total // len(ids))
    out: list[tuple[str, bytes]] = []
    distinct = broken = 0
    for n in range(per_device):
        at = start + dt.timedelta(seconds=10 * n)
        for device in ids:
            body = {
                "id": f"{n:08d}",
                "ts": at.isoformat(),
                "pos": {
                    "lat": 31.2 + rng.random() / 10,
                    "lon": 121.4 + rng.random() / 10,
                    "speed": round(rng.uniform(0, 40), 1),
                },
                "engine": {"hours": 100 + n / 360, "temp": round(rng.uniform(80, 95), 1)},
            }
            if rng.random() < 0.0005:
                body["faults"] = [{"code": f"E{rng.randint(1, 3)}", "active": True}]
            payload = json.dumps(body).encode()
            out.append((device, payload))
            distinct += 1
            if rng.random() < malformed:
                out.append((device, payload[: len(payload) // 2]))
                broken += 1
            if rng.random() < duplicates:
                out.append((device, payload))
    rng.shuffle(out)  # disorder: devices' messages arrive out of order as well
    return out, distinct, broken


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def counted() -> tuple[int, int]:
    from django.db.models import Sum

    from aftersales.devices.models import Quarantine, Sample

    return Sample.objects.count(), Quarantine.objects.aggregate(n=Sum("count"))["n"] or 0


def via_mqtt(payloads: list[tuple[str, bytes]], *, expected: int, consumers: int, url: str) -> float:
    import paho.mqtt.client as mqtt

    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    conf = Path(tempfile.mkdtemp()) / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n")
    broker = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    procs = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        env = {**os.environ, "DATABASE_URL": url}
        for k in range(consumers):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "manage.py",
                        "consume_device_messages",
                        "--url",
                        f"mqtt://127.0.0.1:{port}",
                        "--client-id",
                        f"bench-{k}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                )  # fmt: skip
            )
        time.sleep(3)  # the consumers subscribe (a benchmark may wait; the tests never do)
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="bench-publisher")
        client.max_inflight_messages_set(1000)
        client.connect("127.0.0.1", port)
        client.loop_start()
        started = time.perf_counter()
        infos = [client.publish(TOPIC.format(device=d), p, qos=1) for d, p in payloads]
        for info in infos:
            info.wait_for_publish(timeout=120)
        published = time.perf_counter()
        while sum(counted()) < expected and time.perf_counter() - started < 1800:
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
        print(f"published {len(payloads):,} in {published - started:.1f} s; all handled after {elapsed:.1f} s")
        client.disconnect()
        client.loop_stop()
        return elapsed
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        broker.terminate()
        broker.wait(timeout=10)
        conf.unlink(missing_ok=True)


def via_direct(payloads: list[tuple[str, bytes]], *, batch: int) -> float:
    from aftersales.devices.services.ingest import Incoming, ingest

    started = time.perf_counter()
    for i in range(0, len(payloads), batch):
        ingest([Incoming(d, p) for d, p in payloads[i : i + batch]])
    return time.perf_counter() - started


def track_timing(unit_id: int, device: str) -> dict:
    """8,640 points (one every 10 s) for yesterday, then GET the day's track 20 times."""
    from django.test import Client
    from django.utils import timezone

    from aftersales.accounts.models import ApiToken, User
    from aftersales.devices.credentials import hash_secret
    from aftersales.devices.models import Binding, Device
    from aftersales.devices.services.ingest import Incoming, ingest

    day = timezone.localdate() - dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    Device.objects.create(serial="GW-TRACK", secret_hash=hash_secret(SECRET))
    # Samples take the unit bound when they are stored: fit GW-TRACK to the unit now.
    now = timezone.now()
    Binding.objects.filter(unit_id=unit_id, unbound_at__isnull=True).update(unbound_at=now)
    Binding.objects.create(
        device=Device.objects.get(serial="GW-TRACK"),
        unit_id=unit_id,
        bound_at=now,
        bound_by=User.objects.get(username="bench-manager"),
    )
    points = [
        {
            "id": f"t{n}",
            "ts": (start + dt.timedelta(seconds=10 * n)).isoformat(),
            "pos": {"lat": 31.2 + n / 1e5, "lon": 121.4 + n / 1e5, "speed": 20.0},
        }
        for n in range(8640)
    ]
    for i in range(0, len(points), 1000):
        ingest([Incoming("GW-TRACK", points[i : i + 1000])], limit_rate=False)
    user = User.objects.get(username="bench-manager")
    ApiToken.objects.create(user=user, name="bench", key_hash=ApiToken.hash_key("bench-key"))
    client = Client(headers={"Authorization": "Bearer bench-key"})
    path = f"/api/v1/units/{unit_id}/track?day={day.isoformat()}"
    answer = client.get(path)
    if answer.status_code != 200 or answer.json()["count"] != 8640:
        raise SystemExit(f"track answered {answer.status_code}")
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return {"points": 8640, "median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DEVICES_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=300_000, help="distinct messages (before duplicates)")
    parser.add_argument("--duplicates", type=float, default=0.10)
    parser.add_argument("--malformed", type=float, default=0.01)
    parser.add_argument("--via", choices=("mqtt", "direct"), default="mqtt")
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    fresh_database(args.database_url)
    setup_django(args.database_url)
    ids, track_unit = make_fleet(args.devices)
    payloads, distinct, broken = messages(
        ids, args.messages, duplicates=args.duplicates, malformed=args.malformed, seed=args.seed
    )
    print(
        f"{len(payloads):,} payloads: {distinct:,} distinct messages, {len(payloads) - distinct - broken:,} duplicates, {broken:,} malformed"
    )
    expected = distinct + broken
    if args.via == "mqtt":
        elapsed = via_mqtt(payloads, expected=expected, consumers=args.consumers, url=args.database_url)
    else:
        elapsed = via_direct(payloads, batch=args.batch)
    stored, quarantined = counted()
    from aftersales.devices.models import Trigger
    from aftersales.service.models import ServiceOrder

    result = {
        "via": args.via,
        "consumers": args.consumers if args.via == "mqtt" else 0,
        "payloads": len(payloads),
        "messages_per_s": round(len(payloads) / elapsed),
        "seconds": round(elapsed, 1),
        "stored": stored,
        "expected_stored": distinct,
        "quarantined": quarantined,
        "expected_quarantined": broken,
        "orders": ServiceOrder.objects.count(),
        "order_causes": Trigger.objects.values("unit_id", "cause").distinct().count(),
        "load_average": round(os.getloadavg()[0], 1),
    }
    result["none_lost_none_twice"] = (
        stored == distinct and quarantined == broken and result["orders"] == result["order_causes"]
    )
    result["track"] = track_timing(track_unit, ids[0])
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
