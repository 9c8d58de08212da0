# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A choice that goes stale while the form is open: a site taken out of use while the customer file's
register-unit form is open, a product model retired while the installation plan is open, the caller's
contact taken out of use after the intake's lookup picked it. Each is refused
with the service's sentence at its field, marked red, and nothing is written (not Django's "Select a
valid choice", not a message above the form)."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.builders import CALLER_MOBILE, showcase_customer, showcase_unit, user
from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.catalog.models import ProductModel
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import CustomerFactory, SiteFactory
from aftersales.demo import data
from aftersales.installed_base.models import Unit
from aftersales.money.models import Installation
from aftersales.service.choices import OrderKind
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RED = re.compile(r"\bis-invalid\b")


def test_a_site_taken_out_of_use_while_a_unit_is_registered_is_refused_at_the_site(signed_in, problems):
    customer = CustomerFactory(name="停用地点测试客户", service_center=user("agent").service_center)
    site = SiteFactory(customer=customer, name="二号车间")
    model = ProductModel.objects.active().order_by("code").first()
    assert model is not None
    page = signed_in("agent")
    page.goto(f"/customers/{customer.pk}/units/new/")
    page.locator("input[name=serial_number]").fill("SN-STALE-SITE-1")
    page.locator("select[name=product_model]").select_option(str(model.pk))
    page.locator("select[name=site]").select_option(str(site.pk))
    Site.objects.filter(pk=site.pk).update(in_use=False)  # someone takes it out of use meanwhile
    units = Unit.objects.count()

    problems.allow(r"status of 400 \(Bad Request\) \(http://[^/]+/customers/\d+/units/new/\)")
    page.get_by_role("button", name=re.compile(zh("Save"))).click()

    expect(page.locator("#id_site_error")).to_have_text(zh("This site is not in use any more."))
    expect(page.locator("select[name=site]")).to_have_class(RED)
    expect(page.locator("#record-form .alert-danger")).to_have_count(0)  # not above the form
    screenshot(page, "care-unit-register-site-out-of-use")
    assert Unit.objects.count() == units


def test_a_model_retired_while_the_installation_is_planned_is_refused_at_the_model(signed_in, problems):
    order = make_order(by=user("agent"), customer=showcase_customer(), with_unit=False, kind="installation")
    model = ProductModel.objects.active().order_by("code").first()
    assert model is not None
    page = signed_in("agent")
    page.goto(f"/money/orders/{order.pk}/")
    plan = page.locator("#installation")
    plan.get_by_label(zh("Kind of installation")).select_option("small")
    plan.get_by_label(zh("Product model")).select_option(str(model.pk))
    ProductModel.objects.filter(pk=model.pk).update(active=False)  # a manager retires it meanwhile

    problems.allow(r"status of 400 \(Bad Request\) \(http://[^/]+/money/orders/\d+/installation/\)")
    plan.get_by_role("button", name=zh("Plan the installation")).click()

    sentence = zh("Product model %(code)s is retired: new units cannot be registered with it.") % {"code": model.code}
    expect(page.locator("#id_product_model_errors")).to_have_text(sentence)
    expect(page.locator("#installation select[name=product_model]")).to_have_class(RED)
    screenshot(page, "money-installation-model-retired", element=page.locator("#installation"))
    assert not Installation.objects.filter(order=order).exists()


def test_a_contact_taken_out_of_use_after_the_intake_picked_it_is_refused_at_the_pick(signed_in, problems):
    unit = showcase_unit(covered=True)
    page = signed_in("agent")
    page.goto("/intake/")
    page.get_by_label(zh("Caller's phone"), exact=True).press_sequentially("138 1688 1234", delay=20)
    card = page.locator("#intake-lookup article", has_text=data.SHOWCASE_CUSTOMER)
    card.get_by_role("button", name=zh("Pick unit %(serial)s") % {"serial": unit.serial_number}).click()
    page.get_by_label(zh("Kind"), exact=True).select_option(OrderKind.REPAIR)
    page.get_by_role("textbox", name=zh("Problem description"), exact=True).fill("主轴异响。")
    caller = Contact.objects.get(customer=showcase_customer(), mobile__endswith=CALLER_MOBILE)
    Contact.objects.filter(pk=caller.pk).update(
        in_use=False, is_primary=False
    )  # the file is tidied up meanwhile (as set_contact_in_use does)
    orders = ServiceOrder.objects.count()

    problems.allow(r"status of 400 \(Bad Request\) \(http://[^/]+/intake/\)")  # the refused form's answer
    page.get_by_role("button", name=zh("Open the order")).click()

    expect(page.locator("#id_customer_id_error")).to_have_text(zh("This contact is not in use any more."))
    expect(page.locator("#intake-lookup")).not_to_contain_text(caller.name)  # the lookup offers the others
    screenshot(page, "intake-contact-out-of-use")
    assert ServiceOrder.objects.count() == orders
