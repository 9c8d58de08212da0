"""Money's screens: the order panel, the charges page with its actions, the customer's quote page
(no account), invoices, receivables, the price list; refusals next to the field, nothing written."""

import pytest
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.money import services
from aftersales.money.choices import ChargeKind, InvoiceStatus, QuoteStatus
from aftersales.money.models import ChargeLine, Invoice, Price, Quote
from aftersales.money.services.quotes import quote_token
from aftersales.money.tests.factories import order_with

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def order(users):
    return order_with("expired", by=users[Role.AGENT])


def test_order_page_shows_the_money_panel(users, order):
    services.add_charge(
        order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="更换轴承人工", unit_price="100"
    )
    page = login(users[Role.AGENT]).get(f"/orders/{order.pk}/").content.decode()
    assert 'id="money-panel"' in page and "更换轴承人工" in page and "¥113.00" in page


def test_charges_page_adds_a_line_and_shows_a_refusal_next_to_its_field(users, order):
    client = login(users[Role.AGENT])
    ok = client.post(
        f"/money/orders/{order.pk}/charges/",
        {"kind": "labour", "description": "人工", "quantity": "2", "unit_price": "50"},
    )
    assert ok.status_code == 302
    bad = client.post(
        f"/money/orders/{order.pk}/charges/",
        {"kind": "labour", "description": "人工", "quantity": "1", "unit_price": "-3"},
    )
    assert bad.status_code == 400
    assert "An amount cannot be negative." in bad.content.decode() or "金额不能为负" in bad.content.decode()
    assert ChargeLine.objects.count() == 1
    page = client.get(f"/money/orders/{order.pk}/").content.decode()
    assert 'id="charge-lines"' in page and 'id="customer-total">113.00<' in page


def test_send_quote_then_customer_approves_on_the_link_without_an_account(users, order):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    staff = login(users[Role.AGENT])
    assert staff.post(f"/money/orders/{order.pk}/quotes/", {"valid_days": "7", "diagnosis_fee": "0"}).status_code == 302
    quote = Quote.objects.get()
    anonymous = Client()
    page = anonymous.get(f"/q/{quote_token(quote)}/")
    assert page.status_code == 200 and "¥113.00" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    done = anonymous.post(f"/q/{quote_token(quote)}/", {"name": "王经理", "answer": "approve"})
    assert done.status_code == 200 and 'id="quote-answer"' in done.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED and quote.answered_by_name == "王经理"


def test_link_page_refuses_a_forged_token_and_a_missing_name(users, order):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    quote = services.send_quote(order, by=users[Role.AGENT])
    anonymous = Client()
    assert anonymous.get(f"/q/{quote_token(quote)}x/").status_code == 404
    refused = anonymous.post(f"/q/{quote_token(quote)}/", {"name": "", "answer": "approve"})
    assert refused.status_code == 400
    # An empty body (a resubmit, a bot) was a 500: the form was left unbound (found by a helper's probe, 2026-12-07).
    empty = anonymous.post(f"/q/{quote_token(quote)}/", {})
    assert empty.status_code == 400 and empty.context["form"].errors["name"]
    on_site = login(users[Role.AGENT]).post(f"/money/quotes/{quote.pk}/sign/", {})
    assert on_site.status_code == 400
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_finance_invoices_issues_and_records_a_payment_on_screen(users, order):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=users[Role.AGENT]), approve=True, name="王")
    finance = login(users[Role.FINANCE])
    created = finance.post(f"/money/orders/{order.pk}/invoice/")
    invoice = Invoice.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/money/invoices/{invoice.pk}/"
    assert finance.post(f"/money/invoices/{invoice.pk}/issue/").status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    over = finance.post(
        f"/money/invoices/{invoice.pk}/payment/", {"amount": "500", "received_on": "2026-01-05", "method": "bank"}
    )
    assert over.status_code == 400
    paid = finance.post(
        f"/money/invoices/{invoice.pk}/payment/", {"amount": "113.00", "received_on": "2026-01-05", "method": "bank"}
    )
    assert paid.status_code == 302
    listing = finance.get("/money/invoices/").content.decode()
    assert invoice.number in listing
    # The order's number was plain text: finance had to search for it to see the charges.
    assert f'<a href="/money/orders/{order.pk}/">{order.number}</a>' in listing
    assert finance.get("/money/receivables/").status_code == 200
    assert finance.get(f"/money/invoices/{invoice.pk}/print/").status_code == 200


def test_money_columns_carry_their_unit_in_the_heading(users, order):
    """Found in a screen review, 2026-12-07: the invoice list showed 655.00 with no ¥ and no unit, and the
    invoice wrote "未收金额: ¥710.75" with an ASCII colon."""
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=users[Role.AGENT]), approve=True, name="王")
    finance = login(users[Role.FINANCE])
    finance.post(f"/money/orders/{order.pk}/invoice/")
    invoice = Invoice.objects.get()
    finance.post(f"/money/invoices/{invoice.pk}/issue/")

    listing = finance.get("/money/invoices/").content.decode()
    detail = finance.get(f"/money/invoices/{invoice.pk}/").content.decode()
    charges = finance.get(f"/money/orders/{order.pk}/").content.decode()
    receivables = finance.get("/money/receivables/").content.decode()

    for heading in ("不含税金额（元）", "税额（元）", "价税合计（元）", "未收金额（元）"):
        assert f">{heading}</th>" in listing
    assert ">单价（元）</th>" in detail and ">价税合计（元）</th>" in detail
    assert "未收金额：" in detail and "未收金额:" not in detail
    assert ">单价（元）</th>" in charges and ">价税合计（元）</th>" in charges
    # The unit is in the heading, so the cells under it are plain amounts, like the invoice list's.
    assert '<td class="text-end font-monospace fw-semibold">113.00</td>' in charges
    assert 'id="customer-total">113.00<' in charges
    assert ">未收金额（元）</th>" in receivables


