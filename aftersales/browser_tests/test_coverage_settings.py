# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A service manager adds a serial-date rule on the settings screen, and a unit without proof is then
covered from the date in its serial number."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.browser_tests.builders import showcase_customer, user
from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.catalog.models import ProductModel
from aftersales.coverage.selectors import decide_coverage
from aftersales.installed_base.services import register_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_adds_a_serial_date_rule_that_then_decides(signed_in):
    model = ProductModel.objects.order_by("code").first()
    made = timezone.localdate() - datetime.timedelta(days=90)
    unit = register_unit(
        by=user("manager"),
        serial_number=f"ZX{made:%y%m}0001",
        product_model=model,
        customer=showcase_customer(),
        seller="dealer",
        dealer_name="华东经销商",
    )
    assert decide_coverage(unit=unit, on=timezone.localdate(), kind="").reason == "no_proof"
    page = signed_in("manager")

    page.goto("/settings/")
    page.get_by_role("link", name=zh("Serial-date rules")).click()
    page.get_by_role("link", name=zh("Add rule")).click()
    page.get_by_label(zh("product model")).select_option(str(model.pk))
    page.get_by_label(zh("serial prefix")).fill("zx")
    page.get_by_label(zh("date format")).select_option("YYMM")
    page.get_by_label(zh("date position")).fill("3")
    page.get_by_label(zh("grace months")).fill("1")
    screenshot(page, "settings-serial-date-rule")
    page.get_by_role("button", name=zh("Save")).click()

    row = page.locator("tbody tr", has_text="ZX")
    expect(row).to_contain_text(model.code)
    expect(row).to_contain_text(zh("Active"))
    screenshot(page, "settings-serial-date-rules")
    decision = decide_coverage(unit=unit, on=timezone.localdate(), kind="")
    assert (decision.covered, decision.source) == (model.warranty_months > 0, "serial_date")
