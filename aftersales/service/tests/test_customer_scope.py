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


@pytest.mark.django_db
def test_visible_unit_reads_what_units_visible_to_holds_for_every_role(
    users, centre, other_centre, django_assert_num_queries
):
    """The create's unit read (compiled for the desk roles' centre scopes) against the scope itself: every
    role, a desk user of no centre, an inactive one, a superuser; each unit with its own customer and
    another's."""
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.installed_base.permissions import visible_unit

    job = make_order(customer=CustomerFactory(service_center=centre), by=users[Role.AGENT])
    other = make_order(customer=CustomerFactory(service_center=centre), by=users[Role.AGENT])
    away = make_order(customer=CustomerFactory(service_center=other_centre), by=users[Role.ADMIN])
    assign_technician(job, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    everyone = [
        *users.values(),
        UserFactory(username="agent-nowhere", role=Role.AGENT, service_center=None),
        UserFactory(username="agent-gone", role=Role.AGENT, service_center=centre, is_active=False),
        UserFactory(username="root", role=Role.TECHNICIAN, service_center=None, is_superuser=True),
    ]
    pairs = [(o.unit, o.customer) for o in (job, other, away)] + [(job.unit, other.customer)]
    related = ("customer__service_center", "product_model", "site")

    seen = set()
    for user in everyone:
        expected = set(units_visible_to(user))
        for unit, customer in pairs:
            found = visible_unit(user, unit_id=unit.pk, customer_id=customer.pk, related=related)
            should = unit in expected and unit.customer_id == customer.pk
            assert (found == unit) is should and (found is None) is not should, (user.username, unit.pk, customer.pk)
            if found is not None:
                seen.add(user.username)
                with django_assert_num_queries(0):  # read with its rows, as select_related reads them
                    assert found.customer.service_center == unit.customer.service_center
                    assert found.product_model == unit.product_model
    # Every kind of scope answered something somewhere: all centres, one centre, a technician's jobs.
    assert {"admin-sh", "agent-sh", "technician-sh", "root"} <= seen
    assert "agent-nowhere" not in seen and "agent-gone" not in seen
