from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.parts.models import Location, Part
from aftersales.parts.tests.factories import PartFactory, store


@pytest.fixture
def keeper(centre: Any) -> User:
    return UserFactory(username="keeper-sh", role=Role.PARTS_KEEPER, service_center=centre)


@pytest.fixture
def part(db: Any) -> Part:
    return PartFactory(number="BRG-6205", name="主轴轴承 6205-2RS")


@pytest.fixture
def shop(centre: Any) -> Location:
    return store(centre)
