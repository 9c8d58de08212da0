# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Money in the browser: the customer approves a quote from the SMS link on a phone (no account); the
manager's charges page; finance issues the invoice and records a payment; the on-site answer with a
signature; the manager approves an exchange from the home page; the agreed exchange shipped back and
delivered; the customer's signed acceptance of an installation on a phone; the quote's server-side PDF.
Pictures for README: the customer's quote, the charges page, an invoice, the approvals, an exchange, the
acceptance, the PDF (pdftoppm, from poppler-utils, pictures it; without it that picture is left alone)."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aftersales.accounts.models import User
from aftersales.browser_tests.helpers import SCREENSHOTS_DIR, draw_signature, screenshot, screenshots_wanted, zh
from aftersales.money.choices import ExchangeStatus, InstallationStatus, InvoiceStatus, QuoteStatus
from aftersales.money.models import Exchange, Installation, Invoice, Quote
from aftersales.money.services import installation
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


def test_manager_approves_an_exchange_from_the_home_page(signed_in):
    waiting = Exchange.objects.filter(status=ExchangeStatus.REQUESTED).order_by("pk").first()
    assert waiting is not None, "the demo set has an exchange waiting for the manager"
    page = signed_in("manager")
    panel = page.locator("#money-approvals-panel")
    expect(panel).to_contain_text(waiting.order.number)
    screenshot(page, "money-approvals", element=panel)
    panel.locator(f"#approval-exchange-{waiting.pk}").get_by_role("button", name=zh("Approve")).click()

    expect(page.locator("#exchange")).to_contain_text(zh("Waiting for the factory"))
    waiting.refresh_from_db()
    assert waiting.status == ExchangeStatus.APPROVED and waiting.decided_by.username == "manager"


def test_the_agreed_exchange_ships_the_old_unit_and_delivers_the_new_one(signed_in):
    agreed = Exchange.objects.filter(status=ExchangeStatus.AGREED).order_by("pk").first()
    assert agreed is not None, "the demo set has an exchange the factory agreed to"
    page = signed_in("agent")
    page.goto(f"/money/orders/{agreed.order_id}/#exchange")
    section = page.locator(f"#exchange-{agreed.pk}")
    section.get_by_text(zh("Ship the old unit back")).click()
    section.get_by_label(zh("Carrier")).fill("顺丰速运")
    section.get_by_label(zh("Waybill")).fill("SF7788990011")
    section.get_by_label(zh("In its original packaging")).check()
    section.get_by_label(zh("Freight (CNY, before tax)")).fill("35.00")
    section.get_by_role("button", name=zh("Shipped")).click()

    section = page.locator(f"#exchange-{agreed.pk}")
    expect(section).to_contain_text("SF7788990011")
    agreed.refresh_from_db()
    assert agreed.status == ExchangeStatus.SHIPPED and agreed.original_packaging

    section.get_by_text(zh("Deliver the new unit")).click()
    section.get_by_label(zh("Serial number of the new unit")).fill("EXCH-NEW-0001")
    section.get_by_role("button", name=zh("Delivered")).click()

    section = page.locator(f"#exchange-{agreed.pk}")
    expect(section).to_contain_text("EXCH-NEW-0001")
    screenshot(page, "money-exchange", element=page.locator("#exchange"))
    agreed.refresh_from_db()
    assert agreed.status == ExchangeStatus.DELIVERED and agreed.new_unit.serial_number == "EXCH-NEW-0001"


def test_customer_accepts_the_installation_on_the_technicians_phone(signed_in):
    inst = Installation.objects.filter(status=InstallationStatus.OPEN).order_by("pk").first()
    assert inst is not None, "the demo set has an installation being commissioned"
    manager = User.objects.get(username="manager")
    installation.record_commissioning(
        inst, by=manager, done=list(range(len(inst.checklist))), readings_after="静压 8.0 bar，噪声 62 dB"
    )
    page = signed_in("manager", phone=True)
    page.goto(f"/money/installations/{inst.pk}/accept/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the acceptance scrolls sideways on a phone"
    page.get_by_label(zh("Your name"), exact=True).fill("赵厂长")
    page.get_by_label(zh("Serial numbers installed (one a line)")).fill("AC-DEMO-0001\nAC-DEMO-0002")
    draw_signature(page, page.get_by_role("img", name=zh("Signature pad")))
    screenshot(page, "money-acceptance")
    page.get_by_role("button", name=zh("Accept the installation")).click()

    expect(page.locator("#installation")).to_contain_text("AC-DEMO-0002")
    inst.refresh_from_db()
    assert inst.status == InstallationStatus.ACCEPTED and inst.signature and inst.units.count() == 2


def test_the_quote_pdf_is_made_on_the_server(signed_in):
    quote = waiting_quote()
    page = signed_in("agent")
    response = page.request.get(f"/money/quotes/{quote.pk}/pdf/", timeout=60_000)  # CJK fonts take a while
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body[:5] == b"%PDF-"
    tool = shutil.which("pdftoppm")  # poppler-utils: only to picture the PDF for the README
    if screenshots_wanted() and tool:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "quote.pdf"
            source.write_bytes(body)
            subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
                [tool, "-png", "-r", "60", "-singlefile", str(source), str(Path(folder) / "page")], check=True
            )
            shutil.copy(Path(folder) / "page.png", SCREENSHOTS_DIR / "money-quote-pdf.png")
