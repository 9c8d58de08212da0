"""Every route end to end through the API: in warranty, misuse, no proof, out of warranty approved and
declined; the quote link opens one quote; only finance invoices; amounts are strings, never floats."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.money.models import ChargeLine, Invoice, LedgerEntry, Payment, Quote
from aftersales.money.services.quotes import TOKEN_SALT, quote_token
from aftersales.money.tests.factories import order_with, png
from aftersales.service import services as service_services
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(users, api_client):
    clients: dict[str, Client] = {}

    def get(role: str) -> Client:
        if role not in clients:
            clients[role] = api_client(users[role])
        return clients[role]

    return get


def post(client: Client, path: str, body: dict | None = None, **headers):
    return client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", headers=headers)


def add(client, order, **body):
    body = {"kind": "labour", "description": "人工", "unit_price": "200.00", "quantity": "1.5", **body}
    return post(client, f"/orders/{order.pk}/charges", body)


def test_in_warranty_route_charges_the_customer_nothing(users, as_role):
    order = order_with("in_warranty", by=users[Role.AGENT])
    tech = as_role(Role.AGENT)

    line = add(tech, order).json()
    freight = add(tech, order, kind="freight", description="运费", unit_price="45.00", quantity="1").json()

    assert (line["bearer"], line["status"], line["gross"]) == ("company", "approved", "339.00")
    assert freight["bearer"] == "company"
    assert post(tech, f"/orders/{order.pk}/quotes").json()["code"] == "nothing_to_quote"
    finance = as_role(Role.FINANCE)
    assert post(finance, f"/orders/{order.pk}/invoices").json()["code"] == "nothing_to_invoice"


def test_misuse_found_on_a_visit_makes_the_customer_pay(users, as_role):
    agent, tech = users[Role.AGENT], users[Role.TECHNICIAN]
    order = order_with("in_warranty", by=agent)
    order = service_services.assign_technician(order, by=users[Role.DISPATCHER], technician=tech)
    service_services.record_visit(order, by=tech, diagnosis="进水", misuse_found=True)

    line = add(as_role(Role.TECHNICIAN), order).json()

    assert (line["bearer"], line["status"]) == ("customer", "draft")


def test_no_proof_route_quote_approved_by_link_then_invoiced_and_paid(users, as_role, client):
    order = order_with("no_proof", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    add(desk, order, unit_price="66.67", quantity="1.5")
    add(desk, order, kind="travel", description="上门费", unit_price="33.33", quantity="3")

    quote = post(desk, f"/orders/{order.pk}/quotes", {"valid_days": 3}).json()
    assert (quote["net"], quote["tax"], quote["gross"]) == ("200.00", "26.00", "226.00")
    token = quote_token(Quote.objects.get(pk=quote["id"]))
    seen = client.get(f"/api/v1/public/quotes/{token}")
    assert seen.status_code == 200 and seen.json()["number"] == quote["number"]
    answered = post(client, f"/public/quotes/{token}/answer", {"approve": True, "name": "王经理"})
    assert answered.status_code == 200 and answered.json()["status"] == "approved"

    finance = as_role(Role.FINANCE)
    draft = post(finance, f"/orders/{order.pk}/invoices", {"buyer_tax_number": "91310000MA1FL0001X"}).json()
    issued = post(finance, f"/invoices/{draft['id']}/issue").json()
    assert issued["number"].startswith("INV-") and issued["gross"] == "226.00" and issued["outstanding"] == "226.00"
    part = post(finance, f"/invoices/{draft['id']}/payments", {"amount": "100.00", "reference": "BANK-1"})
    assert part.status_code == 201
    rest = post(finance, f"/invoices/{draft['id']}/payments", {"amount": "126.00"})
    assert rest.status_code == 201
    assert finance.get(f"/api/v1/invoices/{draft['id']}").json()["outstanding"] == "0.00"


def test_declined_by_link_ends_the_order_with_the_diagnosis_fee(users, as_role, client):
    order = order_with("expired", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    add(desk, order)
    quote = post(desk, f"/orders/{order.pk}/quotes", {"diagnosis_fee": "50.00"}).json()
    token = quote_token(Quote.objects.get(pk=quote["id"]))

    answered = post(client, f"/public/quotes/{token}/answer", {"approve": False, "name": "王经理", "note": "太贵"})

    assert answered.json()["status"] == "declined"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    lines = desk.get(f"/api/v1/orders/{order.pk}/charges").json()["items"]
    assert sorted((x["kind"], x["status"], x["gross"]) for x in lines) == [
        ("diagnosis", "approved", "56.50"),
        ("labour", "void", "339.00"),
    ]
    again = post(client, f"/public/quotes/{token}/answer", {"approve": True, "name": "王经理"})
    assert (again.status_code, again.json()["code"]) == (409, "quote_answered")


def test_on_site_answer_with_a_drawn_signature(users, as_role):
    order = order_with("expired", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    add(desk, order)
    quote = post(desk, f"/orders/{order.pk}/quotes").json()

    refused = desk.post(f"/api/v1/quotes/{quote['id']}/answer", {"approve": "true", "name": "王经理"})
    assert refused.status_code == 400
    signed = desk.post(
        f"/api/v1/quotes/{quote['id']}/answer", {"approve": "true", "name": "王经理", "signature": png()}
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["has_signature"] and signed.json()["answer_channel"] == "on_site"


@pytest.mark.parametrize("value", ["yes", "on", "1", "True", "no", "off", "0", "", "maybe"])
def test_on_site_answer_takes_approve_as_true_or_false_only(value, users, as_role):
    # A form field is text: pydantic read "yes", "on" and "1" as an approval and "no", "off", "0" as a
    # decline (QA, 2026-12-07). The OpenAPI boolean says "true" or "false"; anything else is refused.
    order = order_with("expired", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    add(desk, order)
    quote = post(desk, f"/orders/{order.pk}/quotes").json()

    refused = desk.post(
        f"/api/v1/quotes/{quote['id']}/answer", {"approve": value, "name": "王经理", "signature": png()}
    )

    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert (body["code"], body["field"], body["errors"][0]["type"]) == ("invalid_input", "approve", "bool_parsing")
    assert body["detail"] == "approve: 请输入 true 或 false。"
    stored = Quote.objects.get(pk=quote["id"])
    assert (stored.status, stored.answered_at, bool(stored.signature)) == ("sent", None, False)


@pytest.mark.parametrize(("value", "status"), [("true", "approved"), ("false", "declined")])
def test_on_site_answer_reads_true_and_false(value, status, users, as_role):
    order = order_with("expired", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    add(desk, order)
    quote = post(desk, f"/orders/{order.pk}/quotes").json()

    answered = desk.post(
        f"/api/v1/quotes/{quote['id']}/answer", {"approve": value, "name": "王经理", "signature": png()}
    )

    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == status


def test_the_link_opens_one_quote_and_nothing_else(users, as_role, client):
    order = order_with("expired", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    add(desk, order)
    quote = Quote.objects.get(pk=post(desk, f"/orders/{order.pk}/quotes").json()["id"])
    token = quote_token(quote)

    assert client.get(f"/api/v1/public/quotes/{token[:-1]}x").status_code == 404
    assert client.get(f"/api/v1/quotes/{quote.pk}").status_code == 401  # the link is no session
    assert client.get(f"/api/v1/orders/{order.pk}/charges").status_code == 401
    # A validly signed token naming another quote with this quote's nonce opens nothing either.
    other = signing.dumps([quote.pk + 1, quote.nonce], salt=TOKEN_SALT, compress=True)
    assert client.get(f"/api/v1/public/quotes/{other}").status_code == 404


def test_amounts_are_strings_and_floats_are_refused(users, as_role):
    order = order_with("expired", by=users[Role.AGENT])
    desk = as_role(Role.AGENT)
    response = add(desk, order, unit_price=1.5)
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "invalid_amount",
        "unit_price",
    )
    assert not ChargeLine.objects.exists()
    ok = add(desk, order, unit_price="0.10", quantity="3")
    assert ok.json()["unit_price"] == "0.10" and ok.json()["gross"] == "0.34"  # 0.30 + 0.039 → 0.04


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"unit_price": "-1"}, "negative_amount", "unit_price"),
        ({"tax_rate": "100.5"}, "invalid_tax_rate", "tax_rate"),
        ({"quantity": "0"}, "invalid_quantity", "quantity"),
        ({"unit_price": None, "price_code": "NOPE"}, "unknown_price", "price_code"),
    ],
)
def test_bad_charges_answer_400_with_the_field_and_write_nothing(users, as_role, body, code, field):
    order = order_with("expired", by=users[Role.AGENT])
    response = add(as_role(Role.AGENT), order, **body)
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (400, code, field)
    assert not ChargeLine.objects.exists()


def test_permissions_only_finance_invoices_only_managers_override(users, as_role):
    order = order_with("expired", by=users[Role.AGENT])
    line = add(as_role(Role.AGENT), order).json()
    for role, status in ((Role.AGENT, 403), (Role.DISPATCHER, 403), (Role.TECHNICIAN, 404)):
        response = post(as_role(role), f"/charges/{line['id']}/bearer", {"bearer": "company", "reason": "x"})
        assert response.status_code == status, role
    ok = post(as_role(Role.MANAGER), f"/charges/{line['id']}/bearer", {"bearer": "company", "reason": "老客户"})
    assert ok.status_code == 200 and ok.json()["bearer"] == "company" and ok.json()["bearer_rule"] == "customer"

    add(as_role(Role.AGENT), order, kind="other", description="清洁", unit_price="10.00", quantity="1")
    quote = post(as_role(Role.AGENT), f"/orders/{order.pk}/quotes").json()
    post(as_role(Role.AGENT), f"/quotes/{quote['id']}/withdraw")
    for role in (Role.AGENT, Role.MANAGER, Role.DISPATCHER):
        assert post(as_role(role), f"/orders/{order.pk}/invoices").status_code == 403, role
    # a technician not on the job does not see the order at all
    assert post(as_role(Role.TECHNICIAN), f"/orders/{order.pk}/invoices").status_code == 404
    assert not Invoice.objects.exists()


def test_invoices_of_another_centre_are_not_found(users, as_role, other_centre, api_client):
    order = order_with("expired", by=users[Role.AGENT])
    add(as_role(Role.AGENT), order)
    quote = post(as_role(Role.AGENT), f"/orders/{order.pk}/quotes").json()
    Quote.objects.filter(pk=quote["id"]).update(status="approved")
    ChargeLine.objects.update(status="approved")
    invoice = post(as_role(Role.FINANCE), f"/orders/{order.pk}/invoices").json()
    stranger = api_client(UserFactory(role=Role.FINANCE, service_center=other_centre))

    assert stranger.get(f"/api/v1/invoices/{invoice['id']}").status_code == 404
    assert post(stranger, f"/invoices/{invoice['id']}/issue").status_code == 404
    assert stranger.get("/api/v1/invoices").json()["items"] == []


def issued_invoice(users, as_role) -> tuple[Client, dict]:
    """An out-of-warranty order with one line of 100.00 (+13 % tax), its quote approved by the customer's
    link, invoiced and issued: (finance's client, the invoice)."""
    order = order_with("expired", by=users[Role.AGENT])
    add(as_role(Role.AGENT), order, unit_price="100.00", quantity="1")
    quote = Quote.objects.get(pk=post(as_role(Role.AGENT), f"/orders/{order.pk}/quotes").json()["id"])
    post(Client(), f"/public/quotes/{quote_token(quote)}/answer", {"approve": True, "name": "王"})
    finance = as_role(Role.FINANCE)
    invoice = post(finance, f"/orders/{order.pk}/invoices").json()
    post(finance, f"/invoices/{invoice['id']}/issue")
    return finance, invoice


def test_overpayment_without_the_advance_mark_is_refused(users, as_role):
    finance, invoice = issued_invoice(users, as_role)

    refused = post(finance, f"/invoices/{invoice['id']}/payments", {"amount": "200.00"})
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (400, "overpayment", "amount")
    assert not Payment.objects.exists()
    kept = post(finance, f"/invoices/{invoice['id']}/payments", {"amount": "200.00", "advance": True}).json()
    assert (kept["amount"], kept["advance"]) == ("200.00", "87.00")

    edit = finance.patch(
        f"/api/v1/invoices/{invoice['id']}", json.dumps({"buyer_name": "改"}), content_type="application/json"
    )
    assert (edit.status_code, edit.json()["code"]) == (409, "invoice_issued")
    ledger = finance.get("/api/v1/ledger").json()["items"]
    assert sorted(Decimal(e["amount"]) for e in ledger) == [Decimal("-113.00"), Decimal("-87.00"), Decimal("113.00")]
    assert LedgerEntry.objects.count() == 3


def test_receivables_by_age(users, as_role):
    finance, invoice = issued_invoice(users, as_role)
    Invoice.objects.filter(pk=invoice["id"]).update(due_on=datetime.date.today() - datetime.timedelta(days=40))

    body = finance.get("/api/v1/receivables").json()
    assert body["totals"]["31-60"] == "113.00"
    assert body["rows"][0]["days_overdue"] == 40


def test_receivables_by_age_export_as_the_screen_shows_them(users, as_role):
    """The receivables screen's rows as xlsx (应收账款账龄), for finance; refused to an agent."""
    finance, invoice = issued_invoice(users, as_role)
    post(finance, f"/invoices/{invoice['id']}/payments", {"amount": "13.00"})
    due = timezone.localdate() - datetime.timedelta(days=40)
    Invoice.objects.filter(pk=invoice["id"]).update(due_on=due)
    console = Client()
    console.force_login(users[Role.FINANCE])

    answer = console.get("/exports/receivables.xlsx")
    _header, *rows = load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True)
    page = console.get("/money/receivables/").content.decode()

    assert answer.status_code == 200 and 'href="/exports/receivables.xlsx"' in page
    [(number, _fapiao, _customer, _order, due_on, days, age, gross, outstanding)] = rows
    issued = Invoice.objects.get(pk=invoice["id"])
    assert (number, due_on.date(), days, age) == (issued.number, due, 40, "逾期 31-60 天")
    assert (Decimal(str(gross)), Decimal(str(outstanding))) == (Decimal("113.00"), Decimal("100.00"))
    agent = Client()
    agent.force_login(users[Role.AGENT])
    assert agent.get("/exports/receivables.xlsx").status_code == 403


