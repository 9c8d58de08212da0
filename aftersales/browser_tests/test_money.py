# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Money in the browser: the customer approves a quote from the SMS link on a phone (no account); the
manager's charges page; finance issues the invoice and records a payment; the on-site answer with a
signature. Pictures for README: the customer's quote, the charges page, an invoice."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import draw_signature, screenshot, zh
from aftersales.money.choices import InvoiceStatus, QuoteStatus
from aftersales.money.models import Invoice, Quote
from aftersales.money.services.quotes import quote_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def waiting_quote() -> Quote:
    quote = Quote.objects.filter(status=QuoteStatus.SENT).order_by("pk").first()
    assert quote is not None, "the demo set has a quote waiting for the customer"
    return quote


def test_customer_approves_the_quote_from_the_link_on_a_phone(demo, new_page):
    quote = waiting_quote()
    page = new_page(phone=True, name="customer")
    assert page.viewport_size["width"] == 375

    page.goto(f"/q/{quote_token(quote)}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(quote.number)
    expect(page.locator("#quote-total")).to_have_text(f"¥{quote.gross}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the quote scrolls sideways on a phone"
    page.get_by_label(zh("Your name"), exact=True).fill("陈建国")
    screenshot(page, "quote-phone")
    page.get_by_role("button", name=zh("Approve the quote")).click()

    expect(page.locator("#quote-answer")).to_contain_text("陈建国")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED and quote.answered_by_name == "陈建国"
    assert set(quote.order.charge_lines.values_list("status", flat=True)) == {"approved"}


def test_a_withdrawn_quotes_link_shows_nothing(demo, new_page, problems):
    quote = waiting_quote()
    token = quote_token(quote)
    staff = new_page(name="agent")
    from aftersales.browser_tests.helpers import login

    login(staff, "agent")
    staff.goto(f"/money/orders/{quote.order_id}/")
    staff.get_by_role("button", name=zh("Withdraw")).click()
    expect(staff.locator("#pending-quote")).to_have_count(0)

    problems.allow(re.compile(r"404"))
    customer = new_page(phone=True, name="customer")
    response = customer.goto(f"/q/{token}/")
    assert response.status == 404


def test_manager_sees_the_charges_and_overrides_who_pays(signed_in):
    quote = waiting_quote()
    page = signed_in("manager")
    page.goto(f"/orders/{quote.order_id}/")
    panel = page.locator("#money-panel")
    expect(panel).to_contain_text(zh("Charges and quotes"))
    panel.get_by_role("link", name=re.compile(zh("Open charges"))).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("Charges and quotes"))
    expect(page.locator("#pending-quote")).to_contain_text(quote.number)
    screenshot(page, "charges")


def test_finance_issues_an_invoice_and_records_a_part_payment(signed_in):
    invoice = Invoice.objects.filter(status=InvoiceStatus.ISSUED).order_by("pk").first()
    assert invoice is not None
    page = signed_in("finance")
    expect(page.locator("#money-finance-panel")).to_be_visible()
    page.get_by_role("navigation", name=zh("Main")).get_by_role("link", name=zh("Invoices")).click()
    expect(page.get_by_role("table")).to_contain_text(invoice.number)
    page.get_by_role("link", name=invoice.number).click()

    page.get_by_label(zh("Amount (CNY)"), exact=True).fill("100.00")
    page.get_by_role("button", name=zh("Record")).click()
    expect(page.locator("#invoice-outstanding")).to_be_visible()
    screenshot(page, "invoice")
    assert invoice.payments.filter(amount="100.00").exists()


def test_customer_signs_the_quote_on_the_technicians_screen(signed_in):
    quote = waiting_quote()
    page = signed_in("manager", phone=True)
    page.goto(f"/money/quotes/{quote.pk}/sign/")
    page.get_by_label(zh("Your name"), exact=True).fill("陈建国")
    draw_signature(page, page.get_by_role("img", name=zh("Signature pad")))
    page.get_by_role("button", name=zh("Approve the quote")).click()

    expect(page.locator("#quote-answer")).to_contain_text("陈建国")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED and quote.signature and quote.answer_channel == "on_site"
