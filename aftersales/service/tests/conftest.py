"""Fixtures of the service tests that record visits: an order dispatched to the centre's technician, the
technician's API client, and a visit of the order."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.tests.factories import make_order


@pytest.fixture
def order(users: dict[str, Any], centre: Any) -> ServiceOrder:
    customer = CustomerFactory(service_center=centre)
    order = make_order(by=users[Role.AGENT], customer=customer, unit=UnitFactory(customer=customer))
    return services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])


@pytest.fixture
def tech(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.TECHNICIAN])


@pytest.fixture
def visit(order: ServiceOrder, users: dict[str, Any]) -> Visit:
    return services.record_visit(order, by=users[Role.TECHNICIAN], diagnosis="轴承磨损")
