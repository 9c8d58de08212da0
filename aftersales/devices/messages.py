"""Device messages: the one format, parsed and checked without touching the database.

A message is a JSON object (a payload may carry one object or a list of them)::

    {"id": "000183", "ts": "2026-12-04T08:00:05+08:00",
     "pos": {"lat": 31.23, "lon": 121.47, "speed": 12.5, "heading": 270},
     "engine": {"hours": 1520.4, "temp": 88.5, "pressure": 3.2, "rpm": 1800},
     "faults": [{"code": "E101", "active": true}]}

``id`` is the device's message id (1-64 printable characters), ``ts`` the device's time: ISO 8601
with an offset, or a Unix time in seconds or milliseconds. ``pos``, ``engine`` and ``faults`` are each
optional (a message with none is a heartbeat). Anything else is refused with the reason.
"""

import datetime
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop as _

MESSAGE_ID = re.compile(r"^[\x21-\x7e]{1,64}$")
FAULT_CODE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
DEVICE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# (low, high) of every number a message may carry; outside is malformed, not clipped.
POSITION_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "speed": (0.0, 1000.0), "heading": (0.0, 360.0)}
ENGINE_RANGES = {"hours": (0.0, 1_000_000.0), "temp": (-60.0, 400.0), "pressure": (0.0, 1000.0), "rpm": (0.0, 30000.0)}
ENGINE_FIELDS = {"hours": "engine_hours", "temp": "temp", "pressure": "pressure", "rpm": "rpm"}
MAX_PAYLOAD_BYTES = 256 * 1024


class Malformed(ValueError):
    """The reason a message cannot be read (quarantined as ``malformed``).

    ``text`` is an English sentence with ``%(name)s`` placeholders, marked for translation and filled
    with ``args``: ``str()`` of the error is the English (the API's machine-readable ``detail``), and the
    quarantine keeps ``text`` and ``args`` so that screens say it in the reader's language."""

    def __init__(self, text: str, **args: Any) -> None:
        self.text = text
        self.args_ = args
        super().__init__(text % args if args else text)


@dataclass
class Message:
    """One checked message of one device."""

    message_id: str
    at: datetime.datetime
    values: dict[str, float | None] = field(default_factory=dict)  # Sample's columns lat ... rpm
    faults: list[tuple[str, bool]] = field(default_factory=list)


def decode_payload(payload: bytes | str | Any) -> list[Any]:
    """The objects of a payload (bytes or text of JSON, or JSON already decoded)."""
    if isinstance(payload, bytes | bytearray):
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise Malformed(_("payload over %(size)s bytes"), size=MAX_PAYLOAD_BYTES)
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Malformed(_("payload is not UTF-8")) from exc
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError) as exc:
            raise Malformed(_("payload is not JSON (%(error)s)"), error=str(exc)[:80]) from exc
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise Malformed(_("empty list"))
    return items


def parse_message(item: Any) -> Message:
    if not isinstance(item, dict):
        raise Malformed(_("a message is a JSON object"))
    unknown = set(item) - {"id", "ts", "pos", "engine", "faults"}
    if unknown:
        raise Malformed(_("unknown keys: %(keys)s"), keys=", ".join(sorted(unknown))[:100])
    message_id = item.get("id")
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        message_id = str(message_id)
    if not isinstance(message_id, str) or not MESSAGE_ID.match(message_id):
        raise Malformed(_("id: 1-64 printable characters"))
    message = Message(message_id=message_id, at=parse_time(item.get("ts")))
    if "pos" in item:
        message.values.update(_numbers(item["pos"], POSITION_RANGES, "pos", required=("lat", "lon")))
    if "engine" in item:
        readings = _numbers(item["engine"], ENGINE_RANGES, "engine")
        message.values.update({ENGINE_FIELDS[key]: value for key, value in readings.items()})
    if "faults" in item:
        message.faults = _faults(item["faults"])
    return message


def parse_time(value: Any) -> datetime.datetime:
    if isinstance(value, bool) or value is None:
        raise Malformed(_("ts: required, ISO 8601 with an offset or Unix seconds/milliseconds"))
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise Malformed(_("ts: not a time"))
        seconds = value / 1000 if value > 100_000_000_000 else value
        try:
            return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise Malformed(_("ts: out of range")) from exc
    if isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise Malformed(_("ts: not ISO 8601")) from exc
        if moment.tzinfo is None:
            raise Malformed(_("ts: needs an offset (+08:00 or Z)"))
        return moment.astimezone(datetime.UTC)
    raise Malformed(_("ts: ISO 8601 with an offset or Unix seconds/milliseconds"))


def _numbers(
    value: Any, ranges: dict[str, tuple[float, float]], name: str, required: tuple[str, ...] = ()
) -> dict[str, float]:
    if not isinstance(value, dict):
        raise Malformed(_("%(name)s: an object"), name=name)
    unknown = set(value) - set(ranges)
    if unknown:
        raise Malformed(_("%(name)s: unknown keys %(keys)s"), name=name, keys=", ".join(sorted(unknown))[:80])
    for key in required:
        if key not in value:
            raise Malformed(_("%(name)s: required"), name=f"{name}.{key}")
    numbers = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise Malformed(_("%(name)s: a number"), name=f"{name}.{key}")
        low, high = ranges[key]
        if not low <= number <= high:
            raise Malformed(
                _("%(name)s: %(value)s outside %(low)s..%(high)s"),
                name=f"{name}.{key}",
                value=str(number),
                low=f"{low:g}",
                high=f"{high:g}",
            )
        numbers[key] = float(number)
    return numbers


def _faults(value: Any) -> list[tuple[str, bool]]:
    if not isinstance(value, list) or len(value) > 50:
        raise Malformed(_("faults: a list of at most 50"))
    faults = []
    for fault in value:
        if not isinstance(fault, dict) or set(fault) - {"code", "active"}:
            raise Malformed(_('faults: objects {"code", "active"}'))
        code, active = fault.get("code"), fault.get("active", True)
        if not isinstance(code, str) or not FAULT_CODE.match(code):
            raise Malformed(_("faults.code: 1-32 letters, digits, '.', '_' or '-'"))
        if not isinstance(active, bool):
            raise Malformed(_("faults.active: true or false"))
        faults.append((code, active))
    if len({code for code, _active in faults}) != len(faults):
        raise Malformed(_("faults: a code twice in one message"))
    return faults
