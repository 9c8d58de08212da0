"""A centre with the default plan, people with pay profiles, and orders put in a month."""

import datetime
from typing import Any

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.pay.models import PayPlan, PayProfile
from aftersales.pay.services import load_default_plan, set_profile
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order, set_order_times

MAY = datetime.date(2026, 5, 1)


def default_plan(*, effective_from: datetime.date = datetime.date(2026, 1, 1)) -> PayPlan:
    admin = User.objects.filter(is_superuser=True).first() or UserFactory(
        role=Role.ADMIN, is_superuser=True, service_center=None
    )
    return load_default_plan(by=admin, effective_from=effective_from)


def profile(
    user: User,
    *posts: str,
    by: User,
    education: str = "bachelor",
    joined_on: datetime.date = datetime.date(2020, 1, 1),
    **extra: Any,
) -> PayProfile:
    return set_profile(by=by, user=user, education=education, posts=list(posts), joined_on=joined_on, **extra)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def order_in(
    centre: ServiceCenter,
    *,
    taken_by: User,
    day: datetime.date,
    kind: str = "repair",
    completed: datetime.date | None = None,
    technician: User | None = None,
    status: str | None = None,
    warranty: bool = False,
) -> ServiceOrder:
    order = make_order(by=taken_by, customer=CustomerFactory(service_center=centre), kind=kind)
    fields: dict[str, Any] = {"received_at": at(day), "warranty_covered": warranty}
    if completed is not None:
        fields.update(status="completed", completed_at=at(completed, 16), technician=technician)
    if status is not None:
        fields["status"] = status
    return set_order_times(order, **fields)
