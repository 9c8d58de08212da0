"""What keeps the fleet running: the link sweep and its alerts, partitions created ahead and dropped
past the retention, the periodic tasks, rotating a device's secret, the consumer command, and every
kind of malformed message refused with its reason (never stored, never a stop)."""

import datetime
import io
import json
import threading

import paho.mqtt.client as mqtt
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import NotFoundError
from aftersales.devices import partitions, tasks
from aftersales.devices.choices import LinkState
from aftersales.devices.messages import Malformed, decode_payload, parse_message
from aftersales.devices.models import DeviceState, LinkEvent, Sample
from aftersales.devices.mqtt import Consumer
from aftersales.devices.services.devices import rotate_secret
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.devices.services.link import sweep_links
from aftersales.devices.tests.factories import SECRET, make_device, make_manager, message
from aftersales.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)


# ---- the link sweep -----------------------------------------------------------------------------
def test_a_silent_device_loses_its_link_once_and_its_centre_is_told():
    device = make_device()
    unit = device.bindings.get().unit
    centre = unit.customer.service_center
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    stranger = UserFactory(role=Role.DISPATCHER)  # another centre: not told
    seen = _now() - datetime.timedelta(minutes=40)
    ingest([Incoming(device.serial, json.dumps(message(1, seen)))])
    DeviceState.objects.filter(device=device).update(last_seen_at=seen)

    first = sweep_links()
    second = sweep_links()

    assert (first.lost, second.lost, second.notices) == (1, 0, 0)
    assert first.notices >= 1
    assert DeviceState.objects.get(device=device).link_state == LinkState.LOST
    assert list(LinkEvent.objects.filter(device=device).values_list("state", flat=True).order_by("pk")) == [
        LinkState.ONLINE,
        LinkState.LOST,
    ]
    keys = list(OutboxMessage.objects.filter(key__startswith=f"device-{device.pk}-lost-").values_list("key", flat=True))
    assert any(key.endswith(f"-user-{dispatcher.pk}-in_app") for key in keys)
    assert not any(key.endswith(f"-user-{stranger.pk}-in_app") for key in keys)

    ingest([Incoming(device.serial, json.dumps(message(2, _now() - datetime.timedelta(seconds=5))))])
    assert DeviceState.objects.get(device=device).link_state == LinkState.ONLINE


def test_a_recent_device_keeps_its_link():
    device = make_device()
    ingest([Incoming(device.serial, json.dumps(message(1, _now() - datetime.timedelta(minutes=1))))])

    assert sweep_links().lost == 0
    assert DeviceState.objects.get(device=device).link_state == LinkState.ONLINE


def test_an_unbound_silent_device_loses_its_link_without_an_alert():
    device = make_device(bind=False)
    seen = _now() - datetime.timedelta(hours=2)
    DeviceState.objects.filter(device=device).update(link_state=LinkState.ONLINE, last_seen_at=seen)

    sweep = sweep_links()

    assert (sweep.lost, sweep.notices) == (1, 0)


def test_the_periodic_tasks_run_their_services():
    device = make_device()
    DeviceState.objects.filter(device=device).update(
        link_state=LinkState.ONLINE, last_seen_at=_now() - datetime.timedelta(hours=1)
    )

    tasks.sweep_links()
    tasks.maintain_partitions()

    assert DeviceState.objects.get(device=device).link_state == LinkState.LOST


# ---- partitions and retention -------------------------------------------------------------------
def test_months_to_keep_span_the_retention_and_the_months_ahead(settings):
    settings.DEVICES = {**settings.DEVICES, "RETENTION_MONTHS": 2, "PARTITIONS_AHEAD": 1}
    months = partitions.months_to_keep(datetime.date(2026, 1, 15))

    assert months == [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1),
                      datetime.date(2026, 2, 1)]  # fmt: skip
    assert partitions.partition_name(datetime.date(2026, 2, 1)) == "devices_sample_y2026m02"


