"""CustomerFilter: the customer list's filters (API, screens and the export share it)."""

import pytest

from aftersales.customers.filters import CustomerFilter
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory


def filtered(**data: object) -> set[Customer]:
    filterset = CustomerFilter(data=data, queryset=Customer.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.mark.django_db
def test_customer_filter_q_matches_name_contains_in_any_case(centre):
    wanted = CustomerFactory(service_center=centre, name="Baosteel 宝钢集团")
    CustomerFactory(service_center=centre, name="北方重工")

    assert filtered(q="宝钢") == {wanted}
    assert filtered(q="BAOSTEEL") == {wanted}


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["138-1234-5678", "+86 138 1234 5678", "13812345678", "0086 13812345678"])
def test_customer_filter_phone_matches_any_contact_in_any_written_form(centre, written):
    wanted = CustomerFactory(service_center=centre)
    ContactFactory(customer=wanted, mobile="+8613900000000", is_primary=True)
    ContactFactory(customer=wanted, mobile="+8613812345678")
    ContactFactory(customer=CustomerFactory(service_center=centre), mobile="+8613700000000")

    assert filtered(phone=written) == {wanted}


@pytest.mark.django_db
def test_customer_filter_phone_that_is_no_number_matches_nobody(centre):
    ContactFactory(customer=CustomerFactory(service_center=centre), mobile="+8613812345678")

    assert filtered(phone="not a phone") == set()


@pytest.mark.django_db
def test_customer_filter_kind_and_centre(centre, other_centre):
    person = CustomerFactory(service_center=centre, kind="person")
    company = CustomerFactory(service_center=centre, kind="company")
    elsewhere = CustomerFactory(service_center=other_centre, kind="person")

    assert filtered(kind="person") == {person, elsewhere}
    assert filtered(service_center_id=centre.pk) == {person, company}
    assert filtered(kind="person", service_center_id=str(other_centre.pk)) == {elsewhere}


@pytest.mark.django_db
def test_customer_filter_blank_values_filter_nothing(centre):
    everyone = {CustomerFactory(service_center=centre), CustomerFactory(service_center=centre)}

    assert filtered(q="", phone="", kind="", service_center_id="") == everyone


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "robot"}, "kind"),
        ({"service_center_id": "abc"}, "service_center_id"),
        ({"q": "x" * 101}, "q"),
        ({"phone": "1" * 31}, "phone"),
    ],
)
def test_customer_filter_invalid_value_is_an_error_on_its_field(data, field):
    filterset = CustomerFilter(data=data, queryset=Customer.objects.none())

    assert not filterset.is_valid()
    assert list(filterset.errors) == [field]
