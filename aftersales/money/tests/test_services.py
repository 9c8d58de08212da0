"""Money's rules through its services: who bears each line on every route, quotes answered once,
invoices right to the fen, payments and credit notes, the append-only ledger; bad input writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.money import services
from aftersales.money.amounts import line_amounts, parse_decimal
from aftersales.money.choices import (
    AnswerChannel,
    Bearer,
    ChargeKind,
    InvoiceStatus,
    LedgerAccount,
    LineStatus,
    QuoteStatus,
)
from aftersales.money.models import ChargeLine, Invoice, LedgerEntry, Payment, Price, Quote
from aftersales.money.services.quotes import quote_from_token, quote_token
from aftersales.money.tests.factories import order_with, png
from aftersales.service import services as service_services
from aftersales.service.choices import OrderStatus

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def agent(users):
    return users[Role.AGENT]


@pytest.fixture
def finance(users):
    return users[Role.FINANCE]


def labour(order, by, price="200.00", qty="1.5", **kw):
    return services.add_charge(
        order, by=by, kind=ChargeKind.LABOUR, description="人工", quantity=qty, unit_price=price, **kw
    )


# ---- amounts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("qty", "price", "rate", "net", "tax", "gross"),
    [
        ("1", "0.01", "13", "0.01", "0.00", "0.01"),
        ("3", "33.33", "13", "99.99", "13.00", "112.99"),
        ("1.5", "66.67", "13", "100.01", "13.00", "113.01"),  # 100.005 rounds half up
        ("0.35", "10.00", "6", "3.50", "0.21", "3.71"),
        ("2", "0.125", "0", "0.25", "0.00", "0.25"),
        ("1", "115.00", "13", "115.00", "14.95", "129.95"),
        ("1", "38.50", "9", "38.50", "3.47", "41.97"),  # 3.465 → 3.47
    ],
)
def test_line_amounts_round_half_up_to_the_fen(qty, price, rate, net, tax, gross):
    figures = line_amounts(quantity=D(qty), unit_price=D(price), tax_rate=D(rate))
    assert (figures.net, figures.tax, figures.gross) == (D(net), D(tax), D(gross))


# ---- who bears a line ----------------------------------------------------------------------------
def test_in_warranty_lines_are_the_companys_booked_at_once_and_never_quoted(agent):
    order = order_with("in_warranty", by=agent)
    line = labour(order, agent)
    freight = services.add_charge(order, by=agent, kind=ChargeKind.FREIGHT, description="运费", unit_price="45.00")

    assert (line.bearer, line.status) == (Bearer.COMPANY, LineStatus.APPROVED)
    assert freight.bearer == Bearer.COMPANY
    costs = LedgerEntry.objects.filter(account=LedgerAccount.WARRANTY_COST)
    assert sorted(e.amount for e in costs) == [D("45.00"), D("300.00")]
    with pytest.raises(ConflictError) as exc:
        services.send_quote(order, by=agent)
    assert exc.value.code == "nothing_to_quote"


def test_in_warranty_part_claimed_from_its_supplier_is_the_suppliers(agent):
    order = order_with("in_warranty", by=agent)
    line = services.add_charge(
        order, by=agent, kind=ChargeKind.PARTS, description="轴承", unit_price="80.00", supplier_claim=True
    )
    assert line.bearer == Bearer.SUPPLIER
    assert LedgerEntry.objects.get(account=LedgerAccount.SUPPLIER_CLAIM).amount == D("80.00")


def test_factory_repair_in_warranty_is_the_factorys(agent):
    order = order_with("in_warranty", by=agent)
    line = services.add_charge(
        order, by=agent, kind=ChargeKind.FACTORY_REPAIR, description="返厂维修", unit_price="900"
    )
    assert line.bearer == Bearer.FACTORY


@pytest.mark.parametrize("coverage", ["expired", "no_proof"])
def test_out_of_warranty_or_no_proof_the_customer_pays_after_a_quote(agent, coverage):
    order = order_with(coverage, by=agent)
    line = labour(order, agent)
    assert (line.bearer, line.status) == (Bearer.CUSTOMER, LineStatus.DRAFT)
    assert not LedgerEntry.objects.exists()


def test_misuse_decided_by_a_manager_moves_draft_lines_to_the_customer(users, agent):
    order = order_with("in_warranty", by=agent)
    line = labour(order, agent)
    service_services.override_warranty(order, by=users[Role.MANAGER], covered=False, reason="人为损坏")

    line.refresh_from_db()
    assert (line.bearer, line.bearer_rule, line.status) == (Bearer.CUSTOMER, Bearer.CUSTOMER, LineStatus.DRAFT)
    # the company's cost was booked, then reversed: the ledger keeps both entries
    assert [e.amount for e in LedgerEntry.objects.order_by("id")] == [D("300.00"), D("-300.00")]


def test_manager_overrides_who_bears_a_line_with_a_reason(users, agent):
    order = order_with("expired", by=agent)
    line = labour(order, agent)
    line = services.override_bearer(line, by=users[Role.MANAGER], bearer=Bearer.COMPANY, reason="老客户，免人工费")

    assert (line.bearer, line.bearer_rule, line.status) == (Bearer.COMPANY, Bearer.CUSTOMER, LineStatus.APPROVED)
    assert line.bearer_reason == "老客户，免人工费"
    assert LedgerEntry.objects.get().amount == D("300.00")


def test_override_needs_a_manager_and_a_reason_and_writes_nothing_otherwise(users, agent):
    order = order_with("expired", by=agent)
    line = labour(order, agent)
    with pytest.raises(PermissionDeniedError):
        services.override_bearer(line, by=agent, bearer=Bearer.COMPANY, reason="x")
    with pytest.raises(ValidationFailed) as exc:
        services.override_bearer(line, by=users[Role.MANAGER], bearer=Bearer.COMPANY, reason=" ")
    assert exc.value.field == "reason"
    line.refresh_from_db()
    assert line.bearer == Bearer.CUSTOMER and not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("unit_price", "-1", "negative_amount"),
        ("unit_price", 1.5, "invalid_amount"),  # a float is refused: amounts are Decimal
        ("unit_price", "1.234", "too_many_decimals"),
        ("tax_rate", "101", "invalid_tax_rate"),
        ("tax_rate", "-1", "invalid_tax_rate"),
        ("quantity", "0", "invalid_quantity"),
        ("kind", "gift", "invalid_choice"),
    ],
)
def test_bad_charge_input_is_refused_with_its_field_and_writes_nothing(agent, field, value, code):
    order = order_with("expired", by=agent)
    fields = {"kind": ChargeKind.LABOUR, "description": "人工", "unit_price": "10", field: value}
    with pytest.raises(ValidationFailed) as exc:
        services.add_charge(order, by=agent, **fields)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not ChargeLine.objects.exists()


def test_charges_on_another_centres_order_are_not_found(agent, other_centre):
    from aftersales.accounts.tests.factories import UserFactory

    stranger = UserFactory(role=Role.AGENT, service_center=other_centre)
    order = order_with("expired", by=agent)
    with pytest.raises(NotFoundError):
        labour(order, stranger)
    assert not ChargeLine.objects.exists()


def test_price_code_prices_the_line_from_the_list_of_that_day(users, agent):
    manager = users[Role.MANAGER]
    services.add_price(
        by=manager,
        code="lab-h",
        name="人工费",
        kind="labour_hour",
        amount="150.00",
        valid_from=datetime.date(2020, 1, 1),
        unit="小时",
    )
    services.add_price(
        by=manager,
        code="LAB-H",
        name="人工费",
        kind="labour_hour",
        amount="180.00",
        valid_from=timezone.localdate(),
        unit="小时",
    )
    order = order_with("expired", by=agent)

    today = services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, quantity="2", price_code="LAB-H")
    old = services.add_charge(
        order, by=agent, kind=ChargeKind.LABOUR, quantity="2", price_code="LAB-H", on=datetime.date(2024, 5, 1)
    )

    assert (today.unit_price, today.net, today.description) == (D("180.00"), D("360.00"), "人工费")
    assert old.unit_price == D("150.00")


def test_prices_are_never_negative_and_tax_stays_within_0_100(users):
    manager = users[Role.MANAGER]
    with pytest.raises(ValidationFailed) as exc:
        services.add_price(by=manager, code="X", name="x", kind="other", amount="-5", valid_from=timezone.localdate())
    assert exc.value.code == "negative_amount"
    with pytest.raises(ValidationFailed) as exc:
        services.add_price(
            by=manager, code="X", name="x", kind="other", amount="5", tax_rate="130", valid_from=timezone.localdate()
        )
    assert exc.value.code == "invalid_tax_rate"
    with pytest.raises(PermissionDeniedError):
        services.add_price(
            by=users[Role.TECHNICIAN], code="X", name="x", kind="other", amount="5", valid_from=timezone.localdate()
        )


def test_a_price_needs_its_day_a_standard_job_its_hours_and_a_code_one_price_a_day(users):
    manager = users[Role.MANAGER]
    today = timezone.localdate()
    job = {"by": manager, "code": "JOB-1", "name": "更换轴承", "kind": "labour_job", "amount": "300"}
    with pytest.raises(ValidationFailed) as exc:
        services.add_price(**job, valid_from=None, standard_hours="2")
    assert (exc.value.code, exc.value.field) == ("required", "valid_from")
    with pytest.raises(ValidationFailed) as exc:
        services.add_price(**job, valid_from=today)
    assert (exc.value.code, exc.value.field) == ("required", "standard_hours")
    with pytest.raises(ValidationFailed) as exc:
        services.add_price(**job, valid_from=today, standard_hours="0")
    assert exc.value.field == "standard_hours"
    assert not Price.objects.exists()

    price = services.add_price(**job, valid_from=today, standard_hours="2.5")
    assert price.standard_hours == D("2.5")
    with pytest.raises(ConflictError) as conflict:
        services.add_price(**job, valid_from=today, standard_hours="3")
    assert (conflict.value.code, conflict.value.field) == ("price_exists", "valid_from")
    assert Price.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", 1.5, True, None, [1]])
def test_anything_but_a_decimal_number_is_not_an_amount(value):
    assert parse_decimal(value) is None


@pytest.mark.parametrize(("value", "expected"), [("12.30", D("12.30")), (7, D("7")), (D("0.01"), D("0.01"))])
def test_numbers_as_text_integers_and_decimals_are_amounts(value, expected):
    assert parse_decimal(value) == expected


# ---- quotes ------------------------------------------------------------------------------------------
def test_out_of_warranty_approved_route_invoices_right_to_the_fen(agent, finance):
    order = order_with("expired", by=agent)
    labour(order, agent, price="66.67", qty="1.5")  # 100.01 + 13.00
    services.add_charge(
        order, by=agent, kind=ChargeKind.TRAVEL, description="上门费", unit_price="33.33", quantity="3"
    )  # 99.99 + 13.00
    quote = services.send_quote(order, by=agent)
    assert (quote.net, quote.tax, quote.gross) == (D("200.00"), D("26.00"), D("226.00"))
    assert set(order.charge_lines.values_list("status", flat=True)) == {LineStatus.QUOTED}

    services.answer_quote(quote_from_token(quote_token(quote)), approve=True, name="王经理")
    invoice = services.issue_invoice(
        services.create_invoice(order, by=finance, buyer_tax_number="91310000MA1FL0001X"), by=finance
    )

    assert invoice.number == f"INV-{timezone.localdate().year}-000001"
    assert (invoice.net, invoice.tax, invoice.gross) == (D("200.00"), D("26.00"), D("226.00"))
    assert LedgerEntry.objects.get(account=LedgerAccount.RECEIVABLE).amount == D("226.00")
    assert set(order.charge_lines.values_list("status", flat=True)) == {LineStatus.INVOICED}


def test_a_quote_and_an_invoice_of_the_past_are_dated_and_numbered_then(agent, finance):
    """The demo's history (found by a probe, 2026-12-07: an invoice backdated after it was numbered read
    INV-2026-000003, issued weeks before INV-2026-000001): sent, answered and issued at the given time,
    numbered in the year of issue, due 30 days after that day."""
    order = order_with("expired", by=agent)
    labour(order, agent)
    sent = timezone.now() - datetime.timedelta(days=400)
    quote = services.send_quote(order, by=agent, now=sent)
    services.answer_quote(quote, approve=True, name="王经理", now=sent + datetime.timedelta(minutes=30))
    invoice = services.issue_invoice(
        services.create_invoice(order, by=finance), by=finance, now=sent + datetime.timedelta(days=1)
    )

    quote.refresh_from_db()
    assert quote.number.startswith(f"QT{timezone.localdate(sent):%Y%m%d}")
    assert quote.expires_at > sent and quote.answered_at == sent + datetime.timedelta(minutes=30)
    issued_on = timezone.localdate(sent + datetime.timedelta(days=1))
    assert invoice.number == f"INV-{issued_on.year}-000001"
    assert invoice.issued_at == sent + datetime.timedelta(days=1)
    assert invoice.due_on == issued_on + datetime.timedelta(days=30)


def test_declined_quote_ends_the_order_with_only_the_diagnosis_fee(agent, finance):
    order = order_with("expired", by=agent)
    labour(order, agent)
    quote = services.send_quote(order, by=agent, diagnosis_fee="50.00")
    services.answer_quote(quote, approve=False, name="王经理", note="太贵了")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    lines = list(order.charge_lines.order_by("id"))
    assert [(x.kind, x.status) for x in lines] == [
        (ChargeKind.LABOUR, LineStatus.VOID),
        (ChargeKind.DIAGNOSIS, LineStatus.APPROVED),
    ]
    invoice = services.create_invoice(order, by=finance)
    assert (invoice.net, invoice.tax, invoice.gross) == (D("50.00"), D("6.50"), D("56.50"))


def test_quote_is_answered_once_and_not_after_it_expires(agent):
    order = order_with("expired", by=agent)
    labour(order, agent)
    quote = services.send_quote(order, by=agent)
    services.answer_quote(quote, approve=True, name="王经理")
    with pytest.raises(ConflictError) as exc:
        services.answer_quote(quote, approve=False, name="王经理")
    assert exc.value.code == "quote_answered"

    labour(order, agent)
    second = services.send_quote(order, by=agent)
    Quote.objects.filter(pk=second.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ConflictError) as exc:
        services.answer_quote(second, approve=True, name="王经理")
    assert exc.value.code == "quote_expired"
    second.refresh_from_db()
    assert second.status == QuoteStatus.SENT and second.answered_at is None


def test_on_site_answer_needs_the_drawn_signature(users, agent):
    order = order_with("expired", by=agent)
    labour(order, agent)
    quote = services.send_quote(order, by=agent)
    with pytest.raises(ValidationFailed) as exc:
        services.answer_quote(quote, approve=True, name="王经理", channel=AnswerChannel.ON_SITE, by=agent)
    assert exc.value.code == "signature_required"
    services.answer_quote(quote, approve=True, name="王经理", channel=AnswerChannel.ON_SITE, by=agent, signature=png())
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED and quote.signature and quote.recorded_by == agent


def test_link_opens_one_quote_and_a_withdrawn_quotes_link_is_dead(agent):
    order = order_with("expired", by=agent)
    labour(order, agent)
    quote = services.send_quote(order, by=agent)
    token = quote_token(quote)
    assert quote_from_token(token) == quote
    for forged in (token[:-2] + "xx", "nope", token.replace(":", ";")):
        with pytest.raises(NotFoundError):
            quote_from_token(forged)
    services.withdraw_quote(quote, by=agent)
    with pytest.raises(NotFoundError):
        quote_from_token(token)
    assert set(order.charge_lines.values_list("status", flat=True)) == {LineStatus.DRAFT}


def test_one_quote_waits_at_a_time_and_sends_an_sms_with_the_link(agent, _outbox):
    from aftersales.notifications.models import OutboxMessage

    order = order_with("expired", by=agent)
    labour(order, agent)
    quote = services.send_quote(order, by=agent)
    labour(order, agent)
    with pytest.raises(ConflictError) as exc:
        services.send_quote(order, by=agent)
    assert exc.value.code == "quote_pending"
    message = OutboxMessage.objects.get(key__startswith="quote")  # the order's own SMS to its reporter aside
    assert quote.number in message.body and "/q/" in message.body


# ---- invoices and payments ---------------------------------------------------------------------
@pytest.fixture
def issued(agent, finance):
    order = order_with("expired", by=agent)
    labour(order, agent, price="100.00", qty="1")  # 100.00 + 13.00
    services.answer_quote(services.send_quote(order, by=agent), approve=True, name="王经理")
    return services.issue_invoice(services.create_invoice(order, by=finance), by=finance)


def test_only_finance_invoices(agent, users):
    order = order_with("expired", by=agent)
    labour(order, agent)
    services.answer_quote(services.send_quote(order, by=agent), approve=True, name="王经理")
    for role in (Role.AGENT, Role.MANAGER, Role.ADMIN, Role.GENERAL_MANAGER):
        with pytest.raises(PermissionDeniedError):
            services.create_invoice(order, by=users[role])
    assert not Invoice.objects.exists()


def test_lines_not_approved_are_not_invoiced(agent, finance):
    order = order_with("expired", by=agent)
    line = labour(order, agent)
    with pytest.raises(ConflictError) as exc:
        services.create_invoice(order, by=finance, line_ids=[line.pk])
    assert (exc.value.code, exc.value.field) == ("line_not_approved", "line_ids")
    with pytest.raises(ConflictError) as exc:
        services.create_invoice(order, by=finance)
    assert exc.value.code == "nothing_to_invoice"
    assert not Invoice.objects.exists()


def test_issued_invoice_cannot_be_edited_only_credited(issued, finance, agent):
    with pytest.raises(ConflictError) as exc:
        services.update_invoice(issued, by=finance, buyer_name="别的公司")
    assert exc.value.code == "invoice_issued"
    note = services.credit_invoice(issued, by=finance, reason="抬头错误")
    issued.refresh_from_db()

    assert issued.status == InvoiceStatus.CREDITED and note.gross == D("-113.00")
    assert note.number == f"CN-{timezone.localdate().year}-000001"
    receivable = LedgerEntry.objects.filter(account=LedgerAccount.RECEIVABLE).order_by("id")
    assert [e.amount for e in receivable] == [D("113.00"), D("-113.00")]
    again = services.issue_invoice(
        services.create_invoice(issued.order, by=finance, buyer_name="正确的公司"), by=finance
    )
    assert again.number.endswith("000002") and again.gross == D("113.00")


def test_part_payments_then_overpayment_needs_the_advance_mark(issued, finance):
    services.record_payment(issued, by=finance, amount="13.00", reference="BANK-1")
    with pytest.raises(ValidationFailed) as exc:
        services.record_payment(issued, by=finance, amount="200.00")
    assert (exc.value.code, exc.value.field) == ("overpayment", "amount")
    assert Payment.objects.count() == 1

    payment = services.record_payment(issued, by=finance, amount="200.00", advance=True)
    assert payment.advance == D("100.00")
    balance = sum(
        e.amount for e in LedgerEntry.objects.filter(account=LedgerAccount.RECEIVABLE, customer=issued.customer)
    )
    assert balance == D("-100.00")  # the customer's advance


@pytest.mark.parametrize(
    ("amount", "code"), [("0", "invalid_amount"), ("-5", "negative_amount"), ("1.001", "too_many_decimals")]
)
def test_bad_payments_are_refused(issued, finance, amount, code):
    with pytest.raises(ValidationFailed) as exc:
        services.record_payment(issued, by=finance, amount=amount)
    assert exc.value.code == code
    assert not Payment.objects.exists()


def test_payment_on_a_draft_is_refused(agent, finance):
    order = order_with("expired", by=agent)
    labour(order, agent)
    services.answer_quote(services.send_quote(order, by=agent), approve=True, name="王经理")
    draft = services.create_invoice(order, by=finance)
    with pytest.raises(ConflictError) as exc:
        services.record_payment(draft, by=finance, amount="1.00")
    assert exc.value.code == "invoice_not_issued"


def test_ledger_entries_are_append_only(issued):
    entry = LedgerEntry.objects.get()
    entry.amount = D("1.00")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert LedgerEntry.objects.get().amount == D("113.00")


@pytest.mark.parametrize("number", ["abc", "1234567", "123456789", "发票12345678", "1234567890123456789"])
def test_a_fapiao_number_is_8_or_20_digits(issued, finance, number):
    """Found by hand, 2026-12-06: "abc" was taken as a 发票 number."""
    with pytest.raises(ValidationFailed) as refused:
        services.set_fapiao_number(issued, by=finance, fapiao_number=number)

    assert (refused.value.code, refused.value.field) == ("invalid_fapiao_number", "fapiao_number")
    issued.refresh_from_db()
    assert issued.fapiao_number == ""
    assert services.set_fapiao_number(issued, by=finance, fapiao_number="0" * 20).fapiao_number == "0" * 20


@pytest.mark.parametrize(
    ("tax_number", "kept"),
    [("abc", None), ("9131", None), ("91310000MA1FL0001X9", None), ("91310000ma1fl0001x", "91310000MA1FL0001X")],
)
def test_a_buyers_tax_number_is_checked_and_upper_cased(agent, finance, tax_number, kept):
    order = order_with("expired", by=agent)
    services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    services.answer_quote(services.send_quote(order, by=agent), approve=True, name="王")

    if kept is None:
        with pytest.raises(ValidationFailed) as refused:
            services.create_invoice(order, by=finance, buyer_tax_number=tax_number)
        assert (refused.value.code, refused.value.field) == ("invalid_tax_number", "buyer_tax_number")
        assert not Invoice.objects.filter(order=order).exists()
    else:
        assert services.create_invoice(order, by=finance, buyer_tax_number=tax_number).buyer_tax_number == kept
