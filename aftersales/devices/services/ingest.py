"""Storing device messages: the one path for MQTT and HTTP (domain.md §7).

``ingest(batch)`` takes raw payloads with the device they came from and, in one transaction:
quarantines what cannot be stored (unknown or retired device, malformed, stamped in the future or
before the retention, over the device's rate) with the reason; stores each new message once (the
device's message id and time identify it: ``INSERT … ON CONFLICT DO NOTHING``, so a message delivered
twice, in one batch or in two, is stored once); moves each device's latest state only forward in the
device's time (a late message takes its place in the track, not on the map); and runs the rules on
what was new (``rules.apply_rules``). A bad message never stops the batch: it is quarantined and the
others go on.
"""

import datetime
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aftersales.core.errors import TooManyRequests
from aftersales.devices.choices import LinkState, QuarantineReason, Transport
from aftersales.devices.messages import DEVICE_ID, Malformed, Message, decode_payload, parse_message
from aftersales.devices.models import Binding, Device, DeviceState, FaultReport, LinkEvent, Quarantine, api_time
from aftersales.devices.partitions import add_months, devices_setting, ensure_partitions, month_start
from aftersales.devices.services.rules import NewData, apply_rules

logger = logging.getLogger("aftersales.devices")

SAMPLE_COLUMNS = ("lat", "lon", "speed", "heading", "engine_hours", "temp", "pressure", "rpm")
INSERT_CHUNK = 500
# The state's columns a batch writes, with their PostgreSQL types (VALUES rows carry no types of their own).
STATE_COLUMNS = (
    ("unit_id", "bigint"),
    ("last_seen_at", "timestamp with time zone"),
    ("at", "timestamp with time zone"),
    *((column, "double precision") for column in SAMPLE_COLUMNS),
    ("faults", "jsonb"),
    ("messages", "bigint"),
    ("link_state", "varchar(10)"),
    ("link_changed_at", "timestamp with time zone"),
)
PAYLOAD_KEPT = 2000  # characters of a quarantined payload kept for a look


@dataclass(frozen=True)
class Incoming:
    """A payload as it arrived: from ``device`` (the topic's or the credential's id) over ``transport``."""

    device: str
    payload: Any
    transport: str = Transport.MQTT


@dataclass
class IngestReport:
    """What a batch did. ``stored`` + ``duplicates`` + ``quarantined`` = the messages given (a rate
    limited flood counts each message it held back)."""

    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    orders_opened: list[int] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class _Held:
    device: Device
    message: Message
    transport: str


class _Quarantine:
    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.rows: list[Quarantine] = []
        self.floods: dict[tuple[int, str], Quarantine] = {}
        self.count = 0
        self.reasons: dict[str, int] = defaultdict(int)

    def add(
        self,
        *,
        reason: str,
        serial: str,
        transport: str,
        detail: str = "",
        args: dict[str, str] | None = None,
        payload: Any = "",
        device: Device | None = None,
    ) -> None:
        """``detail`` is an English sentence marked for translation with ``%(name)s`` placeholders filled
        from ``args``: the row keeps both, the English as the API's ``detail``, the parts for screens."""
        self.count += 1
        self.reasons[reason] += 1
        if reason == QuarantineReason.RATE_LIMITED and device is not None:
            flood = self.floods.get((device.pk, transport))
            if flood is not None:
                flood.count += 1
                return
        row = Quarantine(
            received_at=self.now,
            transport=transport,
            device=device,
            device_serial=serial[:64].replace("\x00", "\ufffd"),
            reason=reason,
            detail=(detail % args if args else detail)[:300].replace("\x00", "\ufffd"),
            # A device's own text (an unknown key) may hold a NUL, which PostgreSQL's text and JSON refuse.
            detail_facts={
                "text": detail,
                "args": {k: str(v).replace("\x00", "\ufffd") for k, v in (args or {}).items()},
            }
            if detail
            else {},
            payload=_text(payload)[:PAYLOAD_KEPT],
        )
        if reason == QuarantineReason.RATE_LIMITED and device is not None:
            self.floods[(device.pk, transport)] = row
        self.rows.append(row)


