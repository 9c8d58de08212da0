"""``manage.py mosquitto_auth --passwords FILE --acl FILE``: Mosquitto's password file and topic ACL from
the devices (aftersales/devices/broker.py). Run it after registering, rotating or retiring devices, then
reload the broker (``kill -HUP``)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from aftersales.devices.broker import write_broker_files


class Command(BaseCommand):
    help = "Write Mosquitto's password file and ACL from the devices' secrets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--passwords", required=True, help="the broker's password_file")
        parser.add_argument("--acl", required=True, help="the broker's acl_file")
        parser.add_argument("--mode", default="640", help="the files' permissions, octal (default 640)")
        parser.add_argument(
            "--url", default="", help="the consumer's mqtt://user:pass@host (default: AFTERSALES_MQTT_URL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        conf = settings.DEVICES
        files = write_broker_files(
            passwords=Path(options["passwords"]),
            acl=Path(options["acl"]),
            url=options["url"] or conf["MQTT_URL"],
            topic=conf["MQTT_TOPIC"],
            share_group=conf["MQTT_SHARE_GROUP"],
            mode=int(options["mode"], 8),
        )
        self.stdout.write(f"{files.devices} devices written to {options['passwords']} and {options['acl']}")
        if files.without_hash:
            self.stderr.write(
                "no broker password (rotate their secrets): "
                + ", ".join(files.without_hash[:20])
                + (" …" if len(files.without_hash) > 20 else "")
            )
