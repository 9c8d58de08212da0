"""The pay tests' shared month: the default plan, an adviser and the manager with profiles, one order."""

import datetime
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.pay.tests.factories import default_plan, order_in, profile


@pytest.fixture
def setup(db: Any, centre: Any, users: dict[str, Any]) -> dict[str, Any]:
    default_plan()
    manager = users[Role.MANAGER]
    adviser = UserFactory(username="adviser", role=Role.AGENT, service_center=centre)
    profile(adviser, "service_adviser", by=manager)
    profile(manager, "service_manager", by=manager)
    order = order_in(centre, taken_by=adviser, day=datetime.date(2026, 5, 4))
    return {"manager": manager, "adviser": adviser, "order": order}
