"""Devices and their bindings to units: registered with a secret, bound to one unit at a time (the
closed bindings kept), retired. Each write checks the caller and records an activity."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import require_text
from aftersales.devices.credentials import broker_hash, hash_secret
from aftersales.devices.messages import DEVICE_ID
from aftersales.devices.models import Binding, Device, DeviceState
from aftersales.devices.permissions import can_manage_devices, devices_visible_to
from aftersales.history.services import record_activity
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to

SECRET_MIN_LENGTH = 16


def _require_manager(by: User) -> None:
    if not can_manage_devices(by):
        raise PermissionDeniedError("forbidden", _("Your role may not manage devices."))


def _require_in_scope(by: User, device: Device, *, unbound_too: bool = False) -> None:
    """404 for a device bound to a unit outside ``by``'s scope (one bound to nothing: when
    ``unbound_too``, any manager may fit it)."""
    if devices_visible_to(by).filter(pk=device.pk).exists():
        return
    if unbound_too and not Binding.objects.filter(device=device, unbound_at__isnull=True).exists():
        return
    raise NotFoundError("not_found", _("No such device."))


def clean_serial(serial: str) -> str:
    serial = require_text(serial, field="serial", max_length=64)
    if not DEVICE_ID.match(serial):
        raise ValidationFailed(
            "invalid_device_id", _("A device id is 1-64 letters, digits, '.', '_' or '-'."), field="serial"
        )
    return serial


def clean_secret(secret: str) -> str:
    if len(secret) < SECRET_MIN_LENGTH or len(secret) > 200:
        raise ValidationFailed(
            "weak_secret",
            _("A device secret has %(min)d to 200 characters.") % {"min": SECRET_MIN_LENGTH},
            field="secret",
        )
    return secret


@transaction.atomic
def register_device(
    *, by: User, serial: str, secret: str = "", note: str = "", unit: Unit | None = None
) -> tuple[Device, str]:
    """Register a terminal; returns it and its secret (generated when none is given: shown once,
    only its hash is kept). ``unit`` binds it at once."""
    _require_manager(by)
    serial = clean_serial(serial)
    secret = clean_secret(secret) if secret else secrets.token_urlsafe(24)
    note = require_text(note, field="note", max_length=200, required=False)
    if Device.objects.filter(serial=serial).exists():
        raise ConflictError(
            "duplicate_device", _("A device %(serial)s exists already.") % {"serial": serial}, field="serial"
        )
    device = Device.objects.create(
        serial=serial, secret_hash=hash_secret(secret), broker_hash=broker_hash(secret), note=note
    )
    DeviceState.objects.create(device=device)
    record_activity(target=device, type="device.registered", by=by, data={"serial": serial})
    if unit is not None:
        bind_device(by=by, device=device, unit=unit)
    return device, secret


@transaction.atomic
def rotate_secret(*, by: User, device: Device, secret: str = "") -> str:
    """A new secret for the device (the old one stops working at once); returns it."""
    _require_manager(by)
    _require_in_scope(by, device, unbound_too=True)
    secret = clean_secret(secret) if secret else secrets.token_urlsafe(24)
    Device.objects.filter(pk=device.pk).update(secret_hash=hash_secret(secret), broker_hash=broker_hash(secret))
    record_activity(target=device, type="device.secret_rotated", by=by)
    return secret


@transaction.atomic
def bind_device(*, by: User, device: Device, unit: Unit, at: datetime.datetime | None = None) -> Binding:
    """Fit ``device`` to ``unit``: the device's current binding (if any) ends now; a unit that has
    another device bound answers 409 ``unit_has_device`` (unbind that one first)."""
    _require_manager(by)
    _require_in_scope(by, device, unbound_too=True)
    if not units_visible_to(by).filter(pk=unit.pk).exists():
        raise NotFoundError("not_found", _("No such unit."), field="unit_id")
    if not device.is_active:
        raise ConflictError("device_retired", _("The device is retired."))
    now = at or timezone.now()
    current = Binding.objects.select_for_update().filter(device=device, unbound_at__isnull=True).first()
    if current is not None and current.unit_id == unit.pk:
        return current
    other = (
        Binding.objects.filter(unit=unit, unbound_at__isnull=True)
        .exclude(device=device)
        .select_related("device")
        .first()
    )
    if other is not None:
        raise ConflictError(
            "unit_has_device",
            _("Unit %(unit)s has device %(device)s bound; unbind it first.") % {"unit": unit, "device": other.device},
            field="unit_id",
        )
    if current is not None:
        _close(current, by=by, at=now)
    try:
        with transaction.atomic():
            binding = Binding.objects.create(device=device, unit=unit, bound_at=now, bound_by=by)
    except IntegrityError as exc:  # another bind for this unit committed between the check and here
        raise ConflictError("unit_has_device", _("The unit has another device bound."), field="unit_id") from exc
    DeviceState.objects.filter(device=device).update(unit=unit)
    record_activity(target=device, type="device.bound", by=by, changes={"unit": ("", unit.serial_number)})
    return binding


def _close(binding: Binding, *, by: User, at: datetime.datetime) -> None:
    binding.unbound_at, binding.unbound_by = max(at, binding.bound_at), by
    binding.save(update_fields=["unbound_at", "unbound_by"])
    record_activity(
        target=binding.device, type="device.unbound", by=by, changes={"unit": (binding.unit.serial_number, "")}
    )


@transaction.atomic
def unbind_device(*, by: User, device: Device) -> Device:
    """End the device's current binding (the history keeps it); a device bound to nothing answers 409."""
    _require_manager(by)
    _require_in_scope(by, device, unbound_too=True)
    current = Binding.objects.select_for_update().filter(device=device, unbound_at__isnull=True).first()
    if current is None:
        raise ConflictError("not_bound", _("The device is not bound to a unit."))
    _close(current, by=by, at=timezone.now())
    DeviceState.objects.filter(device=device).update(unit=None)
    return device


@transaction.atomic
def retire_device(*, by: User, device: Device) -> Device:
    """Retire a terminal: unbound, its messages quarantined from now on (``inactive_device``)."""
    _require_manager(by)
    _require_in_scope(by, device, unbound_too=True)
    current = Binding.objects.select_for_update().filter(device=device, unbound_at__isnull=True).first()
    if current is not None:
        _close(current, by=by, at=timezone.now())
    device.is_active = False
    device.save(update_fields=["is_active", "updated_at"])
    DeviceState.objects.filter(device=device).update(unit=None)
    record_activity(target=device, type="device.retired", by=by, changes={"is_active": (True, False)})
    return device
