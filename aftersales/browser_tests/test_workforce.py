# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""The field workforce in the browser: the technician's day on the phone (check-out with the position,
the daily report, an expense added to a claim with its receipt), the manager approving the claim
waiting on the home page, the field staff screen. Pictures for README come from here."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.workforce.models import ExpenseClaim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _receipt() -> dict[str, object]:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="JPEG")
    return {"name": "receipt.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_technician_checks_out_reports_and_claims_on_the_phone(signed_in):
    page = signed_in("technician", phone=True)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 31.2304, "longitude": 121.4737})
    page.goto("/workforce/me/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("My day"))
    expect(page.locator(".wf-checked-in")).to_be_visible()
    screenshot(page, "workforce-phone")

    page.get_by_role("button", name=zh("Check out")).click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(zh("Checked out."))
    page.get_by_label(zh("Today's report")).fill("上午更换空压机进气阀，下午回访两家客户。")
    page.get_by_role("button", name=zh("Send the report")).click()
    expect(page.get_by_role("heading", name=re.compile(zh("Daily report")))).to_contain_text(zh("sent"))

    draft = ExpenseClaim.objects.filter(person__username="technician", status="draft").get()
    page.get_by_role("link", name=draft.number).click()
    page.get_by_label(zh("Kind")).select_option("transport")
    page.get_by_label(zh("Amount (CNY)")).fill("36.50")
    page.get_by_label(zh("Description")).fill("往返客户现场出租车")
    page.get_by_label(zh("Receipt photo")).set_input_files(_receipt())
    page.get_by_role("button", name=zh("Add"), exact=True).click()
    expect(page.locator(".wf-total")).to_have_text("68.50")
    expect(page.locator(".wf-lines")).to_contain_text(zh("receipt"))
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_manager_approves_a_claim_from_the_home_panel_and_sees_the_staff(signed_in):
    page = signed_in("manager")
    waiting = ExpenseClaim.objects.filter(status="submitted", step_role="manager").order_by("pk").first()
    panel = page.locator(".wf-approvals")
    expect(panel).to_contain_text(waiting.number)
    panel.get_by_role("link", name=waiting.number).click()
    expect(page.locator(".wf-step")).to_contain_text(zh("Service manager"))
    screenshot(page, "workforce-claim")

    page.get_by_role("button", name=zh("Approve")).click()
    expect(page.locator(".wf-step")).to_contain_text(zh("Finance"))
    expect(page.locator(".wf-decisions")).to_contain_text("陈晓东")

    page.goto("/workforce/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Field staff"))
    expect(page.locator(".wf-staff")).to_contain_text("空压机")
    screenshot(page, "workforce-staff")
