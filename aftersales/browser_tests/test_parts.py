# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Spare parts in the browser (issue 9): a technician uses a part from the van on the phone and the
stock, the order page and the printed record agree; the keeper follows a shortage to receipt; the other
parts screens open (claims, turnover spares, stock-take, tools, the public price list)."""

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.parts.models import Location, Stock, StockRequest, VisitPart
from aftersales.service.choices import OrderStatus
from aftersales.service.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_technician_uses_a_part_from_the_van_and_the_record_shows_it(signed_in):
    visit = (
        Visit.objects.filter(
            technician__username="technician",
            signed_at__isnull=True,
            order__status=OrderStatus.ON_SITE,
            order__warranty_covered=True,
        )
        .order_by("pk")
        .first()
    )
    assert visit is not None, "the demo technician has no open visit"
    van = Location.objects.get(holder__username="technician")
    before = Stock.objects.get(location=van, part__number="FUS-10A").on_hand
    used_before = VisitPart.objects.filter(visit=visit).count()

    page = signed_in("technician", phone=True)
    page.goto(f"/tech/orders/{visit.order_id}/")
    panel = page.locator(f"#visit-{visit.pk}-parts")
    fuse = Stock.objects.get(location=van, part__number="FUS-10A")
    panel.get_by_label(zh("Part (your van first)")).select_option(str(fuse.pk))
    panel.get_by_label(zh("Old part")).select_option("scrapped")
    panel.scroll_into_view_if_needed()
    screenshot(page, "parts-phone", from_top=False)
    panel.get_by_role("button", name=zh("Use this part")).click()

    expect(page.locator(f"#visit-{visit.pk}-parts")).to_contain_text("FUS-10A")
    assert Stock.objects.get(location=van, part__number="FUS-10A").on_hand == before - 1
    assert VisitPart.objects.filter(visit=visit).count() == used_before + 1

    manager = signed_in("manager")
    manager.goto(f"/orders/{visit.order_id}/")
    expect(manager.locator(f"#visit-{visit.pk}-parts")).to_contain_text("FUS-10A")
    manager.goto(f"/orders/{visit.order_id}/print/")
    expect(manager.locator("table.print-parts").first).to_contain_text("FUS-10A")


def test_keeper_follows_a_shortage_to_receipt(signed_in):
    page = signed_in("parts")
    page.goto("/")
    expect(page.locator("#parts-keeper-panel")).to_be_visible()
    page.get_by_role("navigation", name=zh("Main")).get_by_role("link", name=zh("Parts")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("Spare parts stock"))
    screenshot(page, "parts-stock")

    page.goto("/parts/shortages/")
    expect(page.locator("#shortage-table tbody tr").first).to_be_visible()
    screenshot(page, "parts-shortages")
    opened = StockRequest.objects.filter(status="open", kind="transfer", location__code="ST-SH").order_by("pk").first()
    assert opened is not None
    row = page.locator("#request-list li", has_text=opened.number)
    row.get_by_role("button", name=zh("Send")).click()
    page.locator("#request-list li", has_text=opened.number).get_by_role("button", name=zh("Mark received")).click()

    expect(page.locator("#request-list li", has_text=opened.number)).to_have_count(0)
    opened.refresh_from_db()
    assert opened.status == "received"


def test_the_other_parts_screens_open(signed_in, page):
    keeper = signed_in("parts")
    for path, heading, name in (
        ("/parts/claims/", "Supplier claims", "parts-claims"),
        ("/parts/loans/", "Turnover spares", "parts-loans"),
        ("/parts/tools/", "Tools and instruments", "parts-tools"),
    ):
        keeper.goto(path)
        expect(keeper.get_by_role("heading", level=1)).to_contain_text(zh(heading))
        screenshot(keeper, name)
        if path == "/parts/loans/":
            expect(keeper.locator("#overdue-loans")).to_be_visible()

    manager = signed_in("manager")
    manager.goto("/parts/stock-takes/")
    manager.locator("#stock-take-list a").first.click()
    expect(manager.get_by_role("button", name=zh("Approve and post the differences"))).to_be_visible()
    screenshot(manager, "parts-stock-take")

    page.goto("/parts/price-list/")  # not signed in: the price list is public by default
    expect(page.locator("#price-table")).to_contain_text("BRG-6205")
    screenshot(page, "price-list")
