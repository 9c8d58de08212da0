import pytest

from aftersales.accounts.choices import Role
from aftersales.customers import permissions
from aftersales.customers.models import Customer
from aftersales.customers.permissions import customers_visible_to, register_technician_customers
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_technician_sees_no_customer_when_no_app_registered_their_jobs(users, centre, monkeypatch):
    monkeypatch.setattr(permissions, "_technician_customers", [])
    CustomerFactory(service_center=centre)

    assert not customers_visible_to(users[Role.TECHNICIAN]).exists()
    assert customers_visible_to(users[Role.AGENT]).count() == 1


def test_technician_sees_the_customers_every_registered_source_names(users, centre, monkeypatch):
    monkeypatch.setattr(permissions, "_technician_customers", [])
    first, second, third = (CustomerFactory(service_center=centre) for _ in range(3))
    source = register_technician_customers(lambda user: Customer.objects.filter(pk=first.pk).values("pk"))
    register_technician_customers(lambda user: Customer.objects.filter(pk=second.pk).values("pk"))
    register_technician_customers(source)  # twice is once

    visible = set(customers_visible_to(users[Role.TECHNICIAN]))

    assert visible == {first, second}
    assert third not in visible
    assert len(permissions._technician_customers) == 2
