"""Care's test data is made through the services: a closed order makes its follow-ups."""

import datetime
from typing import Any

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.selectors import business_timezone
from aftersales.customers.models import Customer
from aftersales.service import services as order_services
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order, set_order_times

TZ = business_timezone()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def close_order(
    *, manager: User, customer: Customer, handed_back: datetime.date | None = None, **kwargs: Any
) -> ServiceOrder:
    """An order of ``customer`` completed on ``handed_back`` and closed by ``manager`` (the close
    announces ``order_status_changed``, which schedules the follow-ups)."""
    agent = (
        kwargs.pop("by", None) or User.objects.filter(role=Role.AGENT, service_center=customer.service_center).first()
    )
    order = make_order(by=agent, customer=customer, **kwargs)
    completed = at(handed_back or datetime.date(2026, 12, 1))
    order = set_order_times(order, status=OrderStatus.COMPLETED, completed_at=completed)
    return order_services.transition_order(order, to=OrderStatus.CLOSED, by=manager)
