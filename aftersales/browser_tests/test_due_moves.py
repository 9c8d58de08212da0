# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A holiday entered after orders were taken: the calendar says which due dates it moves, the
administrator reviews them and applies, and the order's timeline shows the move."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.calendars.selectors import add_working_days, business_timezone
from aftersales.service.choices import OPEN_STATUSES, EventType
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.sla import policy_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def an_open_order_and_a_working_day_in_its_window() -> tuple[ServiceOrder, datetime.date]:
    """An open demo order counted in working days, and the first working day it counts."""
    for order in ServiceOrder.objects.filter(status__in=OPEN_STATUSES).order_by("pk"):
        if policy_for(kind=order.kind, resolution=order.resolution)[1]:
            received = timezone.localtime(order.received_at, business_timezone()).date()
            return order, add_working_days(start=received, days=1).day
    raise AssertionError("the demo set has no open order counted in working days")


def test_a_new_holiday_moves_due_dates_after_review(signed_in):
    order, day = an_open_order_and_a_working_day_in_its_window()
    old_due = timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M")
    page = signed_in("admin")
    page.goto(f"/calendar/?year={day.year}")

    form = page.locator("#day-form")
    form.get_by_label(zh("Date")).fill(day.isoformat())
    form.get_by_label(zh("Kind")).select_option("holiday")
    form.get_by_label(zh("Name")).fill("公司年会")
    form.get_by_role("button", name=zh("Save day")).click()

    banner = page.locator("#due-moves-banner")
    expect(banner).to_be_visible()  # filled by htmx after the page
    expect(banner).to_contain_text("完成时限将调整")
    screenshot(page, "calendar-due-moves-banner")
    banner.get_by_role("link", name=zh("Review")).click()

    expect(page).to_have_url(re.compile(r"/orders/due-date-moves/$"))
    row = page.locator("#due-moves-table tr", has_text=order.number)
    expect(row).to_contain_text(old_due)
    expect(row).to_contain_text(zh("later"))
    screenshot(page, "due-date-moves")
    page.get_by_label(zh("Note for the orders' timelines (optional)")).fill("公司年会放假一天")
    page.get_by_role("button", name=zh("Apply")).click()  # data-confirm: the dialog is accepted

    expect(page.locator("#due-moves-none")).to_be_visible()
    event = OrderEvent.objects.get(order=order, type=EventType.DUE_RECOMPUTED)
    assert event.reason == "公司年会放假一天" and event.data["direction"] == "later"

    page.goto(f"/orders/{order.pk}/")
    expect(page.locator("body")).to_contain_text(zh("Due date moved by a calendar change"))
    expect(page.locator("body")).to_contain_text("公司年会放假一天")
