"""The console's remaining paths: who pays, striking out, withdrawing a quote, the on-site answer, the
invoice's actions (buyer, issue, 发票 number, payment, credit note, discard), receivables, the factory's
steps; refusals shown on the page with nothing written; bearer rules registered by an area above."""

import pytest
from django.http import Http404
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.money import services, tasks
from aftersales.money.choices import Bearer, ChargeKind, InvoiceStatus, QuoteStatus
from aftersales.money.models import ChargeLine, CreditNote, FactoryReturn, Invoice, Payment, Quote
from aftersales.money.rules import bearer_for, register_bearer_rule, unregister_bearer_rule
from aftersales.money.services.quotes import get_quote
from aftersales.money.tests.factories import order_with
from aftersales.money.views import _found

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def order(users):
    return order_with("expired", by=users[Role.AGENT])


def test_who_pays_and_striking_out_from_the_charges_page(users, order):
    line = services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="10")
    manager = login(users[Role.MANAGER])
    no_reason = manager.post(f"/money/charges/{line.pk}/bearer/", {"bearer": "company", "reason": ""})
    assert no_reason.status_code == 400 and ChargeLine.objects.get(pk=line.pk).bearer == Bearer.CUSTOMER
    assert (
        manager.post(f"/money/charges/{line.pk}/bearer/", {"bearer": "company", "reason": "好客户"}).status_code == 302
    )
    assert ChargeLine.objects.get(pk=line.pk).bearer == Bearer.COMPANY
    agent = login(users[Role.AGENT])
    assert agent.post(f"/money/charges/{line.pk}/void/").status_code == 302
    assert ChargeLine.objects.get(pk=line.pk).status == "void"
    assert agent.post(f"/money/charges/{line.pk}/void/").status_code == 302  # refused: shown as a message


def test_quote_withdraw_sign_and_signature_screens(users, order):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="10")
    agent = login(users[Role.AGENT])
    bad = agent.post(f"/money/orders/{order.pk}/quotes/", {"valid_days": "99", "diagnosis_fee": "0"})
    assert bad.status_code == 400 and not Quote.objects.exists()
    agent.post(f"/money/orders/{order.pk}/quotes/", {"valid_days": "7", "diagnosis_fee": "0"})
    quote = Quote.objects.get()
    assert agent.post(f"/money/quotes/{quote.pk}/withdraw/").status_code == 302
    assert Quote.objects.get().status == QuoteStatus.WITHDRAWN
    agent.post(f"/money/quotes/{quote.pk}/withdraw/")  # answered already: a message
    agent.post(f"/money/orders/{order.pk}/quotes/", {"valid_days": "7", "diagnosis_fee": "0"})
    second = Quote.objects.get(status=QuoteStatus.SENT)
    assert agent.get(f"/money/quotes/{second.pk}/print/").status_code == 200
    page = agent.get(f"/money/quotes/{second.pk}/sign/")
    assert page.status_code == 200
    no_button = agent.post(f"/money/quotes/{second.pk}/sign/", {"name": "王"})
    assert no_button.status_code == 400
    unsigned = agent.post(f"/money/quotes/{second.pk}/sign/", {"name": "王", "answer": "approve"})
    assert unsigned.status_code == 400 and Quote.objects.get(pk=second.pk).status == QuoteStatus.SENT
    assert agent.get(f"/money/quotes/{second.pk}/signature.png").status_code == 404
    assert login(users[Role.FINANCE]).get(f"/money/quotes/{second.pk}/sign/").status_code == 403
    assert agent.get("/money/quotes/999999/print/").status_code == 404


