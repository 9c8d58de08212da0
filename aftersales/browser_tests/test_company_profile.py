# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""An administrator sets the company profile in the settings: a wrong 统一社会信用代码 is refused beside
its field, then the saved name heads every page and the printed service form gives the hotline."""

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.service.models import ServiceOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sets_the_company_profile_and_the_header_and_print_follow(signed_in):
    page = signed_in("admin")

    page.goto("/settings/")
    page.get_by_role("link", name=zh("Company profile")).click()
    page.get_by_label(zh("company name")).fill("沪东精密机械有限公司")
    page.get_by_label(zh("service hotline")).fill("400-800-6688")
    page.get_by_label(zh("unified social credit code")).fill("91310112MA1GB00019")  # wrong check character
    page.get_by_role("button", name=zh("Save")).click()

    expect(page.locator("#id_credit_code_error")).to_be_visible()
    expect(page.locator(".app-company-name")).not_to_have_text("沪东精密机械有限公司")  # nothing saved
    page.get_by_label(zh("unified social credit code")).fill("91310112MA1GB00018")
    screenshot(page, "settings-company-profile")
    page.get_by_role("button", name=zh("Save")).click()

    expect(page.locator(".app-company-name")).to_have_text("沪东精密机械有限公司")
    order = ServiceOrder.objects.order_by("pk").first()
    assert order is not None
    page.goto(f"/orders/{order.pk}/print/")
    expect(page.locator(".print-company")).to_contain_text("沪东精密机械有限公司")
    expect(page.locator(".print-company-contact")).to_contain_text("400 800 6688")
