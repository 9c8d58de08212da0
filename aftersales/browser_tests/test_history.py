# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""History on the screens: a settings record's History panel, and on the order page the changes to its
unit and customer (a proof of purchase corrected after intake)."""

import datetime

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.builders import open_showcase_order, user
from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.catalog.models import ProductModel
from aftersales.installed_base.services import update_proof_of_purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_product_model_edit_shows_in_its_history_panel(signed_in):
    model = ProductModel.objects.order_by("code").first()
    old_months = model.warranty_months
    page = signed_in("manager")
    page.goto(f"/settings/product-models/{model.pk}/")
    panel = page.get_by_role("region", name=zh("History"))
    expect(panel).to_contain_text(zh("Product model added"))  # the demo set made it through the service

    page.get_by_label(zh("warranty months")).fill(str(old_months + 6))
    page.get_by_role("button", name=zh("Save")).click()
    expect(page.get_by_text(zh("Product model saved:"))).to_be_visible()  # landed, so the goto aborts nothing
    page.goto(f"/settings/product-models/{model.pk}/")

    entry = page.get_by_role("region", name=zh("History")).locator(".history-entry").first
    expect(entry).to_contain_text(zh("Product model changed"))
    expect(entry.locator("del")).to_have_text(str(old_months))
    expect(entry.locator(".order-new")).to_have_text(str(old_months + 6))
    entry.scroll_into_view_if_needed()
    screenshot(page, "settings-history", from_top=False)


def test_the_order_page_shows_a_proof_of_purchase_corrected_after_intake(signed_in):
    order = open_showcase_order()
    update_proof_of_purchase(
        unit=order.unit,
        by=user("agent"),
        purchase_date=datetime.date(2024, 3, 1),
        seller=order.unit.seller,
        dealer_name=order.unit.dealer_name,
        proof_reference=order.unit.proof_reference,
        reason="发票日期录错，按原件更正",
    )
    page = signed_in("dispatcher")
    page.goto(f"/orders/{order.pk}/")

    card = page.get_by_role("region", name=zh("Changes to the unit and customer"))
    expect(card).to_contain_text(zh("Proof of purchase changed"))
    expect(card).to_contain_text("2024-03-01")
    expect(card).to_contain_text("发票日期录错")
    card.scroll_into_view_if_needed()
    screenshot(page, "order-record-changes", from_top=False)
