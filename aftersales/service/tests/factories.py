"""Orders are made through the service, so factories never bypass the rules they test."""

from typing import Any

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.choices import OrderKind
from aftersales.service.models import ServiceOrder
from aftersales.service.services import open_order


def make_order(
    *, by: User | None = None, customer: Customer | None = None, with_unit: bool = True, **kwargs: Any
) -> ServiceOrder:
    customer = customer or CustomerFactory()
    by = by or UserFactory(role=Role.AGENT, service_center=customer.service_center)
    unit = kwargs.pop("unit", None) or (UnitFactory(customer=customer) if with_unit else None)
    defaults = {
        "kind": OrderKind.REPAIR,
        "reporter_name": "李四",
        "reporter_phone": "13900001111",
        "description": "设备无法启动",
    }
    defaults.update(kwargs)
    return open_order(by=by, customer=customer, unit=unit, **defaults)


def set_order_times(order: ServiceOrder, **fields: Any) -> ServiceOrder:
    """Move an order's SLA times (or status) behind the services' back, to put a clock where a test
    needs it; returns the order read again."""
    ServiceOrder.objects.filter(pk=order.pk).update(**fields)
    return ServiceOrder.objects.get(pk=order.pk)