def test_a_part_payment_leaves_amounts_in_fen(users, as_role):
    """Found by hand on SQLite (``make run``'s database): after a payment of 0.10 the invoice answered
    ``"outstanding": "102.900000000000000"`` and the receivables ``"102.900000000000"``; SQLite sums the
    decimals as floats and nothing brought them back to two places."""
    finance, invoice = issued_invoice(users, as_role)

    assert post(finance, f"/invoices/{invoice['id']}/payments", {"amount": "0.1"}).status_code == 201

    assert finance.get(f"/api/v1/invoices/{invoice['id']}").json()["outstanding"] == "112.90"
    assert finance.get("/api/v1/invoices").json()["items"][0]["outstanding"] == "112.90"
    assert finance.get("/api/v1/receivables").json()["totals"]["current"] == "112.90"


def test_an_order_with_an_issued_invoice_is_not_cancelled_until_it_is_credited(users, as_role):
    """Found by hand, 2026-12-06: an agent cancelled an order whose invoice was issued and part-paid;
    the money stayed owed on a cancelled order."""
    finance, invoice = issued_invoice(users, as_role)
    agent = as_role(Role.AGENT)
    cancel = {"to": "cancelled", "reason": "客户不修了"}

    refused = post(agent, f"/orders/{invoice['order_id']}/transitions", cancel)

    assert (refused.status_code, refused.json()["code"]) == (409, "invoice_issued"), refused.content
    assert invoice["number"] in refused.json()["detail"]
    assert ServiceOrder.objects.get(pk=invoice["order_id"]).status != "cancelled"
    assert post(finance, f"/invoices/{invoice['id']}/credit-note", {"reason": "订单取消"}).status_code == 201
    assert post(agent, f"/orders/{invoice['order_id']}/transitions", cancel).status_code == 200


