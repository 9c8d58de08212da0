"""Workforce test data, made through the services where a rule is under test."""

import datetime
from typing import Any

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician
from aftersales.service.tests.factories import make_order

ZONE = timezone.get_fixed_timezone(8 * 60)
TUESDAY = datetime.date(2026, 12, 8)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


RECEIVED = at(TUESDAY - datetime.timedelta(days=30), 9)


def job_for(users: dict[str, User], technician: User | None = None, **kwargs: Any) -> ServiceOrder:
    """An order of the users' centre assigned to the technician, received weeks before the tests' days
    (an expense is never dated before its order was received)."""
    centre = users[Role.AGENT].service_center
    kwargs.setdefault("received_at", RECEIVED)
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre), **kwargs)
    return assign_technician(order, by=users[Role.DISPATCHER], technician=technician or users[Role.TECHNICIAN])
