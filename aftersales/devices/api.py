"""Connected equipment over the REST API: devices and their bindings, latest states, a unit's track,
the rules, the quarantine, and the endpoint devices post their messages to (``/device-messages``,
authenticated by the device's own id and secret, not by a user)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBasicAuth

from aftersales.catalog.models import ProductModel
from aftersales.core.api import Input, found_or_404, idempotent, page_limit
from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.filtering import apply_filters, filter_params
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import Choice, Day, answers, model_field
from aftersales.devices import selectors
from aftersales.devices.choices import LinkState, Metric, QuarantineReason, RuleKind, Transport
from aftersales.devices.credentials import secret_matches
from aftersales.devices.filters import DeviceFilter
from aftersales.devices.models import Binding, Device, DeviceState, Rule
from aftersales.devices.permissions import (
    devices_visible_to,
    quarantine_visible_to,
    rules_visible_to,
    states_visible_to,
    track_units_visible_to,
)
from aftersales.devices.services import devices as device_services
from aftersales.devices.services import rule_settings
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.installed_base.permissions import units_visible_to
from aftersales.service.choices import OrderKind, OrderStatus, Priority

router = Router(tags=["devices"])


class DeviceUnauthorized(DomainError):
    status = 401


class DeviceAuth(HttpBasicAuth):
    """HTTP Basic with the device's id and secret (the same pair it uses on the broker)."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Device:
        device = Device.objects.filter(serial=username[:64]).first()
        if device is None or not secret_matches(device, password):
            raise DeviceUnauthorized("device_unauthorized", _("Unknown device or wrong secret."))
        if not device.is_active:
            raise DeviceUnauthorized("device_unauthorized", _("The device is retired."))
        return device


# ---- ingestion -------------------------------------------------------------------------------------
class MessagesIn(Schema):
    """Up to ``DEVICES["HTTP_BATCH_MAX"]`` messages of the calling device (docs/devices.md). Each is
    checked on its own: a malformed one is quarantined with the reason, the others are stored."""

    messages: list[Any] = Field(..., min_length=1)


class IngestOut(Schema):
    stored: int
    duplicates: int
    quarantined: int
    reasons: dict[str, int]
    orders_opened: list[int]


@router.post(
    "/device-messages",
    auth=DeviceAuth(),
    response=answers(IngestOut, 400, 429),
    summary="Post a device's messages (the embedded setup's way in; MQTT in production)",
)
def post_messages(request: HttpRequest, payload: MessagesIn) -> Any:
    """Messages of the device named by the credentials. At-least-once: a message sent again (same id
    and time) is counted as a duplicate and not stored twice. A batch over the device's rate answers
    429 ``rate_limited`` and stores nothing."""
    maximum = int(settings.DEVICES["HTTP_BATCH_MAX"])
    if len(payload.messages) > maximum:
        raise ValidationFailed(
            "batch_too_large", _("At most %(max)d messages per request.") % {"max": maximum}, field="messages"
        )
    device: Device = request.auth  # type: ignore[attr-defined]
    report = ingest(
        [Incoming(device.serial, message, transport=Transport.HTTP) for message in payload.messages],
        refuse_over_rate=True,
    )
    return report


# ---- devices ---------------------------------------------------------------------------------------
class DeviceIn(Input):
    serial: str = model_field(Device, "serial")
    secret: str = Field("", max_length=200, description="At least 16 characters; empty: one is generated")
    note: str = model_field(Device, "note", "")
    unit_id: int | None = None


class BindIn(Input):
    unit_id: int


class SecretIn(Input):
    secret: str = Field("", max_length=200, description="At least 16 characters; empty: one is generated")


class DeviceOut(Schema):
    id: int
    serial: str
    note: str
    is_active: bool
    unit_id: int | None
    unit_serial: str | None
    customer_name: str | None
    link_state: Annotated[str, Choice(LinkState)]
    last_seen_at: datetime.datetime | None
    active_faults: list[str]

    @staticmethod
    def resolve_unit_id(device: Device) -> int | None:
        unit = selectors.current_unit(device)
        return unit.pk if unit else None

    @staticmethod
    def resolve_unit_serial(device: Device) -> str | None:
        unit = selectors.current_unit(device)
        return unit.serial_number if unit else None

    @staticmethod
    def resolve_customer_name(device: Device) -> str | None:
        unit = selectors.current_unit(device)
        return unit.customer.name if unit else None

    @staticmethod
    def resolve_link_state(device: Device) -> str:
        state = getattr(device, "state", None)
        return state.link_state if state else LinkState.NEVER

    @staticmethod
    def resolve_last_seen_at(device: Device) -> datetime.datetime | None:
        state = getattr(device, "state", None)
        return state.last_seen_at if state else None

    @staticmethod
    def resolve_active_faults(device: Device) -> list[str]:
        return selectors.active_faults(getattr(device, "state", None))


class DeviceCreatedOut(DeviceOut):
    secret: str = Field(description="Shown once: only its hash is kept")


class DevicePage(Schema):
    items: list[DeviceOut]
    next_cursor: str | None


