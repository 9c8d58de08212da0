"""The MQTT consumer: device messages from any MQTT 3.1.1/5 broker into ``ingest``.

One process (``manage.py consume_device_messages``, supervised in production) subscribes with QoS 1
to ``DEVICES["MQTT_TOPIC"]`` (``aftersales/devices/+/messages``: the ``+`` level is the device id) as
a shared subscription (``$share/<group>/<topic>``), so several consumers split the load and each
message goes to one of them. The session is persistent (``clean_session=False``): messages published
while no consumer runs wait in the broker.

At-least-once without loss: acknowledgements are manual and sent only after the batch's transaction
committed. A consumer that dies before that leaves its messages unacknowledged and the broker sends
them again; ``ingest`` recognises the ones already stored (message id and time) and counts them as
duplicates. A batch the database refuses (it is down) is kept and tried again, never acknowledged
unstored. A malformed message is quarantined by ``ingest`` and acknowledged like any other.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import close_old_connections

from aftersales.devices.choices import Transport
from aftersales.devices.partitions import ensure_partitions
from aftersales.devices.services.ingest import Incoming, IngestReport, ingest

logger = logging.getLogger("aftersales.devices")


@dataclass
class Totals:
    """What a consumer did since it started."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    orders_opened: int = 0
    batches: int = 0
    failed_batches: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, report: IngestReport, received: int) -> None:
        self.received += received
        self.stored += report.stored
        self.duplicates += report.duplicates
        self.quarantined += report.quarantined
        self.orders_opened += len(report.orders_opened)
        self.batches += 1
        for reason, count in report.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count


def device_from_topic(topic: str, pattern: str) -> str:
    """The device id: the topic level where ``pattern`` has ``+`` (the first one)."""
    levels, wanted = topic.split("/"), pattern.split("/")
    if len(levels) != len(wanted):
        return ""
    for level, want in zip(levels, wanted, strict=True):
        if want == "+":
            return level
    return ""


@dataclass
class _Received:
    topic: str
    payload: bytes
    mid: int
    qos: int


class Consumer:
    """Subscribe, batch, ingest, acknowledge. ``run(stop=...)`` returns when ``stop`` is set (or
    ``until(totals)`` says so), after the batch in hand is stored and acknowledged."""

    def __init__(
        self,
        *,
        url: str,
        topic: str,
        share_group: str = "",
        client_id: str = "aftersales-consumer",
        batch_size: int = 500,
        batch_seconds: float = 0.2,
        retry_seconds: float = 2.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"MQTT URL must be mqtt://host:port or mqtts://host:port, not {url!r}")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        self.topic = topic
        self.subscription = f"$share/{share_group}/{topic}" if share_group else topic
        self.batch_size, self.batch_seconds, self.retry_seconds = batch_size, batch_seconds, retry_seconds
        self.totals = Totals()
        self._inbox: queue.Queue[_Received] = queue.Queue()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        if parts.scheme == "mqtts":
            self.client.tls_set()
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    # -- paho's network thread --------------------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            logger.error("devices: MQTT connect refused: %s", reason)
            return
        client.subscribe(self.subscription, qos=1)

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any) -> None:
        logger.info("devices: subscribed to %s", self.subscription)
        self._subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._inbox.put(_Received(message.topic, message.payload, message.mid, message.qos))

    # -- the consumer's own thread ----------------------------------------------------------------
    def start(self, *, timeout: float = 10.0) -> None:
        """Connect and subscribe (waits at most ``timeout`` seconds for the broker's answer)."""
        ensure_partitions()
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        if not self._subscribed.wait(timeout):
            self.client.loop_stop()
            raise ConnectionError(f"no subscription to {self.subscription} on {self.host}:{self.port} in {timeout}s")

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def run(self, *, stop: threading.Event, until: Callable[[Totals], bool] | None = None) -> Totals:
        while not stop.is_set() and not (until and until(self.totals)):
            batch = self._next_batch(stop)
            if batch:
                self._handle(batch, stop)
        return self.totals

    def _next_batch(self, stop: threading.Event) -> list[_Received]:
        batch: list[_Received] = []
        deadline = time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size and not stop.is_set():
            wait = deadline - time.monotonic()
            if wait <= 0:
                break
            try:
                batch.append(self._inbox.get(timeout=wait))
            except queue.Empty:
                break
        return batch

    def _handle(self, batch: list[_Received], stop: threading.Event) -> None:
        incoming = [Incoming(device_from_topic(r.topic, self.topic), r.payload, Transport.MQTT) for r in batch]
        while True:
            try:
                close_old_connections()
                report = ingest(incoming)
                break
            except Exception:  # the database refused the batch: keep it, try again, acknowledge nothing
                self.totals.failed_batches += 1
                logger.exception("devices: batch of %d not stored; trying again", len(batch))
                if stop.wait(self.retry_seconds):
                    return  # stopping: unacknowledged, the broker sends them again to the next consumer
        for received in batch:
            if received.qos > 0:
                self.client.ack(received.mid, received.qos)
        self.totals.add(report, len(batch))
