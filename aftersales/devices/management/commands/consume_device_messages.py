"""``manage.py consume_device_messages``: the MQTT consumer (aftersales/devices/mqtt.py), a process of
its own; run several with the same share group to split the load."""

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aftersales.devices.mqtt import Consumer


class Command(BaseCommand):
    help = "Consume device messages from the MQTT broker (DEVICES['MQTT_URL']) into the database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="", help="mqtt://host:port (default: AFTERSALES_MQTT_URL)")
        parser.add_argument("--client-id", default="", help="default: AFTERSALES_MQTT_CLIENT_ID")
        parser.add_argument("--share-group", default=None, help="default: AFTERSALES_MQTT_SHARE_GROUP ('' for none)")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--max-messages",
            type=int,
            default=0,
            help="stop after this many messages (draining a backlog, or a test); default: run until stopped",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        conf = settings.DEVICES
        url = options["url"] or conf["MQTT_URL"]
        if not url:
            raise CommandError("No broker: set AFTERSALES_MQTT_URL (devices may post to /api/v1/device-messages).")
        consumer = Consumer(
            url=url,
            topic=conf["MQTT_TOPIC"],
            share_group=conf["MQTT_SHARE_GROUP"] if options["share_group"] is None else options["share_group"],
            client_id=options["client_id"] or conf["MQTT_CLIENT_ID"],
            batch_size=options["batch_size"],
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        consumer.start()
        self.stdout.write(f"consuming {consumer.subscription} from {consumer.host}:{consumer.port}")
        try:
            limit = options["max_messages"]
            totals = consumer.run(stop=stop, until=(lambda t: t.received >= limit) if limit > 0 else None)
        finally:
            consumer.stop()
        self.stdout.write(
            f"received {totals.received}: stored {totals.stored}, duplicates {totals.duplicates}, "
            f"quarantined {totals.quarantined}, orders opened {totals.orders_opened}"
        )
