"""The repurchase tests' world: a customer of the centre, its finance clerk and the other centre's."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory


@pytest.fixture
def finance(users: dict[str, Any]) -> Any:
    return users[Role.FINANCE]


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre, name="乙公司")


@pytest.fixture
def outsider(other_centre: Any) -> Any:
    return UserFactory(username="finance-bj", role=Role.FINANCE, service_center=other_centre)