def test_retention_removes_the_samples_of_expired_months(settings):
    if connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL drops whole partitions: test_partitions_are_created_ahead_and_dropped_past_the_retention"
        )
    settings.DEVICES = {**settings.DEVICES, "RETENTION_MONTHS": 1, "MAX_FUTURE_SECONDS": 300}
    device = make_device()
    today = timezone.now().date()
    old = timezone.now() - datetime.timedelta(days=70)
    Sample.objects.create(device=device, message_id="old", at=old, received_at=old, lat=31.0, lon=121.0)
    ingest([Incoming(device.serial, json.dumps(message(1, _now() - datetime.timedelta(minutes=1))))])

    removed = partitions.drop_expired(today=today)

    assert removed >= 1
    assert list(Sample.objects.values_list("message_id", flat=True)) == ["m1"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_partitions_are_created_ahead_and_dropped_past_the_retention(settings):
    if connection.vendor != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only")
    settings.DEVICES = {**settings.DEVICES, "RETENTION_MONTHS": 2, "PARTITIONS_AHEAD": 2}
    partitions.forget_known_partitions()
    today = datetime.date(2040, 6, 10)

    created = partitions.ensure_partitions(today=today)
    again = partitions.ensure_partitions(today=today)

    assert {"devices_sample_y2040m04", "devices_sample_y2040m08"} <= set(created) and again == []
    device = make_device()
    for name, month in (("april", 4), ("june", 6)):
        at = datetime.datetime(2040, month, 3, tzinfo=datetime.UTC)
        Sample.objects.create(device=device, message_id=name, at=at, received_at=at, lat=1, lon=1)

    dropped = partitions.drop_expired(today=datetime.date(2040, 7, 1))  # keeps May on: April goes

    assert dropped >= 1
    assert list(Sample.objects.filter(device=device).values_list("message_id", flat=True)) == ["june"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('devices_sample_y2040m04'), to_regclass('devices_sample_y2040m05')")
        april, may = cursor.fetchone()
    assert april is None and may is not None
    partitions.drop_expired(today=datetime.date(2041, 6, 1))  # leave no 2040 partition behind
    partitions.forget_known_partitions()


def test_partitions_are_a_no_op_without_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's plain table")
    assert partitions.ensure_partitions() == []


# ---- rotating a device's secret -----------------------------------------------------------------
def _post(client, serial, secret, body):
    import base64

    auth = base64.b64encode(f"{serial}:{secret}".encode()).decode()
    return client.post(
        "/api/v1/device-messages", body, content_type="application/json", headers={"Authorization": f"Basic {auth}"}
    )


def test_a_rotated_secret_works_at_once_and_the_old_one_stops(client, api_client):
    device = make_device(serial="T-ROT")
    manager = make_manager(device.bindings.get().unit)
    body = {"messages": [message(1, _now() - datetime.timedelta(minutes=1))]}

    answer = api_client(manager).post(f"/api/v1/devices/{device.pk}/secret", {}, content_type="application/json")

    assert answer.status_code == 200, answer.content
    new = answer.json()["secret"]
    assert new != SECRET
    assert _post(client, "T-ROT", SECRET, body).status_code == 401
    assert _post(client, "T-ROT", new, body).status_code == 200
    assert Sample.objects.filter(device=device).count() == 1


def test_a_weak_secret_is_refused_and_the_old_one_kept(client, api_client):
    device = make_device(serial="T-ROT")
    manager = make_manager(device.bindings.get().unit)

    answer = api_client(manager).post(
        f"/api/v1/devices/{device.pk}/secret", {"secret": "short"}, content_type="application/json"
    )

    assert answer.status_code in (400, 422) and "secret" in answer.content.decode()
    body = {"messages": [message(1, _now() - datetime.timedelta(minutes=1))]}
    assert _post(client, "T-ROT", SECRET, body).status_code == 200


def test_another_centres_manager_cannot_rotate_the_secret(api_client, other_centre):
    device = make_device(serial="T-ROT")
    stranger = UserFactory(role=Role.MANAGER, service_center=other_centre)

    answer = api_client(stranger).post(f"/api/v1/devices/{device.pk}/secret", {}, content_type="application/json")

    assert answer.status_code == 404
    with pytest.raises(NotFoundError):
        rotate_secret(by=stranger, device=device)


# ---- the consumer command -----------------------------------------------------------------------
def test_the_consumer_command_needs_a_broker(settings):
    settings.DEVICES = {**settings.DEVICES, "MQTT_URL": ""}
    with pytest.raises(CommandError, match="AFTERSALES_MQTT_URL"):
        call_command("consume_device_messages")


@pytest.mark.django_db(transaction=True)
def test_the_consumer_command_drains_what_waits_in_the_broker(mosquitto):
    device = make_device(serial="T-CMD")
    topic = "aftersales/devices/+/messages"
    first = Consumer(url=mosquitto, topic=topic, share_group="", client_id="cmd-consumer")
    first.start()
    first.stop()  # the persistent session keeps the subscription while no consumer runs
    host, port = mosquitto.removeprefix("mqtt://").split(":")
    publisher = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="cmd-publisher")
    publisher.connect(host, int(port))
    publisher.loop_start()
    at = _now() - datetime.timedelta(minutes=2)
    try:
        infos = [
            publisher.publish("aftersales/devices/T-CMD/messages", json.dumps(message(n, at)), qos=1) for n in range(3)
        ]
        for info in infos:
            info.wait_for_publish(timeout=10)
    finally:
        publisher.disconnect()
        publisher.loop_stop()
    out = io.StringIO()

    call_command(
        "consume_device_messages", url=mosquitto, client_id="cmd-consumer", share_group="", max_messages=3, stdout=out
    )

    assert "stored 3" in out.getvalue()
    assert Sample.objects.filter(device=device).count() == 3


# ---- malformed messages -------------------------------------------------------------------------
AT = "2026-12-04T08:00:05+08:00"


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ([], "a message is a JSON object"),
        ({"id": "m1", "ts": AT, "extra": 1}, "unknown keys"),
        ({"id": "", "ts": AT}, "id:"),
        ({"id": "m1", "ts": None}, "ts: required"),
        ({"id": "m1", "ts": True}, "ts: required"),
        ({"id": "m1", "ts": -5}, "ts: not a time"),
        ({"id": "m1", "ts": float("inf")}, "ts: not a time"),
        ({"id": "m1", "ts": 1e300}, "ts: out of range"),
        ({"id": "m1", "ts": "yesterday"}, "ts: not ISO 8601"),
        ({"id": "m1", "ts": "2026-12-04T08:00:05"}, "ts: needs an offset"),
        ({"id": "m1", "ts": ["x"]}, "ts: ISO 8601"),
        ({"id": "m1", "ts": AT, "pos": [1, 2]}, "pos: an object"),
        ({"id": "m1", "ts": AT, "pos": {"lat": 1, "lon": 2, "alt": 3}}, "pos: unknown keys"),
        ({"id": "m1", "ts": AT, "pos": {"lat": 1}}, "pos.lon: required"),
        ({"id": "m1", "ts": AT, "pos": {"lat": "1", "lon": 2}}, "pos.lat: a number"),
        ({"id": "m1", "ts": AT, "pos": {"lat": True, "lon": 2}}, "pos.lat: a number"),
        ({"id": "m1", "ts": AT, "engine": {"temp": 999}}, "engine.temp: 999 outside"),
        ({"id": "m1", "ts": AT, "faults": {"code": "E1"}}, "faults: a list"),
        ({"id": "m1", "ts": AT, "faults": ["E1"]}, "faults: objects"),
        ({"id": "m1", "ts": AT, "faults": [{"code": "E 1"}]}, "faults.code"),
        ({"id": "m1", "ts": AT, "faults": [{"code": "E1", "active": "yes"}]}, "faults.active"),
        ({"id": "m1", "ts": AT, "faults": [{"code": "E1"}, {"code": "E1", "active": False}]}, "a code twice"),
    ],
)
def test_a_malformed_message_is_refused_with_its_reason(item, reason):
    with pytest.raises(Malformed, match=reason):
        parse_message(item)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "empty list"),
        (b"x" * (256 * 1024 + 1), "over"),
        ("{", "not JSON"),
    ],
)
def test_an_unreadable_payload_is_refused_with_its_reason(payload, reason):
    with pytest.raises(Malformed, match=reason):
        decode_payload(payload)