def test_invoice_actions_through_the_console(users, order):
    agent, finance_user = users[Role.AGENT], users[Role.FINANCE]
    services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=agent), approve=True, name="王")
    finance = login(finance_user)
    assert finance.post(f"/money/orders/{order.pk}/invoice/").status_code == 302
    invoice = Invoice.objects.get()
    base = f"/money/invoices/{invoice.pk}"
    assert finance.post(f"{base}/nonsense/").status_code == 404
    bad_buyer = finance.post(f"{base}/buyer/", {"buyer_name": "", "buyer_tax_number": ""})
    assert bad_buyer.status_code == 400
    assert finance.post(f"{base}/buyer/", {"buyer_name": "上海某某公司", "buyer_tax_number": ""}).status_code == 302
    assert finance.post(f"{base}/discard/").status_code == 302 and not Invoice.objects.exists()
    assert finance.post(f"/money/orders/{order.pk}/invoice/").status_code == 302
    invoice = Invoice.objects.get()
    base = f"/money/invoices/{invoice.pk}"
    assert finance.post(f"{base}/issue/").status_code == 302
    finance.post(f"{base}/issue/")  # issued already: a message
    assert Invoice.objects.get().status == InvoiceStatus.ISSUED
    assert finance.post(f"{base}/fapiao/", {"fapiao_number": "12345678"}).status_code == 302
    too_much = finance.post(f"{base}/payment/", {"amount": "500.00", "received_on": "2026-12-01", "method": "bank"})
    assert too_much.status_code == 400 and not Payment.objects.exists()
    assert finance.get(base + "/").status_code == 200 and finance.get(base + "/print/").status_code == 200
    assert finance.get("/money/invoices/?status=issued").status_code == 200
    assert finance.get("/money/receivables/").status_code == 200
    assert finance.post(f"{base}/credit/", {"reason": "开错"}).status_code == 302
    assert CreditNote.objects.filter(invoice=invoice).exists()
    assert "credit" in finance.get(base + "/").content.decode().lower() or CreditNote.objects.exists()
    assert login(agent).post(f"/money/orders/{order.pk}/invoice/").status_code == 302  # refused: a message
    assert login(agent).get("/money/invoices/").status_code == 403


def test_factory_steps_through_the_console(users):
    order = order_with("in_warranty", by=users[Role.AGENT])
    agent = login(users[Role.AGENT])
    bad = agent.post(f"/money/orders/{order.pk}/factory/", {"factory": "", "carrier": "", "waybill": ""})
    assert bad.status_code == 400 and not FactoryReturn.objects.exists()
    agent.post(f"/money/orders/{order.pk}/factory/", {"factory": "厂", "carrier": "顺丰", "waybill": "SF1"})
    fr = FactoryReturn.objects.get()
    assert agent.post(f"/money/factory-returns/{fr.pk}/nonsense/").status_code == 404
    agent.post(f"/money/factory-returns/{fr.pk}/quote/", {"diagnosis": "", "amount": ""})  # the form refuses
    agent.post(f"/money/factory-returns/{fr.pk}/quote/", {"diagnosis": "转子", "amount": "100.00"})
    assert FactoryReturn.objects.get().status == "quoted"
    agent.post(f"/money/factory-returns/{fr.pk}/receive/")
    agent.post(f"/money/factory-returns/{fr.pk}/receive/")  # back already: a message
    assert FactoryReturn.objects.get().status == "received"
    assert tasks.chase_factory() == 0


def test_a_rule_registered_above_money_decides_first(users, order):
    def contract_rule(o, kind):
        return Bearer.CONTRACT if kind == ChargeKind.LABOUR else None

    register_bearer_rule(contract_rule)
    register_bearer_rule(contract_rule)  # once only
    try:
        assert bearer_for(order, ChargeKind.LABOUR) == Bearer.CONTRACT
        assert bearer_for(order, ChargeKind.TRAVEL) == Bearer.CUSTOMER
    finally:
        unregister_bearer_rule(contract_rule)
        unregister_bearer_rule(contract_rule)
    assert bearer_for(order, ChargeKind.LABOUR) == Bearer.CUSTOMER


def test_scoped_getters_answer_404_in_the_console(users, order, other_centre):
    services.add_charge(order, by=users[Role.AGENT], kind=ChargeKind.LABOUR, description="人工", unit_price="1")
    quote = services.send_quote(order, by=users[Role.AGENT])
    stranger = UserFactory(role=Role.AGENT, service_center=other_centre)
    with pytest.raises(Http404):
        _found(get_quote, user=stranger, quote_id=quote.pk)
    assert login(stranger).get(f"/money/quotes/{quote.pk}/print/").status_code == 404
