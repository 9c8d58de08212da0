"""The unit picker offers the units of the customer the form has chosen (all of them before anything is
typed), or the units whose serial number starts with what was typed, within the reader's scope."""

import re

from django.test import Client

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory


def _offered(user, **params) -> list[str]:
    client = Client()
    client.force_login(user)
    return re.findall(r'data-label="([^"]*)"', client.get("/units/picker/", params).content.decode())


def test_the_chosen_customers_units_are_offered_and_narrowed_by_what_is_typed(users, centre):
    customer = CustomerFactory(service_center=centre)
    for serial in ("KTB2", "KTA1", "XY77"):
        UnitFactory(customer=customer, serial_number=serial)
    UnitFactory(customer=CustomerFactory(service_center=centre), serial_number="KTC3")

    assert _offered(users["manager"], customer=customer.pk, q="") == ["KTA1", "KTB2", "XY77"]
    assert _offered(users["manager"], customer=customer.pk, q="kt") == ["KTA1", "KTB2"]


def test_without_a_customer_a_serials_start_finds_units_of_the_readers_scope_only(users, centre, other_centre):
    UnitFactory(customer=CustomerFactory(service_center=centre), serial_number="KTA1")
    UnitFactory(customer=CustomerFactory(service_center=other_centre), serial_number="KTB2")
    UnitFactory(customer=CustomerFactory(service_center=centre), serial_number="XKT5")

    assert _offered(users["manager"], q="kt") == ["KTA1"]
    assert _offered(users["manager"], q="") == []


def test_a_customer_out_of_scope_offers_nothing(users, other_centre):
    elsewhere = CustomerFactory(service_center=other_centre)
    UnitFactory(customer=elsewhere, serial_number="KTB2")

    assert _offered(users["manager"], customer=elsewhere.pk, q="") == []
    assert _offered(users["manager"], customer="abc", q="KT") == []


def test_the_contract_form_keeps_the_units_chosen_and_offers_the_customers_units(users, centre):
    customer = CustomerFactory(name="远洋重工", service_center=centre)
    units = [UnitFactory(customer=customer, serial_number=f"KT{n}") for n in range(3)]
    UnitFactory(customer=CustomerFactory(service_center=centre), serial_number="KT9")
    client = Client()
    client.force_login(users["manager"])

    again = client.post(
        "/contracts/new/", {"customer": customer.pk, "units": [units[0].pk, units[2].pk], "title": ""}
    ).content.decode()
    offered = client.get("/units/picker/", {"customer": customer.pk, "q": ""}).content.decode()

    chosen = re.findall(r'<input type="hidden" name="units" value="(\d+)"', again)
    assert chosen == [str(units[0].pk), str(units[2].pk)]
    assert re.findall(r'data-label="([^"]*)"', offered) == ["KT0", "KT1", "KT2"]


TOO_LARGE = str(2**70)  # no column holds it: SQLite cannot bind it, PostgreSQL refuses it (SQLSTATE 22003)


def test_a_customer_id_no_column_holds_offers_nothing(users, centre):
    UnitFactory(customer=CustomerFactory(service_center=centre), serial_number="KTA1")
    client = Client()
    client.force_login(users["manager"])

    response = client.get("/units/picker/", {"customer": TOO_LARGE, "q": "KT"})

    assert response.status_code == 200  # was a 500 (QA 2026-12-07)
    assert "data-value" not in response.content.decode()