def _text(payload: Any) -> str:
    """The payload as text to keep with the quarantine row. NUL becomes U+FFFD: PostgreSQL's text
    refuses NUL, and a row it refuses would fail the whole batch (a poison message, retried forever)."""
    if isinstance(payload, bytes | bytearray):
        text = payload[: PAYLOAD_KEPT * 4].decode("utf-8", "replace")
    elif isinstance(payload, str):
        text = payload
    else:
        try:
            text = json.dumps(payload, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(payload)
    return text.replace("\x00", "\ufffd")


def ingest(
    batch: list[Incoming],
    *,
    now: datetime.datetime | None = None,
    refuse_over_rate: bool = False,
    limit_rate: bool = True,
) -> IngestReport:
    """Store a batch of device messages (see the module's docstring); returns what it did.

    ``refuse_over_rate`` (the HTTP endpoint): a batch that would take a device over its rate is
    refused as a whole with 429 ``rate_limited`` and writes nothing (the device sends it again later);
    otherwise (MQTT, where nobody waits for an answer) the messages over the rate are quarantined.
    ``limit_rate=False`` loads history (the demo, a back-fill) without a rate."""
    now = now or timezone.now()
    quarantine = _Quarantine(now)
    serials = {item.device for item in batch if isinstance(item.device, str) and DEVICE_ID.match(item.device)}
    devices = {d.serial: d for d in Device.objects.filter(serial__in=serials)} if serials else {}
    held = _check(batch, devices=devices, now=now, quarantine=quarantine)
    if limit_rate:
        held = _rate_limit(held, now=now, quarantine=quarantine, refuse=refuse_over_rate)
    report = IngestReport()
    with transaction.atomic():
        if held:
            months = {month_start(h.message.at) for h in held}
            ensure_partitions(months=months)
            report = _store(held, now=now)
        if quarantine.rows:
            Quarantine.objects.bulk_create(quarantine.rows)
    report.quarantined = quarantine.count
    report.reasons = dict(quarantine.reasons)
    return report


def _check(
    batch: list[Incoming], *, devices: dict[str, Device], now: datetime.datetime, quarantine: _Quarantine
) -> list[_Held]:
    future = now + datetime.timedelta(seconds=int(devices_setting("MAX_FUTURE_SECONDS")))
    oldest = add_months(month_start(now), -int(devices_setting("RETENTION_MONTHS")))
    oldest_at = datetime.datetime(oldest.year, oldest.month, 1, tzinfo=datetime.UTC)
    held = []
    for item in batch:
        serial = item.device if isinstance(item.device, str) else ""
        device = devices.get(serial)
        if device is None or not device.is_active:
            reason = QuarantineReason.UNKNOWN_DEVICE if device is None else QuarantineReason.INACTIVE_DEVICE
            quarantine.add(reason=reason, serial=serial, transport=item.transport, payload=item.payload, device=device)
            continue
        try:
            objects = decode_payload(item.payload)
        except Malformed as exc:
            quarantine.add(
                reason=QuarantineReason.MALFORMED, serial=serial, transport=item.transport, detail=exc.text, args=exc.args_,
                payload=item.payload, device=device,
            )  # fmt: skip
            continue
        for obj in objects:
            try:
                message = parse_message(obj)
            except Malformed as exc:
                quarantine.add(
                    reason=QuarantineReason.MALFORMED, serial=serial, transport=item.transport, detail=exc.text, args=exc.args_,
                    payload=obj, device=device,
                )  # fmt: skip
                continue
            if message.at > future:
                reason, detail, bound = (
                    QuarantineReason.FUTURE_TIMESTAMP,
                    gettext_noop("ts %(at)s after %(bound)s"),
                    now,
                )
            elif message.at < oldest_at:
                reason, detail, bound = QuarantineReason.TOO_OLD, gettext_noop("ts %(at)s before %(bound)s"), oldest_at
            else:
                held.append(_Held(device, message, item.transport))
                continue
            quarantine.add(
                reason=reason, serial=serial, transport=item.transport, detail=detail,
                args={"at": api_time(message.at), "bound": api_time(bound)}, payload=obj, device=device,
            )  # fmt: skip
    return held


def _rate_key(device: Device, now: datetime.datetime) -> str:
    return f"devices:rate:{device.pk}:{now:%Y%m%d%H%M}"


def _rate_budget(device: Device, wanted: int, *, now: datetime.datetime) -> int:
    """How many of ``wanted`` messages ``device`` may still send this minute (a fixed window counted
    in the cache, shared by every consumer and web process that shares the cache)."""
    limit = int(devices_setting("RATE_PER_MINUTE"))
    key = _rate_key(device, now)
    cache.add(key, 0, timeout=120)
    try:
        total = cache.incr(key, wanted)
    except ValueError:  # expired between add and incr
        cache.set(key, wanted, timeout=120)
        total = wanted
    before = total - wanted
    return max(0, min(wanted, limit - before))


def _rate_limit(held: list[_Held], *, now: datetime.datetime, quarantine: _Quarantine, refuse: bool) -> list[_Held]:
    by_device: dict[int, list[_Held]] = defaultdict(list)
    for h in held:
        by_device[h.device.pk].append(h)
    kept = []
    for items in by_device.values():
        budget = _rate_budget(items[0].device, len(items), now=now)
        if refuse and budget < len(items):
            cache.decr(_rate_key(items[0].device, now), len(items))  # nothing of this batch counts
            raise TooManyRequests(
                "rate_limited",
                _("Over %(rate)d messages a minute from this device: send the batch again later.")
                % {"rate": int(devices_setting("RATE_PER_MINUTE"))},
                retry_after=60 - now.second,
            )
        kept.extend(items[:budget])
        for h in items[budget:]:
            quarantine.add(
                reason=QuarantineReason.RATE_LIMITED, serial=h.device.serial, transport=h.transport,
                detail=gettext_noop("over %(rate)s messages a minute"), args={"rate": str(devices_setting("RATE_PER_MINUTE"))},
                device=h.device,
            )  # fmt: skip
    return kept


def _store(held: list[_Held], *, now: datetime.datetime) -> IngestReport:
    report = IngestReport()
    device_ids = sorted({h.device.pk for h in held})
    units = dict(
        Binding.objects.filter(device_id__in=device_ids, unbound_at__isnull=True).values_list("device_id", "unit_id")
    )
    unique: dict[tuple[int, str, datetime.datetime], _Held] = {}
    for h in held:
        unique.setdefault((h.device.pk, h.message.message_id, h.message.at), h)
    report.duplicates = len(held) - len(unique)
    new_keys = _insert_samples(list(unique.values()), units=units, now=now)
    report.duplicates += len(unique) - len(new_keys)
    report.stored = len(new_keys)
    new = [h for key, h in unique.items() if key in new_keys]
    if not new:
        return report
    faults = [
        FaultReport(
            device=h.device,
            unit_id=units.get(h.device.pk),
            message_id=h.message.message_id,
            code=code,
            active=active,
            at=h.message.at,
            received_at=now,
        )  # fmt: skip
        for h in new
        for code, active in h.message.faults
    ]
    if faults:
        FaultReport.objects.bulk_create(faults, ignore_conflicts=True)
    changed_faults = _update_states(new, units=units, now=now)
    data = NewData(held=[(h.device, units.get(h.device.pk), h.message) for h in new], fault_changes=changed_faults)
    report.orders_opened = apply_rules(data)
    return report


def _insert_samples(
    held: list[_Held], *, units: dict[int, int], now: datetime.datetime
) -> set[tuple[int, str, datetime.datetime]]:
    """Insert the samples, skipping those already stored; returns the keys of the rows inserted."""
    columns = ("device_id", "unit_id", "message_id", "at", "received_at", "transport", *SAMPLE_COLUMNS)
    inserted: set[tuple[int, str, datetime.datetime]] = set()
    ops = connection.ops
    with connection.cursor() as cursor:
        for start in range(0, len(held), INSERT_CHUNK):
            chunk = held[start : start + INSERT_CHUNK]
            params: list[Any] = []
            for h in chunk:
                values = h.message.values
                params.extend(
                    (
                        h.device.pk,
                        units.get(h.device.pk),
                        h.message.message_id,
                        ops.adapt_datetimefield_value(h.message.at),
                        ops.adapt_datetimefield_value(now),
                        h.transport,
                        *(values.get(column) for column in SAMPLE_COLUMNS),
                    )
                )
            row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            rows = ", ".join([row] * len(chunk))
            sql = f"INSERT INTO devices_sample ({', '.join(columns)}) VALUES {rows} "  # noqa: S608 (constants)
            cursor.execute(sql + "ON CONFLICT DO NOTHING RETURNING device_id, message_id, at", params)
            for device_id, message_id, at in cursor.fetchall():
                inserted.add((device_id, message_id, _aware(at)))
    return inserted


def _aware(value: Any) -> datetime.datetime:
    if isinstance(value, str):  # SQLite answers RETURNING with the stored text
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)


