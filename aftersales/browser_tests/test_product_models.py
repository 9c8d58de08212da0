# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A service manager retires a product model on the settings screen: it is listed after the active ones
with its badge, and the hotline intake no longer offers it for a new unit."""

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.catalog.models import ProductModel

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
