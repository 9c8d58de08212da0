"""Mosquitto's own authentication and topic ACL, written from the devices (``manage.py mosquitto_auth``).

The password file has one line per active device (its id and its secret as ``credentials.broker_hash``
keeps it) and one for the consumer (the user and password of ``AFTERSALES_MQTT_URL``); the ACL lets a
device write only its own topic (``pattern write aftersales/devices/%u/messages``), and the consumer
read them all (the shared subscription too). Anonymous clients are refused by the broker's config
(``allow_anonymous false``). Rewrite the files after registering, rotating or retiring devices and
send the broker SIGHUP (docs/devices.md, "The broker's passwords and ACL")."""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aftersales.devices.credentials import broker_hash
from aftersales.devices.models import Device

HEADER = "# Written by manage.py mosquitto_auth from the devices; edits are overwritten.\n"


@dataclass
class BrokerFiles:
    devices: int  # devices given a password line
    without_hash: list[str]  # active devices whose secret predates broker hashes: rotate them


def consumer_credentials(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if not parts.username:
        return None
    return unquote(parts.username), unquote(parts.password or "")


def device_topic_pattern(topic: str) -> str:
    """``aftersales/devices/+/messages`` → ``aftersales/devices/%u/messages`` (the device's own id)."""
    return topic.replace("+", "%u", 1)


def password_lines(*, consumer: tuple[str, str] | None) -> tuple[list[str], BrokerFiles]:
    lines, missing = [], []
    for serial, stored in Device.objects.filter(is_active=True).order_by("serial").values_list("serial", "broker_hash"):
        if stored:
            lines.append(f"{serial}:{stored}")
        else:
            missing.append(serial)
    files = BrokerFiles(devices=len(lines), without_hash=missing)
    if consumer is not None:
        user, password = consumer
        lines.append(f"{user}:{broker_hash(password)}")
    return lines, files


def acl_text(*, topic: str, share_group: str, consumer_user: str) -> str:
    rules = [HEADER]
    if consumer_user:
        rules += [f"user {consumer_user}\n", f"topic read {topic}\n"]
        if share_group:
            rules.append(f"topic read $share/{share_group}/{topic}\n")
        rules.append("\n")
    rules.append(f"pattern write {device_topic_pattern(topic)}\n")
    return "".join(rules)


def _write(path: Path, text: str, *, mode: int) -> None:
    """Replace ``path`` at once (the broker never reads half a file) with ``mode``."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def write_broker_files(
    *, passwords: Path, acl: Path, url: str, topic: str, share_group: str, mode: int = 0o640
) -> BrokerFiles:
    """Both files, each replaced at once with ``mode`` (by default its owner and group read it: give
    the files the broker's group, e.g. run as a user in the ``mosquitto`` group)."""
    consumer = consumer_credentials(url)
    lines, files = password_lines(consumer=consumer)
    _write(passwords, "".join(f"{line}\n" for line in lines), mode=mode)
    _write(
        acl, acl_text(topic=topic, share_group=share_group, consumer_user=consumer[0] if consumer else ""), mode=mode
    )
    return files
