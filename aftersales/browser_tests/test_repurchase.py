# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Sale and repurchase: finance reads the clauses by deadline, records 例4 with the live preview of its
classification and entries, posts the sale and the buy-back, and reads the journal to the fen."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import follow_nav, pick, screenshot, zh
from aftersales.demo.data import SHOWCASE_CUSTOMER
from aftersales.repurchase.choices import Classification, Status
from aftersales.repurchase.models import RepurchaseContract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_records_example_4_with_its_preview_and_posts_it(signed_in):
    page = signed_in("finance")
    follow_nav(page, zh("Repurchase"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("Sales with a repurchase clause"))
    expect(page.locator("table.repurchase-list tbody tr")).to_have_count(RepurchaseContract.objects.count())
    expect(page.locator("table.repurchase-list tbody tr.table-warning")).to_contain_text(zh("Due soon"))
    screenshot(page, "repurchase-list")

    page.get_by_role("link", name=zh("Record a repurchase clause")).click()
    pick(page, zh("Customer"), typed="浦江精密", option=SHOWCASE_CUSTOMER)
    page.get_by_label(zh("Contract number")).fill("XS-2015-104")
    page.get_by_label(zh("Asset sold")).fill("挖掘机 SY365H")
    page.get_by_label(zh("Date of sale")).fill("2015-01-01")
    page.get_by_label(zh("Selling price (CNY)")).fill("1000000.00")
    page.get_by_label(re.compile("^" + zh("Repurchase clause"))).select_option("customer_option")
    page.get_by_label(zh("Repurchase price (CNY)")).fill("1200000.00")
    page.get_by_label(zh("Repurchase on or before")).fill("2015-12-31")
    page.get_by_label(zh("Expected market value at the repurchase date (CNY)")).fill("1100000.00")
    page.get_by_label(zh("Why (the incentive)")).fill("预计市场价格低于回购价格")
    page.get_by_label(zh("Customer has a significant economic incentive to exercise the put")).select_option("yes")
    preview = page.locator("#preview")
    expect(preview.locator(".status-badge")).to_have_text(zh(Classification.FINANCING.label))
    expect(preview).to_contain_text("200,000.00")
    expect(preview).to_contain_text(
        zh(
            "The repurchase price is above the expected market value: the customer gains by exercising the put (example 4)."
        )
    )
    screenshot(page, "repurchase-form")

    page.get_by_role("button", name=zh("Record the clause")).click()
    expect(page.locator("h1")).to_contain_text("XS-2015-104")
    page.get_by_role("button", name=zh("Post the entries at the sale")).click()
    expect(page.locator("h1 [data-enum='repurchase.Status']")).to_have_text(zh(Status.OPEN.label))
    page.get_by_label(zh("Bought back on")).fill("2015-12-31")
    page.get_by_role("button", name=zh("Post the buy-back")).click()
    expect(page.locator("h1 [data-enum='repurchase.Status']")).to_have_text(zh(Status.EXERCISED.label))
    entries = page.get_by_role("region", name=zh("Journal entries"))
    expect(entries.locator("table.repurchase-entry")).to_have_count(2)
    last = entries.locator("table.repurchase-entry").last
    expect(last.locator("tbody tr")).to_have_count(3)
    expect(last).to_contain_text(re.compile(r"利息费用\s*200,000\.00"))
    expect(last).to_contain_text("1,200,000.00")
    screenshot(page, "repurchase-detail")

    with page.expect_download() as download:
        page.get_by_role("link", name=zh("Export the entries (xlsx)")).click()
    assert download.value.suggested_filename.startswith("repurchase_entries-")
