"""Service tells customers (and so units) which customers a technician works for: those of their jobs."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.permissions import customers_visible_to
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.permissions import units_visible_to
from aftersales.service.services import assign_technician
from aftersales.service.tests.factories import make_order


@pytest.mark.django_db
def test_technician_sees_only_customers_and_units_of_their_jobs(users, centre):
    job = make_order(customer=CustomerFactory(service_center=centre), by=users[Role.AGENT])
    other = make_order(customer=CustomerFactory(service_center=centre), by=users[Role.AGENT])
    assign_technician(job, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])

    customers = set(customers_visible_to(users[Role.TECHNICIAN]))
    units = set(units_visible_to(users[Role.TECHNICIAN]))

    assert customers == {job.customer}
    assert units == {job.unit}
    assert other.customer in set(customers_visible_to(users[Role.AGENT]))