def test_money_creates_retried_with_the_same_key_create_once_and_replay_the_first_answer(users, as_role):
    """Found by an API probe, 2026-12-06: every money create answered 500 when the client sent an
    ``Idempotency-Key`` (the endpoints handed the model, not its schema, to the stored answer)."""
    finance, invoice = issued_invoice(users, as_role)
    order = ServiceOrder.objects.get(pk=invoice["order_id"])
    desk = as_role(Role.MANAGER)
    line = {"kind": "other", "description": "清洁", "unit_price": "12.00"}

    first = post(desk, f"/orders/{order.pk}/charges", line, **{"Idempotency-Key": "ch-1"})
    again = post(desk, f"/orders/{order.pk}/charges", line, **{"Idempotency-Key": "ch-1"})
    paid = post(finance, f"/invoices/{invoice['id']}/payments", {"amount": "10.10"}, **{"Idempotency-Key": "pay-1"})
    repaid = post(finance, f"/invoices/{invoice['id']}/payments", {"amount": "10.10"}, **{"Idempotency-Key": "pay-1"})

    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert again.json() == first.json() and first.json()["unit_price"] == "12.00"
    assert ChargeLine.objects.filter(description="清洁").count() == 1
    assert (paid.status_code, repaid.status_code) == (201, 201), paid.content
    assert repaid.json() == paid.json() and paid.json()["amount"] == "10.10"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "body", "code", "field"),
    [
        ("payments", {"amount": "１００"}, "invalid_amount", "amount"),
        ("payments", {"amount": "1e3"}, "invalid_amount", "amount"),
        ("charges", {"kind": "other", "description": "x", "unit_price": "１２"}, "invalid_amount", "unit_price"),
        ("charges", {"kind": "other", "description": "x", "unit_price": 12}, "invalid_amount", "unit_price"),
        (
            "charges",
            {"kind": "other", "description": "x", "unit_price": "1", "quantity": "٣"},
            "invalid_number",
            "quantity",
        ),
        (
            "charges",
            {"kind": "other", "description": "x", "unit_price": "1", "tax_rate": True},
            "invalid_number",
            "tax_rate",
        ),
    ],
)
def test_money_inputs_take_ascii_decimal_text_only(users, as_role, path, body, code, field):
    """Found by an API probe, 2026-12-06: ``"amount": "１００"`` (full-width digits) booked a payment of
    100.00, though docs/api.md says such digits are refused; the money schemas matched ``\\d``."""
    finance, invoice = issued_invoice(users, as_role)
    target = f"/invoices/{invoice['id']}/payments" if path == "payments" else f"/orders/{invoice['order_id']}/charges"
    lines = ChargeLine.objects.count()

    response = post(finance if path == "payments" else as_role(Role.MANAGER), target, body)

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Payment.objects.exists() and ChargeLine.objects.count() == lines
