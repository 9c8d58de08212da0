# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""In-app notices on the screens: the bell with its count, the list, mark one (htmx) and all as read,
open a notice to reach its order."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.builders import user
from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.notifications.models import Notification
from aftersales.notifications.services import relay_due_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unread(username: str) -> int:
    return Notification.objects.filter(user=user(username), read_at__isnull=True).count()


def test_technician_reads_notices_from_the_bell(signed_in):
    relay_due_messages()  # the demo's assignments reach the technicians (make run's relay loop does this)
    count = unread("technician")
    assert count >= 3, "the demo set assigns several orders to the demo technician"
    page = signed_in("technician")

    bell = page.locator("#notice-bell")
    expect(bell.locator(".app-bell-count")).to_have_text(str(count))
    screenshot(page, "notifications-bell")

    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator(".notice-unread")).to_have_count(min(count, 30))
    screenshot(page, "notifications-list")

    row_id = page.locator(".notice-unread").first.get_attribute("id")
    page.locator(f"#{row_id}").get_by_role("button", name=zh("Mark as read")).click()
    expect(page.locator("#notice-bell .app-bell-count")).to_have_text(str(count - 1))  # htmx, no reload
    expect(page.locator(f"#{row_id}")).not_to_have_class(
        re.compile(r"\bnotice-unread\b")
    )  # the row, swapped after the bell
    assert unread("technician") == count - 1

    page.locator(".notice-unread .notice-message").first.click()
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))
    expect(page.locator("#notice-bell .app-bell-count")).to_have_text(str(count - 2))

    page.goto("/notifications/")
    page.get_by_role("button", name=zh("Mark all as read")).click()
    expect(page.locator("#notice-bell .app-bell-count")).to_have_count(0)
    expect(page.locator(".notice-unread")).to_have_count(0)
    assert unread("technician") == 0


def test_bell_on_the_phone(signed_in):
    relay_due_messages()
    page = signed_in("technician", phone=True)

    expect(page.locator("#notice-bell .app-bell-count")).to_be_visible()  # without opening the menu
    screenshot(page, "notifications-bell-phone")
