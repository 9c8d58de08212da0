"""A customer file is complete within 2 working days of the first contact (issue 11, Customer file;
domain.md Follow-up §15 2): the day is on the working-day calendar, the missing items are listed, and the
file is overdue only after that day while something is still missing."""

import datetime

import pytest
from django.urls import reverse

from aftersales.calendars.selectors import business_timezone
from aftersales.care.selectors import file_check
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.installed_base.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def first_contact_on(customer: Customer, day: datetime.date) -> Customer:
    moment = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=business_timezone())
    Customer.objects.filter(pk=customer.pk).update(created_at=moment)
    return Customer.objects.get(pk=customer.pk)


def test_first_contact_before_national_day_is_due_two_working_days_after_the_holiday(centre):
    bare = first_contact_on(CustomerFactory(service_center=centre), D(2026, 9, 30))

    on_time = file_check(bare, units=[], on=D(2026, 10, 9))

    assert on_time.due_on == D(2026, 10, 9), "1-7 October are holidays: the 8th and the 9th are the two working days"
    assert [gap.key for gap in on_time.gaps] == ["contact", "site", "unit"]
    assert not on_time.overdue
    assert file_check(bare, units=[], on=D(2026, 10, 10)).overdue


def test_a_unit_without_proof_of_purchase_is_a_gap_that_links_to_the_unit(centre):
    customer = first_contact_on(CustomerFactory(service_center=centre), D(2026, 11, 27))  # a Friday
    ContactFactory(customer=customer)
    SiteFactory(customer=customer)
    unit = UnitFactory(customer=customer, proof_reference="", seller="dealer")

    check = file_check(customer, units=[unit], on=D(2026, 12, 2))

    assert check.due_on == D(2026, 12, 1)
    assert [gap.key for gap in check.gaps] == [f"proof-{unit.pk}"] and check.gaps[0].url == reverse(
        "care:unit_detail", args=[unit.pk]
    )
    assert check.overdue


def test_a_complete_file_is_never_overdue(centre):
    customer = first_contact_on(CustomerFactory(service_center=centre), D(2026, 11, 27))
    ContactFactory(customer=customer)
    SiteFactory(customer=customer)
    unit = UnitFactory(customer=customer)

    check = file_check(customer, units=[unit], on=D(2027, 1, 4))

    assert check.gaps == [] and not check.overdue