def test_numeric_ids_and_times_in_milliseconds_are_read():
    parsed = parse_message({"id": 183, "ts": 1_764_806_405_000, "engine": {"hours": 12}})

    assert parsed.message_id == "183"
    assert parsed.at == datetime.datetime(2025, 12, 4, 0, 0, 5, tzinfo=datetime.UTC)
    assert parsed.values == {"engine_hours": 12.0}


def test_malformed_messages_among_good_ones_store_the_good_ones_only():
    device = make_device()
    at = _now() - datetime.timedelta(minutes=3)
    batch = [Incoming(device.serial, json.dumps(message(n, at + datetime.timedelta(seconds=n)))) for n in range(3)]
    batch.insert(1, Incoming(device.serial, json.dumps({"id": "bad", "ts": AT, "pos": {"lat": 100, "lon": 0}})))
    batch.insert(3, Incoming(device.serial, b"\x00\x01"))  # NUL: PostgreSQL's text refuses it as it is
    batch.insert(4, Incoming(device.serial, json.dumps({"id": "n", "ts": AT, "\x00": 1})))

    report = ingest(batch)

    assert (report.stored, report.quarantined) == (3, 3)
    assert Sample.objects.filter(device=device).count() == 3


def test_the_consumer_keeps_a_batch_the_database_refuses_and_acknowledges_nothing(monkeypatch):
    consumer = Consumer(url="mqtt://127.0.0.1:1", topic="aftersales/devices/+/messages", retry_seconds=0)
    acks: list[int] = []
    monkeypatch.setattr(consumer.client, "ack", lambda mid, qos: acks.append(mid))
    stop = threading.Event()

    def refuse(_incoming):
        stop.set()
        raise RuntimeError("database down")

    monkeypatch.setattr("aftersales.devices.mqtt.ingest", refuse)
    from aftersales.devices.mqtt import _Received

    consumer._handle([_Received("aftersales/devices/T-1/messages", b"{}", 7, 1)], stop)

    assert acks == [] and consumer.totals.failed_batches == 1 and consumer.totals.received == 0
