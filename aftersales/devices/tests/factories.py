"""Devices are made through the services (a registered device always has its state row)."""

import datetime
from typing import Any

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.devices.models import Device
from aftersales.devices.services.devices import register_device
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory

SECRET = "s3cret-device-key-0001"


def make_manager(unit: Unit) -> User:
    return UserFactory(role=Role.MANAGER, service_center=unit.customer.service_center)


def make_unit(**kwargs: Any) -> Unit:
    customer = kwargs.pop("customer", None) or CustomerFactory()
    if not customer.contacts.exists():
        ContactFactory(customer=customer, mobile="+8613900001111", is_primary=True)
    return UnitFactory(customer=customer, **kwargs)


def make_device(*, serial: str = "T-0001", unit: Unit | None = None, bind: bool = True) -> Device:
    unit = unit or make_unit()
    device, _secret = register_device(by=make_manager(unit), serial=serial, secret=SECRET, unit=unit if bind else None)
    return device


def message(
    n: int,
    at: datetime.datetime,
    *,
    lat: float = 31.2,
    lon: float = 121.4,
    speed: float = 10.0,
    faults: list[dict[str, Any]] | None = None,
    **engine: float,
) -> dict[str, Any]:
    """One device message (the JSON object) numbered ``n`` at ``at``."""
    body: dict[str, Any] = {"id": f"m{n}", "ts": at.isoformat(), "pos": {"lat": lat, "lon": lon, "speed": speed}}
    if engine:
        body["engine"] = engine
    if faults is not None:
        body["faults"] = faults
    return body
