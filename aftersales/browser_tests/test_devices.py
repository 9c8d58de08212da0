# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Connected equipment: the health list, the map and a unit's track playback beside its orders, on the
demo fleet (a day of track for GW-SH-0001, whose fault opened an order by itself)."""

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.devices.models import Device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_devices_health_map_and_track_playback_beside_the_machine_order(signed_in):
    page = signed_in("dispatcher")

    page.get_by_role("navigation", name=zh("Main")).get_by_role("link", name=zh("Devices")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Connected equipment"))
    expect(page.get_by_role("row").filter(has_text="GW-SH-0001")).to_be_visible()
    screenshot(page, "devices-health")

    page.get_by_role("link", name=zh("Map")).click()
    expect(page.locator("figure.devmap circle.devmap-dot")).to_have_count(6)
    screenshot(page, "devices-map")

    unit = Device.objects.get(serial="GW-SH-0001").bindings.get().unit
    page.goto(f"/devices/units/{unit.pk}/track/")
    expect(page.locator("polyline.devtrack-route")).to_be_visible()
    orders = page.get_by_role("complementary")
    expect(orders.get_by_text(zh("Opened by the machine")).first).to_be_visible()
    screenshot(page, "devices-track")

    orders.locator(".card").filter(has_text=zh("Opened by the machine")).first.get_by_role("link").first.click()
    expect(page.locator('[data-source="devices.triggers"]').first).to_be_visible()


def test_the_device_page_leads_to_the_track_beside_the_order_and_home_shows_the_fleet(signed_in):
    page = signed_in("dispatcher")
    expect(page.locator("#devices-watch-panel")).to_be_visible()

    device = Device.objects.get(serial="GW-SH-0001")
    page.goto("/devices/")
    page.get_by_role("link", name="GW-SH-0001", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GW-SH-0001")
    expect(page.locator("#device-orders li").first).to_be_visible()
    screenshot(page, "devices-device")

    page.locator("#device-orders li").first.get_by_role("link", name=zh("Track of that day")).click()
    expect(page.locator("polyline.devtrack-route")).to_be_visible()
    expect(page.get_by_role("complementary").get_by_text(zh("Opened by the machine")).first).to_be_visible()
    assert f"/devices/units/{device.bindings.get(unbound_at__isnull=True).unit_id}/track/" in page.url
