"""Fixtures of the project-level tests."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order


@pytest.fixture
def order(users: dict[str, Any], centre: Any) -> ServiceOrder:
    """An order of ``centre`` with a unit, assigned to the centre's technician (visits and photos may follow)."""
    customer = CustomerFactory(service_center=centre)
    order = make_order(by=users[Role.AGENT], customer=customer, unit=UnitFactory(customer=customer))
    return services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
