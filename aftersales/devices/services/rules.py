"""Rules: what a device reports that opens a proactive service order by itself (domain.md §7).

A fault code raised (a rule for that code, or for any code), a reading over a threshold, or engine
hours reaching a multiple of a maintenance interval opens an order on the device's unit through the
service context's own ``open_order``, by the system actor "machine", so the coverage decision and the
working-day due times apply as to any call. The order is remembered with its cause (``Trigger``):
while it is open the same cause on the same unit opens nothing more (a unique index makes that hold
between consumers too); a maintenance milestone opens one order ever. A fault that clears is noted
on its trigger, and so on the order's timeline.
"""

import datetime
import logging
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.services import system_actor
from aftersales.core.errors import DomainError
from aftersales.devices.choices import RuleKind, TriggerState
from aftersales.devices.messages import Message
from aftersales.devices.models import Device, Rule, Trigger, describe_cause
from aftersales.installed_base.models import Unit
from aftersales.service.choices import Channel
from aftersales.service.services.orders import open_order

logger = logging.getLogger("aftersales.devices")


@dataclass
class NewData:
    """The messages a batch stored (device, its unit's id or None, message) and the faults whose
    state it changed (device id, code, active, the device's time)."""

    held: list[tuple[Device, int | None, Message]]
    fault_changes: list[tuple[int, str, bool, datetime.datetime]] = field(default_factory=list)


@dataclass
class _Candidate:
    rule: Rule
    device: Device
    unit_id: int
    cause: str
    at: datetime.datetime
    data: dict[str, Any]


def apply_rules(data: NewData) -> list[int]:
    """Open the orders the new data calls for and note cleared faults; returns the ids of the orders
    opened. Runs in the ingestion's transaction; an order that cannot be opened (a refused
    ``open_order``) is logged and skipped, the data stays stored."""
    _note_cleared(data.fault_changes)
    rules = list(Rule.objects.filter(is_active=True).order_by("kind", "-fault_code", "pk"))
    if not rules:
        return []
    unit_ids = {unit_id for _d, unit_id, _m in data.held if unit_id is not None}
    if not unit_ids:
        return []
    models = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "product_model_id"))
    candidates: dict[tuple[int, str], _Candidate] = {}
    bound = [(d, u, m) for d, u, m in data.held if u is not None]
    for device, unit_id, message in sorted(bound, key=lambda held: held[2].at):
        for rule in rules:
            if rule.product_model_id is not None and rule.product_model_id != models.get(unit_id):
                continue
            for cause, detail in _causes(rule, message):
                key = (unit_id, cause)
                if key not in candidates:
                    candidates[key] = _Candidate(rule, device, unit_id, cause, message.at, detail)
    if not candidates:
        return []
    taken = set(
        Trigger.objects.filter(unit_id__in={u for u, _c in candidates}, cause__in={c for _u, c in candidates})
        .filter(state=TriggerState.OPEN)
        .values_list("unit_id", "cause")
    )
    milestones = {c for _u, c in candidates if c.startswith("hours:")}
    if milestones:  # a maintenance milestone opens one order ever, open or done
        taken |= set(
            Trigger.objects.filter(unit_id__in={u for u, _c in candidates}, cause__in=milestones).values_list(
                "unit_id", "cause"
            )
        )
    opened = []
    for key, candidate in candidates.items():
        if key not in taken:
            order_id = _open(candidate)
            if order_id is not None:
                opened.append(order_id)
    return opened


def _causes(rule: Rule, message: Message) -> list[tuple[str, dict[str, Any]]]:
    if rule.kind == RuleKind.FAULT:
        return [
            (f"fault:{code}", {"code": code})
            for code, active in message.faults
            if active and (not rule.fault_code or rule.fault_code == code)
        ]
    if rule.kind == RuleKind.THRESHOLD:
        value = message.values.get(rule.metric)
        if value is not None and rule.threshold is not None and Decimal(str(value)) > rule.threshold:
            return [
                (f"threshold:{rule.metric}", {"metric": rule.metric, "value": value, "threshold": str(rule.threshold)})
            ]
        return []
    hours = message.values.get("engine_hours")
    if hours is not None and rule.interval_hours:
        milestone = math.floor(hours / rule.interval_hours) * rule.interval_hours
        if milestone > 0:
            return [(f"hours:{rule.pk}:{milestone}", {"hours": hours, "milestone": milestone})]
    return []


def _description(candidate: _Candidate) -> str:
    return describe_cause(rule=candidate.rule, device=candidate.device.serial, at=candidate.at, data=candidate.data)


def _open(candidate: _Candidate) -> int | None:
    unit = Unit.objects.select_related("customer__service_center", "site").get(pk=candidate.unit_id)
    contact = unit.customer.contacts.in_use().order_by("-is_primary", "pk").first()
    phone = contact.mobile if contact is not None else unit.customer.service_center.phone
    try:
        with transaction.atomic():
            order = open_order(
                by=system_actor("machine"),
                kind=candidate.rule.order_kind,
                customer=unit.customer,
                unit=unit,
                contact=contact,
                reporter_name=_("Device %(device)s") % {"device": candidate.device.serial},
                reporter_phone=phone,
                description=_description(candidate),
                channel=Channel.API,
                priority=candidate.rule.priority,
            )
            Trigger.objects.create(
                rule=candidate.rule,
                device=candidate.device,
                unit=unit,
                cause=candidate.cause,
                order=order,
                fired_at=candidate.at,
                data=candidate.data,
            )
    except IntegrityError:  # another consumer opened the order for this cause a moment ago
        return None
    except DomainError as exc:
        logger.warning(
            "devices: rule %s on unit %s opened no order: %s (%s)", candidate.rule.pk, unit.pk, exc.code, exc.detail
        )
        return None
    return order.pk


def _note_cleared(changes: list[tuple[int, str, bool, datetime.datetime]]) -> None:
    for device_id, code, active, at in changes:
        if not active:
            Trigger.objects.filter(
                device_id=device_id, cause=f"fault:{code}", state=TriggerState.OPEN, cleared_at__isnull=True
            ).update(cleared_at=at)


def finish_triggers(*, order_id: int) -> int:
    """The order of a trigger left the open statuses: its cause may open a new order again."""
    return Trigger.objects.filter(order_id=order_id, state=TriggerState.OPEN).update(state=TriggerState.DONE)
