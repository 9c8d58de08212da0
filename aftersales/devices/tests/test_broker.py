"""Mosquitto checks the devices' secrets and topics itself (manage.py mosquitto_auth): a device
publishes with its own secret to its own topic; a wrong secret is refused at connect; a device cannot
publish as another (its message to the other's topic never reaches the consumer); anonymous clients
are refused; the consumer reads them all with its own user."""

import datetime
import io
import json
import os
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command
from django.utils import timezone

from aftersales.devices.broker import acl_text, consumer_credentials, device_topic_pattern
from aftersales.devices.credentials import broker_hash
from aftersales.devices.models import Device, Sample
from aftersales.devices.mqtt import Consumer
from aftersales.devices.services.devices import retire_device, rotate_secret
from aftersales.devices.tests.conftest import start_mosquitto
from aftersales.devices.tests.factories import SECRET, make_device, make_manager, message

TOPIC = "aftersales/devices/+/messages"


def test_broker_hash_is_what_mosquitto_passwd_writes():
    import base64
    import hashlib

    line = broker_hash("secret-secret-123", salt=b"0123456789ab", iterations=101)
    _, kind, iterations, salt, digest = line.split("$")

    assert (kind, iterations, base64.b64decode(salt)) == ("7", "101", b"0123456789ab")
    expected = hashlib.pbkdf2_hmac("sha512", b"secret-secret-123", b"0123456789ab", 101)
    assert base64.b64decode(digest) == expected


def test_the_acl_lets_a_device_write_only_its_own_topic():
    text = acl_text(topic=TOPIC, share_group="aftersales", consumer_user="consumer")

    assert "pattern write aftersales/devices/%u/messages\n" in text
    assert "user consumer\ntopic read aftersales/devices/+/messages\n" in text
    assert "topic read $share/aftersales/aftersales/devices/+/messages" in text
    assert device_topic_pattern(TOPIC) == "aftersales/devices/%u/messages"
    assert consumer_credentials("mqtt://127.0.0.1:1883") is None
    assert consumer_credentials("mqtt://c%40x:p%3Aw@h:1") == ("c@x", "p:w")


@pytest.mark.django_db
def test_retired_devices_and_devices_without_a_broker_hash_get_no_password(tmp_path):
    kept = make_device(serial="T-KEEP")
    retired = make_device(serial="T-GONE")
    retire_device(by=make_manager(retired.bindings.get().unit), device=retired)
    Device.objects.create(serial="T-OLD", secret_hash="0" * 64)  # a secret from before broker hashes
    err = io.StringIO()

    call_command("mosquitto_auth", passwords=tmp_path / "pw", acl=tmp_path / "acl", url="mqtt://c:p@h:1", stderr=err)

    users = [line.split(":")[0] for line in (tmp_path / "pw").read_text().splitlines()]
    assert users == [kept.serial, "c"]
    assert "T-OLD" in err.getvalue()
    assert (tmp_path / "pw").stat().st_mode & 0o777 == 0o640


def _client(url: str, client_id: str, user: str | None, password: str | None) -> tuple[mqtt.Client, int]:
    host, port = url.removeprefix("mqtt://").split(":")
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if user is not None:
        client.username_pw_set(user, password)
    answered = threading.Event()
    codes: list[int] = []

    def on_connect(_c, _u, _f, reason, _p):
        codes.append(reason.value)
        answered.set()

    client.on_connect = on_connect
    client.connect(host, int(port))
    client.loop_start()
    assert answered.wait(10), "the broker did not answer the connect"
    return client, codes[0]


def _refused(url: str, client_id: str, user: str | None, password: str | None) -> bool:
    client, code = _client(url, client_id, user, password)
    client.disconnect()
    client.loop_stop()
    return code != 0


@pytest.mark.django_db(transaction=True)
def test_mosquitto_checks_secrets_and_topics_from_the_devices(tmp_path: Path):
    own = make_device(serial="T-OWN")
    other = make_device(serial="T-OTHER")
    new_secret = rotate_secret(by=make_manager(other.bindings.get().unit), device=other)
    passwords, acl = tmp_path / "passwords", tmp_path / "acl"
    call_command("mosquitto_auth", passwords=passwords, acl=acl, url="mqtt://consumer:consumer-pw@x:1")
    settings = f"allow_anonymous false\npassword_file {passwords}\nacl_file {acl}\n"
    if os.geteuid() == 0:  # as root the broker would drop to "mosquitto", who cannot read the test's files
        settings += "user root\n"
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=1)

    with start_mosquitto(tmp_path, settings) as url:
        host_port = url.removeprefix("mqtt://")
        consumer = Consumer(
            url=f"mqtt://consumer:consumer-pw@{host_port}", topic=TOPIC, share_group="aftersales", client_id="c-acl"
        )
        consumer.start()
        try:
            refused = [
                _refused(url, "anon", None, None),
                _refused(url, "wrong", "T-OWN", "not-the-secret"),
                _refused(url, "old", "T-OTHER", SECRET),  # rotated away
            ]
            assert all(refused), refused
            device, ok = _client(url, "T-OWN", "T-OWN", SECRET)
            assert ok == 0
            spoof = device.publish("aftersales/devices/T-OTHER/messages", json.dumps(message(1, at)), qos=1)
            real = device.publish("aftersales/devices/T-OWN/messages", json.dumps(message(2, at)), qos=1)
            spoof.wait_for_publish(10)
            real.wait_for_publish(10)
            rotated, fine = _client(url, "T-OTHER", "T-OTHER", new_secret)
            assert fine == 0
            rotated.publish("aftersales/devices/T-OTHER/messages", json.dumps(message(3, at)), qos=1).wait_for_publish(
                10
            )
            totals = consumer.run(stop=threading.Event(), until=lambda t: t.received >= 2)
        finally:
            consumer.stop()

    device.disconnect()
    device.loop_stop()
    rotated.disconnect()
    rotated.loop_stop()
    assert totals.received == 2
    stored = set(Sample.objects.values_list("device__serial", "message_id"))
    assert stored == {(own.serial, "m2"), (other.serial, "m3")}