def test_invoice_screens_are_for_finance_and_managers(users):
    for role in (Role.AGENT, Role.TECHNICIAN, Role.DISPATCHER):
        assert login(users[role]).get("/money/invoices/").status_code == 403
    assert login(users[Role.MANAGER]).get("/money/invoices/").status_code == 200


def test_price_list_is_a_settings_section(users):
    client = login(users[Role.MANAGER])
    created = client.post(
        "/settings/prices/new/",
        {
            "code": "lab-h",
            "name": "人工费",
            "kind": "labour_hour",
            "amount": "150.00",
            "unit": "小时",
            "tax_rate": "6",
            "valid_from": "2026-01-01",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    price = Price.objects.get()
    assert (price.code, str(price.amount), str(price.tax_rate)) == ("LAB-H", "150.00", "6.00")
    bad = client.post(
        "/settings/prices/new/",
        {
            "code": "X",
            "name": "x",
            "kind": "other",
            "amount": "-1",
            "unit": "次",
            "tax_rate": "13",
            "valid_from": "2026-01-01",
        },
    )
    assert bad.status_code == 200 and Price.objects.count() == 1
    for role in (Role.TECHNICIAN, Role.FINANCE, Role.AGENT):
        assert login(users[role]).get("/settings/prices/").status_code == 403


def test_home_panels_for_finance_and_managers(users, order):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=users[Role.AGENT]), approve=True, name="王")
    finance_home = login(users[Role.FINANCE]).get("/").content.decode()
    assert 'id="money-finance-panel"' in finance_home and order.number in finance_home
    assert 'id="money-quotes-panel"' in login(users[Role.MANAGER]).get("/").content.decode()
    agent_home = login(users[Role.AGENT]).get("/").content.decode()
    assert 'id="money-finance-panel"' not in agent_home and 'id="money-quotes-panel"' not in agent_home


def test_invoice_export_has_decimal_amounts(users, order):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=users[Role.AGENT]), approve=True, name="王")
    invoice = services.issue_invoice(
        services.create_invoice(order, by=users[Role.FINANCE], buyer_tax_number="91310000MA1FL0001X"),
        by=users[Role.FINANCE],
    )
    services.credit_invoice(invoice, by=users[Role.FINANCE], reason="抬头错误")
    body = login(users[Role.FINANCE]).get("/exports/invoices.csv").content.decode("utf-8-sig")
    assert f"{invoice.number}," in body and ",100.00,13.00,113.00," in body and ",-100.00,-13.00,-113.00," in body
    assert login(users[Role.AGENT]).get("/exports/invoices.csv").status_code == 403


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("12345.6", "12,345.60"), ("-1234.5", "-1,234.50"), ("0", "0.00"), ("999.99", "999.99"), (None, "")],
)
def test_yuan_writes_an_amount_as_a_ledger_does(amount, shown):
    from aftersales.core.templatetags.ui import yuan

    assert yuan(amount) == shown


def test_amounts_on_screen_are_grouped_by_thousands(users, order):
    """Found by hand, 2026-12-06: the charges, the quote link and the invoice showed 1356000.00."""
    services.add_charge(
        order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="整机更换", unit_price="1200000"
    )
    quote = services.send_quote(order, by=users[Role.AGENT])

    charges = login(users[Role.AGENT]).get(f"/money/orders/{order.pk}/").content.decode()
    link = Client().get(f"/q/{quote_token(quote)}/").content.decode()

    # The charges page writes the unit in its headings (¥ on the customer's link).
    assert "1,356,000.00" in charges and "1356000" not in charges
    assert "¥1,356,000.00" in link and "1356000" not in link


def test_quote_and_invoice_prints_show_the_company_profile_as_the_seller(users, order):
    update_company_profile(
        by=users[Role.ADMIN],
        name="沪东精密机械有限公司",
        hotline="400-800-1234",
        address="上海市徐汇区漕宝路1288号",
        credit_code="91310112MA1GB00018",
        bank_name="中国工商银行上海漕河泾支行",
        bank_account="1001234509100012345",
    )
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    quote = services.send_quote(order, by=users[Role.AGENT])
    services.answer_quote(quote, approve=True, name="王")
    invoice = services.create_invoice(order, by=users[Role.FINANCE], buyer_tax_number="91310000MA1FL0001X")

    quote_page = login(users[Role.AGENT]).get(f"/money/quotes/{quote.pk}/print/").content.decode()
    invoice_page = login(users[Role.FINANCE]).get(f"/money/invoices/{invoice.pk}/print/").content.decode()

    for body in (quote_page, invoice_page):
        seller = body.split('class="print-seller"')[1].split("</p>")[0]
        assert "沪东精密机械有限公司" in seller and "91310112MA1GB00018" in seller
        assert "中国工商银行上海漕河泾支行" in seller and "1001234509100012345" in seller
        contact = body.split('class="print-company-contact"')[1].split("</div>")[0]
        assert "400 800 1234" in contact and "上海市徐汇区漕宝路1288号" in contact
    assert "91310000MA1FL0001X" in invoice_page  # the buyer's, as before


def test_prints_show_only_the_name_before_the_profile_is_saved(users, order, settings):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    quote = services.send_quote(order, by=users[Role.AGENT])

    body = login(users[Role.AGENT]).get(f"/money/quotes/{quote.pk}/print/").content.decode()

    assert settings.AFTERSALES["COMPANY_NAME"] in body.split('class="print-seller"')[1]
    assert "print-company-contact" not in body