class DeviceQuery(Schema):
    serial: str | None = Field(None, max_length=64)
    link_state: LinkState | None = None
    unit_id: int | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


def _devices(request: HttpRequest) -> QuerySet[Device]:
    return selectors.with_state_and_unit(devices_visible_to(request.user))


def _device(request: HttpRequest, device_id: int) -> Device:
    return get_object_or_404(_devices(request), pk=device_id)


@router.get("/devices", response=answers(DevicePage, 400))
def list_devices(request: HttpRequest, filters: Query[DeviceQuery]) -> Page:
    """Devices in your scope (bound to a unit you see), newest first, with their link and faults."""
    queryset = apply_filters(DeviceFilter, data=filter_params(filters), queryset=_devices(request))
    return keyset_page(queryset, cursor=filters.cursor, limit=page_limit(filters.limit))


@router.post("/devices", response=answers(DeviceCreatedOut, 400, 403, 404, 409, status=201))
def register_device(request: HttpRequest, payload: DeviceIn) -> Status:
    """Register a terminal (and bind it to ``unit_id``). The secret is in this answer only."""
    unit = (
        found_or_404(units_visible_to(request.user), payload.unit_id, field="unit_id", missing=_("No such unit."))
        if payload.unit_id
        else None
    )
    device, secret = device_services.register_device(
        by=request.user, serial=payload.serial, secret=payload.secret, note=payload.note, unit=unit
    )
    created = _device_any(device.pk)
    created.secret = secret  # type: ignore[attr-defined]  # read by DeviceCreatedOut, never stored
    return Status(201, created)


def _device_any(device_id: int) -> Device:
    return selectors.with_state_and_unit(Device.objects.all()).get(pk=device_id)


@router.get("/devices/{device_id}", response=answers(DeviceOut, 404))
def get_device(request: HttpRequest, device_id: int) -> Device:
    return _device(request, device_id)


@router.post("/devices/{device_id}/bind", response=answers(DeviceOut, 400, 403, 404, 409))
def bind_device(request: HttpRequest, device_id: int, payload: BindIn) -> Device:
    """Fit the device to a unit (its previous binding ends; the history keeps it)."""
    device = _device_or_unbound(request, device_id)
    unit = found_or_404(units_visible_to(request.user), payload.unit_id, field="unit_id", missing=_("No such unit."))
    device_services.bind_device(by=request.user, device=device, unit=unit)
    return _device_any(device.pk)


def _device_or_unbound(request: HttpRequest, device_id: int) -> Device:
    """A device in scope, or one bound to nothing (which a manager of any centre may bind)."""
    device = devices_visible_to(request.user).filter(pk=device_id).first()
    if device is None:
        bound = Binding.objects.filter(device=OuterRef("pk"), unbound_at__isnull=True)
        device = get_object_or_404(Device.objects.filter(~Exists(bound)), pk=device_id)
    return device


@router.post("/devices/{device_id}/unbind", response=answers(DeviceOut, 403, 404, 409))
def unbind_device(request: HttpRequest, device_id: int) -> Device:
    device_services.unbind_device(by=request.user, device=_device(request, device_id))
    return _device_any(device_id)


@router.post("/devices/{device_id}/retire", response=answers(DeviceOut, 403, 404))
def retire_device(request: HttpRequest, device_id: int) -> Device:
    device_services.retire_device(by=request.user, device=_device(request, device_id))
    return _device_any(device_id)


class SecretOut(Schema):
    secret: str


@router.post("/devices/{device_id}/secret", response=answers(SecretOut, 400, 403, 404))
def rotate_secret(request: HttpRequest, device_id: int, payload: SecretIn) -> dict[str, str]:
    """A new secret (the old one stops working at once); shown in this answer only."""
    secret = device_services.rotate_secret(by=request.user, device=_device(request, device_id), secret=payload.secret)
    return {"secret": secret}


# ---- latest states and tracks -----------------------------------------------------------------------
class StateOut(Schema):
    device_id: int
    device_serial: str
    unit_id: int | None
    at: datetime.datetime | None
    last_seen_at: datetime.datetime | None
    lat: float | None
    lon: float | None
    speed: float | None
    heading: float | None
    engine_hours: float | None
    temp: float | None
    pressure: float | None
    rpm: float | None
    link_state: Annotated[str, Choice(LinkState)]
    active_faults: list[str]

    @staticmethod
    def resolve_device_serial(state: DeviceState) -> str:
        return state.device.serial

    @staticmethod
    def resolve_active_faults(state: DeviceState) -> list[str]:
        return selectors.active_faults(state)


class StatePage(Schema):
    items: list[StateOut]
    next_cursor: str | None


class StateQuery(Schema):
    link_state: LinkState | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/device-states", response=answers(StatePage, 400))
def list_states(request: HttpRequest, filters: Query[StateQuery]) -> Page:
    """The latest state of each device in your scope (the map's data), by device id."""
    queryset = states_visible_to(request.user).select_related("device")
    if filters.link_state:
        queryset = queryset.filter(link_state=filters.link_state)
    return keyset_page(
        queryset, ordering=("device_id",), cursor=filters.cursor, limit=page_limit(filters.limit, maximum=1000)
    )


