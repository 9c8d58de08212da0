"""Over a real Mosquitto: messages published by devices are stored once each, duplicates and
malformed ones do no harm, a fault opens exactly one order, and nothing is acknowledged unstored."""

import datetime
import json
import threading

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone

from aftersales.devices.choices import RuleKind
from aftersales.devices.models import Quarantine, Rule, Sample, Trigger
from aftersales.devices.mqtt import Consumer, device_from_topic
from aftersales.devices.tests.factories import make_device, message
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "aftersales/devices/+/messages"


def _publisher(url: str) -> mqtt.Client:
    host, port = url.removeprefix("mqtt://").split(":")
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="test-publisher")
    client.connect(host, int(port))
    client.loop_start()
    return client


def _publish_all(client: mqtt.Client, items: list[tuple[str, bytes]]) -> None:
    infos = [client.publish(f"aftersales/devices/{device}/messages", payload, qos=1) for device, payload in items]
    for info in infos:
        info.wait_for_publish(timeout=10)
        assert info.is_published()


def test_device_from_topic_reads_the_plus_level():
    assert device_from_topic("aftersales/devices/T-1/messages", TOPIC) == "T-1"
    assert device_from_topic("aftersales/devices/T-1/other/messages", TOPIC) == ""


def test_the_consumer_stores_each_message_once_and_quarantines_the_bad(mosquitto):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    first, second = make_device(serial="T-1"), make_device(serial="T-2")
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=20)
    items: list[tuple[str, bytes]] = []
    for n in range(50):
        for device in (first, second):
            faults = [{"code": "E42"}] if device is first and n >= 10 else None
            body = json.dumps(message(n, at + datetime.timedelta(seconds=n), faults=faults)).encode()
            items.append((device.serial, body))
            if n % 10 == 0:
                items.append((device.serial, body))  # sent twice (at-least-once)
    items += [("T-1", b"{broken"), ("NOPE", json.dumps(message(1, at)).encode())]
    consumer = Consumer(url=mosquitto, topic=TOPIC, share_group="aftersales", client_id="test-consumer", batch_size=40)
    consumer.start()
    publisher = _publisher(mosquitto)
    try:
        _publish_all(publisher, items)
        totals = consumer.run(stop=threading.Event(), until=lambda t: t.received >= len(items))
    finally:
        publisher.disconnect()
        publisher.loop_stop()
        consumer.stop()

    assert totals.received == len(items) == 112
    assert (totals.stored, totals.duplicates, totals.quarantined) == (100, 10, 2)
    assert Sample.objects.count() == 100
    assert sorted(Quarantine.objects.values_list("reason", flat=True)) == ["malformed", "unknown_device"]
    assert ServiceOrder.objects.count() == 1 and totals.orders_opened == 1


def test_messages_published_while_no_consumer_runs_wait_in_the_broker(mosquitto):
    device = make_device(serial="T-1")
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=5)
    first = Consumer(url=mosquitto, topic=TOPIC, client_id="test-durable")
    first.start()
    first.stop()  # the session stays (clean_session=False): the subscription is kept
    publisher = _publisher(mosquitto)
    try:
        _publish_all(publisher, [(device.serial, json.dumps(message(n, at)).encode()) for n in range(5)])
    finally:
        publisher.disconnect()
        publisher.loop_stop()

    again = Consumer(url=mosquitto, topic=TOPIC, client_id="test-durable")
    again.start()
    try:
        totals = again.run(stop=threading.Event(), until=lambda t: t.received >= 5)
    finally:
        again.stop()

    assert totals.stored == 5


def _simulator():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "examples" / "fleet_simulator.py"
    spec = importlib.util.spec_from_file_location("fleet_simulator", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_fleet_publishes_over_mosquitto_and_each_fault_opens_one_order(mosquitto):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    devices = [make_device(serial=f"GW-SH-{n:04d}") for n in range(1, 4)]
    simulator = _simulator()
    consumer = Consumer(url=mosquitto, topic=TOPIC, share_group="aftersales", client_id="test-fleet", batch_size=50)
    consumer.start()
    lines: list[str] = []
    try:
        simulator.main(
            [
                "--url", mosquitto, "--devices", ",".join(d.serial for d in devices), "--count", "40",
                "--interval", "0", "--fault-chance", "0.05", "--duplicates", "0.1", "--malformed", "0.02",
            ],
            out=lines.append,
        )  # fmt: skip
        published = int(lines[-1].split()[1])
        totals = consumer.run(stop=threading.Event(), until=lambda t: t.received >= published)
    finally:
        consumer.stop()

    assert totals.stored == Sample.objects.count() == 120  # 40 reports of 3 machines, each once
    assert totals.stored + totals.duplicates + totals.quarantined == published
    assert totals.duplicates > 0 and totals.quarantined == Quarantine.objects.count() > 0
    causes = set(Trigger.objects.values_list("unit_id", "cause"))
    assert ServiceOrder.objects.count() == len(causes) > 0
