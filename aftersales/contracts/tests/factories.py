"""Contracts' test data, made through the services."""

import datetime
from typing import Any

from aftersales.accounts.models import ServiceCenter, User
from aftersales.contracts import services
from aftersales.contracts.models import Contract
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory

YEAR_START = datetime.date(2026, 1, 1)
YEAR_END = datetime.date(2026, 12, 31)


def make_customer(centre: ServiceCenter) -> Customer:
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, is_primary=True)
    return customer


def make_contract(
    *, by: User, centre: ServiceCenter, customer: Customer | None = None, units: list[Unit] | None = None, **kwargs: Any
) -> Contract:
    customer = customer or make_customer(centre)
    units = units if units is not None else [UnitFactory(customer=customer)]
    data: dict[str, Any] = {
        "title": "空压机维保",
        "starts_on": YEAR_START,
        "ends_on": YEAR_END,
        "price": "12000.00",
        "billing": "quarterly",
        "deposit_amount": "5000.00",
    }
    data.update(kwargs)
    return services.create_contract(by=by, customer=customer, contact=customer.contacts.first(), units=units, **data)


def with_year_plans(contract: Contract, *, by: User) -> Contract:
    """Monthly visits on the 17th and quarterly inspections on the 1st over 2026."""
    services.add_visit_plan(
        contract, by=by, kind="monthly", rule="FREQ=MONTHLY;BYMONTHDAY=17", checklist="检查油位\n清洁滤网"
    )
    services.add_visit_plan(contract, by=by, kind="quarterly")
    return contract


def complete(order: Any, *, by: User, technician: User) -> Any:
    """The order's visit signed and the order completed through the transition (which announces it)."""
    from django.utils import timezone

    from aftersales.service import services as order_services
    from aftersales.service.choices import OrderStatus
    from aftersales.service.models import ServiceOrder, Visit

    ServiceOrder.objects.filter(pk=order.pk).update(status=OrderStatus.ON_SITE)
    Visit.objects.create(order=order, technician=technician, arrived_at=timezone.now(), signed_at=timezone.now())
    return order_services.transition_order(ServiceOrder.objects.get(pk=order.pk), to=OrderStatus.COMPLETED, by=by)
