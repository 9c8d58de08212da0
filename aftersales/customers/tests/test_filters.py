"""CustomerFilter: the customer list's filters (API, screens and the export share it)."""

import pytest
from django.db import connection, transaction

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
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("宝钢", {"name"}),
        ("138-1234-5678", {"phone"}),  # a whole number: exactly the contacts on it, in any written form
        ("+86 138 1234 5678", {"phone"}),
        ("5678", {"phone", "tail"}),  # four digits or more that are no number: contained in a contact's number
        ("1381234", {"phone"}),  # a number's head
        ("1234 5678", {"phone", "tail"}),
        ("8888", set()),  # digits are searched in the numbers only
        ("88", {"digits in name"}),  # fewer than four: the name
        ("  ", {"name", "phone", "tail", "digits in name"}),
    ],
)
def test_customer_filter_search_is_a_name_a_number_or_part_of_one(centre, text, found):
    made = {
        "name": CustomerFactory(service_center=centre, name="Baosteel 宝钢集团"),
        "phone": CustomerFactory(service_center=centre, name="北方重工"),
        "tail": CustomerFactory(service_center=centre, name="东方电气"),
        "digits in name": CustomerFactory(service_center=centre, name="88号仓库"),
    }
    ContactFactory(customer=made["phone"], mobile="+8613812345678")
    ContactFactory(customer=made["phone"], mobile="+8618612345678", name="李四")  # two contacts end in 5678
    ContactFactory(customer=made["tail"], mobile="+8613912345678")
    ContactFactory(customer=made["digits in name"], mobile="+8613700000000")

    rows = list(CustomerFilter(data={"search": text}, queryset=Customer.objects.all()).qs)
    assert sorted(rows, key=lambda c: c.pk) == sorted((made[key] for key in found), key=lambda c: c.pk)  # once each


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
        ({"search": "x" * 101}, "search"),
        ({"phone": "1" * 31}, "phone"),
    ],
)
def test_customer_filter_invalid_value_is_an_error_on_its_field(data, field):
    filterset = CustomerFilter(data=data, queryset=Customer.objects.none())

    assert not filterset.is_valid()
    assert list(filterset.errors) == [field]


@pytest.mark.django_db
def test_the_digits_of_a_number_are_looked_up_in_the_trigram_index_on_postgresql(centre):
    """``mobile LIKE '%5678%'`` as Django writes it is one the index of migration 0007 serves (the
    planner is told not to scan the table nor walk another index, so a plan without the index means the
    index cannot serve it)."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    ContactFactory(customer=CustomerFactory(service_center=centre), mobile="+8613812345678")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor a whole other index read row by row with the LIKE as a filter (the planner took such a
        # plan once in a full parallel run): only an index the LIKE can search is left, by a bitmap scan.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = CustomerFilter(data={"search": "5678"}, queryset=Customer.objects.all()).qs.explain()

    assert "contact_mobile_trgm_idx" in plan
