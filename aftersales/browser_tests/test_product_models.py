# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A service manager retires a product model on the settings screen: it is listed after the active ones
with its badge, and the hotline intake no longer offers it for a new unit; one retired while an agent's
intake form is open is refused with the service's sentence at the model field."""

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.catalog.models import ProductModel
from aftersales.demo import data
from aftersales.installed_base.models import Unit
from aftersales.service.choices import OrderKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_retires_a_product_model_and_intake_no_longer_offers_it(signed_in):
    model = ProductModel.objects.active().order_by("code").first()
    assert model is not None
    page = signed_in("manager")

    page.goto("/settings/")
    page.get_by_role("link", name=zh("Product models")).click()
    page.get_by_role("link", name=model.code, exact=True).click()
    active = page.get_by_label(zh(ProductModel._meta.get_field("active").verbose_name))
    expect(active).to_be_checked()
    active.uncheck()
    page.get_by_role("button", name=zh("Save")).click()

    rows = page.locator("tbody tr")
    expect(rows.filter(has_text=model.code)).to_contain_text(zh("Deactivated"))
    expect(rows.last).to_contain_text(zh("Deactivated"))  # retired ones come after the active ones
    expect(rows.first).to_contain_text(zh("Active"))
    screenshot(page, "settings-product-models", element=page.locator("table"))
    model.refresh_from_db()
    assert model.active is False

    desk = signed_in("agent")
    desk.goto("/intake/")
    choices = desk.locator("#id_new_unit_model option")
    expect(choices.filter(has_text=model.code)).to_have_count(0)
    expect(choices.filter(has_text=ProductModel.objects.active().order_by("code").first().code)).to_have_count(1)


def test_a_model_retired_while_the_intake_is_open_is_refused_with_its_sentence(signed_in, problems):
    model = ProductModel.objects.active().order_by("code").first()
    assert model is not None
    page = signed_in("agent")
    page.goto("/intake/")
    page.get_by_label(zh("Caller's phone"), exact=True).press_sequentially("138 1688 1234", delay=20)
    card = page.locator("#intake-lookup article", has_text=data.SHOWCASE_CUSTOMER)
    card.get_by_role("button", name=zh("This customer")).click()
    page.locator("[data-intake-new-unit] summary").click()
    page.get_by_label(zh("New unit serial number"), exact=True).fill("SN-RETIRED-0001")
    page.get_by_label(zh("Product model"), exact=True).select_option(str(model.pk))
    page.get_by_label(zh("Kind"), exact=True).select_option(OrderKind.REPAIR)
    page.get_by_role("textbox", name=zh("Problem description"), exact=True).fill("新机开箱不通电。")
    ProductModel.objects.filter(pk=model.pk).update(active=False)  # a manager retires it meanwhile
    units = Unit.objects.count()

    problems.allow(r"status of 400 \(Bad Request\) \(http://[^/]+/intake/\)")  # the refused form's answer
    page.get_by_role("button", name=zh("Open the order")).click()

    expect(page.locator("#id_new_unit_model_error")).to_have_text(
        zh("Product model %(code)s is retired: new units cannot be registered with it.") % {"code": model.code}
    )
    assert Unit.objects.count() == units
