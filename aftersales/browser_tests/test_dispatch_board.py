# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""The dispatch board as a dispatcher uses it for a run of assignments."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.accounts.models import User
from aftersales.browser_tests.builders import assigned_showcase_order, open_showcase_order, user
from aftersales.browser_tests.helpers import zh
from aftersales.service.choices import OrderStatus
from aftersales.service.services import record_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_after_an_assignment_the_other_rows_pickers_show_the_technicians_new_load(signed_in):
    """Found by a screen review, 2026-12-07: after giving 徐海涛 an order, every other row still offered
    "徐海涛 (5)" while the panel said 6, so the next pick was made on stale loads."""
    first, second = open_showcase_order(), open_showcase_order()
    technician = user("technician")
    page = signed_in("dispatcher")
    page.goto("/dispatch/")
    pickers = {
        order.number: page.get_by_label(zh("Technician for %(number)s") % {"number": order.number}, exact=True)
        for order in (first, second)
    }
    option = pickers[second.number].locator(f'option[value="{technician.pk}"]')
    before = int(re.search(r"\((\d+)\)$", option.inner_text()).group(1))

    pickers[first.number].select_option(str(technician.pk))
    page.get_by_role("row").filter(has_text=first.number).get_by_role("button", name=zh("Assign")).click()

    expect(page.get_by_role("row").filter(has_text=first.number).get_by_role("status")).to_be_visible()
    expect(option).to_have_text(f"{technician} ({before + 1})")
    panel = page.locator(f'#dispatch-technicians [data-technician="{technician.pk}"]')
    expect(panel).to_have_attribute("data-open-load", str(before + 1))


def test_assign_without_choosing_a_technician_is_refused_at_the_picker(signed_in):
    """Found in a screen review, 2026-12-07: each row's picker preselected the first technician, so a click
    on 派工 without a choice gave the order to whoever came first."""
    order = open_showcase_order()
    page = signed_in("dispatcher")
    page.goto("/dispatch/")
    row = page.get_by_role("row").filter(has_text=order.number)
    picker = row.get_by_label(zh("Technician for %(number)s") % {"number": order.number}, exact=True)
    expect(picker).to_have_value("")
    expect(picker.locator("option:checked")).to_have_text(zh("Technician…"))

    row.get_by_role("button", name=zh("Assign")).click()

    error = row.get_by_role("alert")
    expect(error).to_have_text(zh("Choose a technician."))
    expect(picker).to_have_attribute("aria-describedby", error.get_attribute("id"))
    expect(picker).to_have_value("")
    order.refresh_from_db()
    assert order.technician is None

    technician = user("technician")
    picker.select_option(str(technician.pk))
    row.get_by_role("button", name=zh("Assign")).click()
    expect(row.get_by_role("status")).to_contain_text(str(technician))
    expect(row.get_by_role("alert")).to_have_count(0)


def test_a_deactivated_technicians_job_on_site_is_taken_back_and_reassigned_on_the_board(signed_in):
    """Found in the review of 2026-12-07: the board flagged the job of a deactivated technician who was on
    site, but ending the open visit took a manager on the technician's phone page."""
    order = assigned_showcase_order()
    record_visit(order, by=user("technician"))
    User.objects.filter(username="technician").update(is_active=False)
    page = signed_in("dispatcher")
    page.goto(f"/dispatch/?order={order.pk}")
    row = page.get_by_role("row").filter(has_text=order.number)

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=zh("End the open visit and take the job back")).click()

    expect(row.get_by_role("status")).to_be_visible()
    expect(row.get_by_text(zh("Reassign…"))).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING
