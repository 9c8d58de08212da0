# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Customer care in the browser: the clerk's home panel, the follow-up list, a call with a low score
that opens a complaint by itself, the complaint, the customer's file and a unit's history."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.care.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_low_score_on_a_follow_up_call_opens_a_complaint_seen_in_the_customer_file(signed_in):
    page = signed_in("agent")
    expect(page.locator("#care-follow-ups")).to_be_visible()
    before = Complaint.objects.count()

    nav = page.get_by_role("navigation", name=zh("Main"))
    nav.get_by_role("button", name=zh("Customer care")).click()  # the group's menu
    nav.get_by_role("link", name=zh("Follow-ups")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Follow-up calls"))
    rows = page.locator("#follow-up-table tbody tr[data-state]")
    expect(rows.first).to_be_visible()
    screenshot(page, "care-follow-ups")

    rows.first.get_by_role("link").first.click()
    expect(page.locator("#call-form")).to_be_visible()
    page.get_by_label(zh("Reached"), exact=True).check()
    page.get_by_label(zh("Satisfaction (1-5)")).select_option("2")
    page.get_by_label(zh("Expected (1-5)")).select_option("4")
    page.get_by_label(zh("Perceived (1-5)")).select_option("2")
    page.get_by_label(zh("Notes (what the customer said)")).fill("维修后仍有异响")
    screenshot(page, "care-call")
    page.get_by_role("button", name=zh("Save the call")).click()

    expect(page.locator(".alert-success")).to_contain_text(zh("Call recorded."))
    expect(page.locator("#task-calls")).to_contain_text("2/5")
    assert Complaint.objects.count() == before + 1

    page.locator("section[aria-labelledby='h-who'] a").first.click()
    expect(page.locator("#file-timeline")).to_be_visible()
    expect(page.locator("#file-complaints")).to_contain_text(Complaint.objects.order_by("-pk").first().number)
    screenshot(page, "care-customer-file")

    page.locator("#file-complaints a").first.click()
    expect(page.locator("#complaint-level")).to_be_visible()
    screenshot(page, "care-complaint")

    page.locator("a.font-monospace").first.click()  # the unit the complaint is about
    expect(page.locator("#unit-warranty")).to_be_visible()
    screenshot(page, "care-unit")


def test_the_follow_up_list_fits_a_phone(signed_in):
    """On a phone the list shows the customer (the purpose under it), the window and the state: the name
    is not squeezed to a character a line by columns the phone has no room for."""
    page = signed_in("agent", phone=True)
    page.goto("/care/follow-ups/")
    table = page.locator("#follow-up-table")
    expect(table.locator("tbody tr[data-state]").first).to_be_visible()

    name = table.locator("tbody tr[data-state] td").first
    assert name.bounding_box()["width"] >= 160  # 10rem: a company's name on one or two lines
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth"), "the table scrolls sideways"
    expect(table.get_by_role("columnheader", name=zh("Clerk"))).to_be_hidden()
    screenshot(page, "care-follow-ups-phone")


def test_the_complaint_list_on_a_phone_keeps_names_and_headings_whole(signed_in):
    """Phone walk, 2026-12-07: at 375 px the customer's name took a character a line (无/锡/长/兴…) and so did
    the headings (处/理/层/级); the table may scroll sideways instead."""
    page = signed_in("manager", phone=True)
    page.goto("/care/complaints/")
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()

    name = rows.first.locator("td").nth(1)
    assert name.bounding_box()["width"] >= 160  # 10rem: a company's name on one or two lines
    for header in page.locator("main table thead th").all():
        lines = header.evaluate(
            "th => { const r = document.createRange(); r.selectNodeContents(th); return r.getClientRects().length; }"
        )
        assert lines == 1, f"{header.inner_text()!r} on {lines} lines"


def test_the_supervisor_reads_the_months_summary_the_year_and_a_campaign(signed_in):
    page = signed_in("manager")
    nav = page.get_by_role("navigation", name=zh("Main"))
    nav.get_by_role("button", name=zh("Customer care")).click()
    expect(nav.get_by_role("button", name=zh("Customer care"))).not_to_have_class(re.compile(r"\bactive\b"))
    nav.get_by_role("link", name=zh("Care reports")).click()
    # On a page of the group, its menu is marked as where the user is.
    expect(nav.get_by_role("button", name=zh("Customer care"))).to_have_class(re.compile(r"\bactive\b"))
    expect(nav.get_by_role("button", name=zh("Customer care"))).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("Customer care summary"))
    expect(page.locator("#report-follow-ups [data-rate]")).not_to_have_text("—")
    expect(page.locator("#report-satisfaction [data-centre]").first).to_be_visible()
    expect(page.locator("#report-xlsx")).to_have_attribute("href", re.compile(r"/exports/care_monthly\.xlsx\?month="))
    screenshot(page, "care-report")

    page.get_by_role("link", name=zh("The year")).click()
    expect(page.locator("#year-table tbody tr")).to_have_count(12)
    screenshot(page, "care-year")

    nav.get_by_role("button", name=zh("Customer care")).click()
    nav.get_by_role("link", name=zh("Campaigns")).click()
    page.locator("#campaign-table a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "care-campaign")


def test_the_agent_completes_a_customer_file_from_its_gaps(signed_in):
    """Found by a probe on an empty install, 2026-12-06: the file said "add a site" by a deadline and
    offered no way to do it; now its gap links to the form, and the saved site closes the gap."""
    from aftersales.browser_tests.builders import user
    from aftersales.customers.tests.factories import CustomerFactory

    customer = CustomerFactory(name="空白测试客户", service_center=user("agent").service_center)
    page = signed_in("agent")
    page.goto(f"/customers/{customer.pk}/")
    gap = page.locator("[data-gap] a", has_text=re.compile("地点|site", re.IGNORECASE))
    expect(gap).to_be_visible()

    gap.click()
    page.locator("input[name=name]").fill("一号车间")
    page.locator("input[name=city]").fill("上海")
    page.locator("input[name=address]").fill("浦东新区张江路 1 号")
    page.get_by_role("button", name=re.compile(zh("Save"))).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("空白测试客户")
    # In the file's sites, and (since the timeline shows record changes) once more on the timeline.
    expect(page.locator("[data-site]", has_text="浦东新区张江路 1 号")).to_be_visible()
    expect(page.locator("[data-gap] a", has_text=re.compile("地点|site", re.IGNORECASE))).to_have_count(0)
    assert customer.sites.get().address == "浦东新区张江路 1 号"


def test_the_agent_registers_a_unit_from_the_gap_and_uploads_its_invoice(signed_in, tmp_path):
    """The file's gap "register the customer's units" opens the registration; a dealer's sale without
    an invoice number leaves a proof gap, which the uploaded invoice closes."""
    import io

    from PIL import Image

    from aftersales.browser_tests.builders import user
    from aftersales.catalog.tests.factories import ProductModelFactory
    from aftersales.customers.tests.factories import CustomerFactory, SiteFactory

    customer = CustomerFactory(name="登记测试客户", service_center=user("agent").service_center)
    SiteFactory(customer=customer, name="一号车间")
    model = ProductModelFactory(code="BT-UNIT-1", name="测试空压机")
    invoice = tmp_path / "invoice.png"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PNG")
    invoice.write_bytes(buffer.getvalue())
    page = signed_in("agent")
    page.goto(f"/customers/{customer.pk}/")

    page.locator('[data-gap="unit"] a').click()
    page.locator("input[name=serial_number]").fill("bt-sn-0001")
    page.locator("select[name=product_model]").select_option(str(model.pk))
    page.locator("select[name=site]").select_option(label=str(customer.sites.get()))
    page.locator("select[name=seller]").select_option("dealer")
    page.locator("input[name=dealer_name]").fill("申城电器")
    screenshot(page, "care-unit-register")
    page.get_by_role("button", name=re.compile(zh("Save"))).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("BT-SN-0001")
    page.locator("#unit-proof-upload").click()
    page.locator("input[name=file]").set_input_files(str(invoice))
    page.get_by_role("button", name=re.compile(zh("Save"))).click()

    expect(page.locator(".alert-success")).to_contain_text(zh("Proof of purchase file saved."))
    expect(page.locator("#unit-proof-file a")).to_be_visible()
    page.goto(f"/customers/{customer.pk}/")
    expect(page.locator('[data-gap^="proof-"]')).to_have_count(0)
    expect(page.locator('[data-gap="unit"]')).to_have_count(0)
    assert customer.units.get().proof_file


def test_the_agent_takes_a_contact_out_of_use(signed_in):
    """A contact who left stays in the file, struck through, and the file asks for a contact again."""
    from aftersales.browser_tests.builders import user
    from aftersales.customers.tests.factories import ContactFactory, CustomerFactory

    customer = CustomerFactory(name="停用测试客户", service_center=user("agent").service_center)
    contact = ContactFactory(customer=customer, name="离职的王工", is_primary=True)
    page = signed_in("agent")
    page.goto(f"/customers/{customer.pk}/")

    page.locator(f'[data-contact="{contact.pk}"] a', has_text=zh("Edit")).click()
    page.locator("#in-use-form input[name=reason]").fill("已离职")
    screenshot(page, "care-contact-edit")
    page.locator("#in-use-form button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text(zh("Contact person taken out of use."))
    expect(page.locator(f'[data-contact="{contact.pk}"] del')).to_have_text("离职的王工")
    expect(page.locator('[data-gap="contact"] a')).to_be_visible()
    record = page.locator('#file-timeline [data-kind="record"]').first  # the change, on the file's timeline
    expect(record).to_contain_text(zh("Contact taken out of use"))
    expect(record).to_contain_text("已离职")
    contact.refresh_from_db()
    assert not contact.in_use


def test_the_agent_finds_a_customer_by_the_last_digits_and_exports_what_the_search_found(signed_in):
    """A caller gives the last four digits of their number (尾号); the export downloads the same rows."""
    from openpyxl import load_workbook

    from aftersales.browser_tests.builders import user
    from aftersales.customers.models import Contact

    contact = Contact.objects.filter(customer__service_center=user("agent").service_center, in_use=True).first()
    tail = contact.mobile[-4:]
    page = signed_in("agent")
    nav = page.get_by_role("navigation", name=zh("Main"))
    nav.get_by_role("button", name=zh("Customer care")).click()
    nav.get_by_role("link", name=zh("Customers")).click()

    page.get_by_role("searchbox", name=zh("Name or phone number")).fill(tail)
    page.get_by_role("button", name=zh("Search")).click()
    rows = page.locator("#customer-table tbody tr")
    expect(rows.filter(has_text=contact.customer.name)).to_have_count(1)
    listed = sorted(rows.locator("td:first-child a").all_inner_texts())
    screenshot(page, "care-customers")

    with page.expect_download() as download:
        page.get_by_role("link", name=zh("Export xlsx")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        sheet = load_workbook(file).active
    exported = sorted(name for (name,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2, values_only=True))
    assert exported == listed
