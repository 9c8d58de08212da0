# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Quality feedback in the browser: the manager opens the failure statistics (ECharts bar charts drawn
from the page's JSON block), follows the repeat-failure figure to its orders (as many rows as the figure
says), sends one unit's repeat failures to design, and moves the case to analysis; the order page
shows the case."""

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.quality.models import QualityCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_repeat_failures_go_to_design(signed_in):
    page = signed_in("manager")
    expect(
        page.get_by_role("navigation", name=zh("Main")).get_by_role(
            "link", name=zh("Failure statistics"), include_hidden=True
        )
    ).to_have_count(1)
    page.goto("/quality/failures/")
    expect(page.locator("[data-chart='model'] svg")).to_have_count(1)
    expect(page.locator("[data-chart='age'] svg")).to_have_count(1)
    screenshot(page, "quality-failures")

    for total in ("failures", "units"):  # the headline totals open exactly their records
        link = page.locator(f"#total-{total}")
        shown = int(link.inner_text())
        link.click()
        expect(page.locator("#figure-count")).to_have_text(str(shown))
        page.go_back()

    repeats = page.locator("#total-repeat30")
    shown = int(repeats.inner_text())
    assert shown >= 3  # the demo's: two on one unit, one on another (within 30 days)
    repeats.click()
    expect(page.locator("#figure-count")).to_have_text(str(shown))
    expect(page.locator("#failure-order-table tbody tr")).to_have_count(shown)
    screenshot(page, "quality-figure-orders")

    before = QualityCase.objects.count()
    page.locator("#failure-order-table tbody tr").last.get_by_role("link", name=zh("Send to design")).click()
    expect(page.locator("#case-form")).to_be_visible()
    page.get_by_label(zh("Title")).fill("同一设备反复故障")
    page.get_by_label(zh("What design should look at")).fill("请分析根因")
    page.get_by_role("button", name=zh("Open the quality case")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert QualityCase.objects.count() == before + 1
    case = QualityCase.objects.order_by("-pk").first()
    expect(page.locator("#case-evidence li")).to_have_count(case.orders.count())

    page.get_by_label(zh("Move to")).select_option("analysing")
    page.get_by_role("button", name=zh("Move")).click()
    expect(page.locator(".alert-success")).to_contain_text(zh("Case moved."))
    screenshot(page, "quality-case")

    page.goto(f"/orders/{case.orders.order_by('pk').first().pk}/")
    expect(page.locator("#order-quality-cases")).to_contain_text(case.number)