def _write_states(states: list[DeviceState]) -> None:
    """One ``UPDATE … FROM (VALUES …)`` for the batch's states (Django's ``bulk_update`` builds a CASE
    per column and row, which cost most of a batch's time)."""
    if not states:
        return
    ops = connection.ops
    postgres = connection.vendor == "postgresql"
    names = [name for name, _type in STATE_COLUMNS]
    cell = (lambda kind: f"%s::{kind}") if postgres else (lambda kind: "%s")
    row = "(%s, " + ", ".join(cell(kind) for _name, kind in STATE_COLUMNS) + ")"
    params: list[Any] = []
    for state in states:
        params.append(state.device_id)
        for name in names:
            value = getattr(state, name)
            if name in ("last_seen_at", "at", "link_changed_at") and value is not None:
                value = ops.adapt_datetimefield_value(value)
            elif name == "faults":
                value = json.dumps(value)
            params.append(value)
    quoted = [ops.quote_name(name) for name in names]
    assignments = ", ".join(f"{name} = v.{name}" for name in quoted)
    values = ", ".join([row] * len(states))
    sql = (
        f"WITH v (device_id, {', '.join(quoted)}) AS (VALUES {values}) "  # noqa: S608 (names are constants)
        f"UPDATE devices_devicestate SET {assignments} FROM v WHERE devices_devicestate.device_id = v.device_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _update_states(
    new: list[_Held], *, units: dict[int, int], now: datetime.datetime
) -> list[tuple[int, str, bool, datetime.datetime]]:
    """Move each device's latest state forward (by the device's time), count its messages, mark its
    link online; returns the (device, code, active) whose state this batch changed."""
    by_device: dict[int, list[_Held]] = defaultdict(list)
    for h in new:
        by_device[h.device.pk].append(h)
    states = {
        s.device_id: s
        for s in DeviceState.objects.select_for_update().filter(device_id__in=sorted(by_device)).order_by("pk")
    }
    changes: list[tuple[int, str, bool, datetime.datetime]] = []
    links, created, updated = [], [], []
    for device_id, items in by_device.items():
        state = states.get(device_id)
        if state is None:
            state = DeviceState(device_id=device_id)
            created.append(state)
        else:
            updated.append(state)
        items.sort(key=lambda h: h.message.at)
        for h in items:
            if state.at is None or h.message.at >= state.at:
                state.at = h.message.at
                for column in SAMPLE_COLUMNS:
                    if column in h.message.values:
                        setattr(state, column, h.message.values[column])
            for code, active in h.message.faults:
                seen = state.faults.get(code)
                if seen is None or h.message.at.isoformat() >= seen[1]:
                    was_active = bool(seen and seen[0])
                    state.faults[code] = [active, h.message.at.isoformat()]
                    if was_active != active:
                        changes.append((device_id, code, active, h.message.at))
        state.unit_id = units.get(device_id)
        state.messages += len(items)
        state.last_seen_at = max(state.last_seen_at or now, now)
        if state.link_state != LinkState.ONLINE:
            state.link_state, state.link_changed_at = LinkState.ONLINE, now
            links.append(LinkEvent(device_id=device_id, state=LinkState.ONLINE, at=now))
    DeviceState.objects.bulk_create(created)
    _write_states(updated)
    if links:
        LinkEvent.objects.bulk_create(links)
    return changes
