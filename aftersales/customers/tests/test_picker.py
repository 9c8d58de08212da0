"""The customer picker (core.widgets.SearchPicker) offers what the reader may see: the customers of their scope
matching a name fragment or a phone number, a page at a time, in a bounded number of queries; the forms and the
report filter that use it render the chosen customer only, never the whole customer list."""

import re

import pytest
from django.test import Client

from aftersales.core.widgets import PICKER_ROWS
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _offered(html: str) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', html)


def test_a_name_fragment_offers_the_matching_customers_of_the_readers_centre(users, centre, other_centre):
    CustomerFactory(name="华通机电有限公司", service_center=centre)
    CustomerFactory(name="华通物流", service_center=centre)
    CustomerFactory(name="华通北京分公司", service_center=other_centre)
    CustomerFactory(name="远洋重工", service_center=centre)

    answer = client_for(users["manager"]).get("/customers/picker/", {"q": "华通"})

    assert answer.status_code == 200
    assert _offered(answer.content.decode()) == ["华通机电有限公司", "华通物流"]


def test_a_phone_number_finds_its_customer(users, centre):
    customer = CustomerFactory(name="远洋重工", service_center=centre)
    ContactFactory(customer=customer, mobile="+8613912345678")
    CustomerFactory(name="华通物流", service_center=centre)

    answer = client_for(users["agent"]).get("/customers/picker/", {"q": "139 1234 5678"})

    assert _offered(answer.content.decode()) == ["远洋重工"]


def test_a_page_of_options_says_more_match(users, centre, django_assert_max_num_queries):
    for n in range(PICKER_ROWS + 3):
        CustomerFactory(name=f"华通{n:02d}", service_center=centre)
    client = client_for(users["manager"])
    client.get("/customers/picker/", {"q": "华通"})  # the session and user are read once

    with django_assert_max_num_queries(3):
        html = client.get("/customers/picker/", {"q": "华通"}).content.decode()

    assert len(_offered(html)) == PICKER_ROWS and "data-picker-more" in html


@pytest.mark.parametrize("query", ["", "   ", "没有这家"])
def test_nothing_typed_or_nothing_found_says_so(query, users, centre):
    CustomerFactory(name="华通物流", service_center=centre)

    html = client_for(users["manager"]).get("/customers/picker/", {"q": query}).content.decode()

    assert _offered(html) == [] and "data-picker-none" in html
    assert ("没有匹配的" in html) == bool(query.strip())


def test_the_picker_needs_a_signed_in_user(db):
    answer = Client().get("/customers/picker/", {"q": "华通"})

    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_the_contract_form_shows_the_chosen_customer_only(users, centre, other_centre):
    customers = [CustomerFactory(name=f"客户甲{n}", service_center=centre) for n in range(5)]
    elsewhere = CustomerFactory(name="北京的客户", service_center=other_centre)
    client = client_for(users["manager"])

    blank = client.get("/contracts/new/").content.decode()
    again = client.post("/contracts/new/", {"customer": customers[2].pk, "title": ""}).content.decode()
    made_up = client.post("/contracts/new/", {"customer": elsewhere.pk, "title": ""}).content.decode()

    assert not any(c.name in blank for c in customers)  # no drop-down of every customer
    assert 'data-options-url="/customers/picker/"' in blank
    assert 'value="客户甲2"' in again and f'name="customer" value="{customers[2].pk}"' in again
    assert not any(c.name in again for c in customers if c != customers[2])
    assert "北京的客户" not in made_up and 'name="customer" value=""' in made_up  # out of scope: not shown, not resent


def test_the_report_filter_names_the_chosen_customer(users, centre):
    customer = CustomerFactory(name="远洋重工", service_center=centre)

    html = client_for(users["manager"]).get("/reports/", {"customer": customer.pk}).content.decode()

    assert 'id="f-customer"' in html and 'value="远洋重工"' in html
    assert f'name="customer" value="{customer.pk}"' in html