class PointsOut(Schema):
    """The day's points as columns (one list per field, the same length, in time order): 8,640
    points a day are one object to check and write, not 8,640. ``t`` is Unix seconds."""

    t: list[int]
    lat: list[float | None]
    lon: list[float | None]
    speed: list[float | None]
    heading: list[float | None]
    engine_hours: list[float | None]
    temp: list[float | None]
    pressure: list[float | None]
    rpm: list[float | None]


class FaultOut(Schema):
    at: datetime.datetime
    code: str
    active: bool


class TrackOrderOut(Schema):
    id: int
    number: str
    status: Annotated[str, Choice(OrderStatus)]
    kind: Annotated[str, Choice(OrderKind)]
    received_at: datetime.datetime
    closed_at: datetime.datetime | None


class TrackOut(Schema):
    unit_id: int
    day: datetime.date
    count: int
    points: PointsOut
    faults: list[FaultOut]
    orders: list[TrackOrderOut]


class TrackQuery(Schema):
    day: Day


@router.get("/units/{unit_id}/track", response=answers(TrackOut, 400, 404))
def unit_track(request: HttpRequest, unit_id: int, query: Query[TrackQuery]) -> dict[str, Any]:
    """The unit's track on a local day, in the device's time order, with the fault reports and the
    orders open on the unit that day."""
    unit = get_object_or_404(track_units_visible_to(request.user), pk=unit_id)
    track = selectors.track_for(unit, day=query.day)
    return {
        "unit_id": unit.pk,
        "day": track.day,
        "count": len(track.points),
        "points": selectors.as_columns(track.points),
        "faults": track.faults,
        "orders": track.orders,
    }


# ---- rules -------------------------------------------------------------------------------------------
class RuleIn(Input):
    name: str = model_field(Rule, "name")
    kind: RuleKind
    fault_code: str = model_field(Rule, "fault_code", "")
    metric: Metric | None = None
    threshold: Decimal | None = Field(None, max_digits=10, decimal_places=2)
    interval_hours: int | None = Field(None, ge=1, le=100_000)
    product_model_id: int | None = None
    order_kind: OrderKind = OrderKind.REPAIR
    priority: Priority = Priority.HIGH
    is_active: bool = True


class RuleOut(Schema):
    id: int
    name: str
    kind: Annotated[str, Choice(RuleKind)]
    fault_code: str
    metric: Annotated[str, Choice(Metric, blank=True)]
    threshold: Decimal | None
    interval_hours: int | None
    product_model_id: int | None
    order_kind: Annotated[str, Choice(OrderKind)]
    priority: Annotated[str, Choice(Priority)]
    is_active: bool


class RulePage(Schema):
    items: list[RuleOut]
    next_cursor: str | None


class DevicePageQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


def _rule_fields(payload: RuleIn) -> dict[str, Any]:
    model = (
        found_or_404(
            ProductModel, payload.product_model_id, field="product_model_id", missing=_("No such product model.")
        )
        if payload.product_model_id
        else None
    )
    data = payload.model_dump(exclude={"product_model_id"})
    data["metric"] = data["metric"] or ""
    return {**data, "product_model": model}


@router.get("/device-rules", response=answers(RulePage, 400))
def list_rules(request: HttpRequest, query: Query[DevicePageQuery]) -> Page:
    return keyset_page(rules_visible_to(request.user), cursor=query.cursor, limit=page_limit(query.limit))


@router.post("/device-rules", response=answers(RuleOut, 400, 403, 404, 422, status=201))
def create_rule(request: HttpRequest, payload: RuleIn) -> Created:
    """A rule that opens proactive orders (docs/devices.md "Rules"); honours ``Idempotency-Key``."""

    def create() -> tuple[int, RuleOut]:
        return 201, RuleOut.from_orm(rule_settings.create_rule(by=request.user, **_rule_fields(payload)))

    return idempotent(request, create)


@router.put("/device-rules/{rule_id}", response=answers(RuleOut, 400, 403, 404))
def update_rule(request: HttpRequest, rule_id: int, payload: RuleIn) -> Rule:
    rule = get_object_or_404(rules_visible_to(request.user), pk=rule_id)
    return rule_settings.update_rule(by=request.user, rule=rule, **_rule_fields(payload))


# ---- quarantine ---------------------------------------------------------------------------------------
class QuarantineOut(Schema):
    id: int
    received_at: datetime.datetime
    transport: Annotated[str, Choice(Transport)]
    device_id: int | None
    device_serial: str
    reason: Annotated[str, Choice(QuarantineReason)]
    detail: str
    payload: str
    count: int


class QuarantinePage(Schema):
    items: list[QuarantineOut]
    next_cursor: str | None


@router.get("/device-quarantine", response=answers(QuarantinePage, 400))
def list_quarantine(request: HttpRequest, query: Query[DevicePageQuery]) -> Page:
    """Messages set aside with the reason, newest first."""
    return keyset_page(quarantine_visible_to(request.user), cursor=query.cursor, limit=page_limit(query.limit))
