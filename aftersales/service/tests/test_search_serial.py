"""The order search finds a serial number however it is typed (QA A #8, 2026-12-07: ``q=ktmf13026040006``
found no order, and a serial holding a mobile's digits was searched as that phone number)."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.filters import search_parts
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db

SERIAL = "KTMF13026040006"  # its digits end in a valid mainland mobile, 130 2604 0006


@pytest.mark.parametrize("typed", [SERIAL, SERIAL.lower(), "Ktmf13026040006", f"  {SERIAL.lower()} "])
def test_a_serial_is_found_in_any_case(typed, users, centre, api_client):
    customer = CustomerFactory(service_center=centre)
    unit = UnitFactory(customer=customer, serial_number=SERIAL)
    orders = {make_order(by=users[Role.AGENT], customer=customer, unit=unit).pk for _ in range(2)}
    make_order(by=users[Role.AGENT], customer=customer)  # another unit's

    response = api_client(users[Role.AGENT]).get("/api/v1/orders", {"q": typed})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["items"]} == orders


def test_a_serial_search_is_the_units_exact_upper_case_serial(centre):
    unit = UnitFactory(customer=CustomerFactory(service_center=centre), serial_number=SERIAL)

    # One condition on the unit's id (read by the serial's unique index), not the phone number's.
    assert [str(q) for q in search_parts(SERIAL.lower())] == [str(q) for q in search_parts(SERIAL)]
    assert any(q.children == [("unit_id__in", [unit.pk])] for q in search_parts(SERIAL.lower()))


def test_a_phone_number_as_typed_is_still_a_phone_search():
    assert search_parts("139 1234 5678")[0].children == [("reporter_phone", "+8613912345678")]
    assert search_parts("+86 139-1234-5678")[0].children == [("reporter_phone", "+8613912345678")]
