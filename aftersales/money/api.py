"""Money's API: prices, an order's charge lines and who bears each, quotes (and the customer's link),
invoices with payments and credit notes, receivables by age, the fee ledger.

Amounts are strings of a decimal number in CNY ("128.50") both ways: never a JSON float.
"""

import datetime
import json
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from aftersales.accounts.permissions import scope_by_centre
from aftersales.core.api import Input, TextBool, idempotent, page_limit
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.schemas import AmountText, Choice, Day, Moment, NumberText, answers, file_answer, model_field
from aftersales.money import selectors, services
from aftersales.money.choices import (
    AnswerChannel,
    Bearer,
    ChargeKind,
    ExchangeStatus,
    FactoryReturnStatus,
    InstallationMode,
    InstallationStatus,
    InvoiceStatus,
    LedgerAccount,
    LedgerKind,
    LineStatus,
    PaymentMethod,
    PriceKind,
    QuoteStatus,
)
from aftersales.money.models import (
    ChargeLine,
    Exchange,
    FactoryReturn,
    Installation,
    Invoice,
    LedgerEntry,
    PickupNotice,
    Price,
    Quote,
)
from aftersales.money.pdf import invoice_pdf_response, quote_pdf_response
from aftersales.money.permissions import (
    can_view_charges,
    can_view_invoices,
    exchanges_visible_to,
    invoices_visible_to,
    prices_visible_to,
)
from aftersales.money.services import exchange, factory, installation, logistics
from aftersales.money.services.charges import get_line
from aftersales.money.services.invoices import get_invoice
from aftersales.money.services.quotes import get_quote, quote_from_token
from aftersales.parts.models import StockRequest
from aftersales.service.models import ServiceOrder
from aftersales.service.selectors import get_order

router = Router(tags=["money"])


# ---- schemas -----------------------------------------------------------------------------------
class PriceIn(Input):
    code: str = model_field(Price, "code")
    name: str = model_field(Price, "name")
    kind: PriceKind
    amount: AmountText
    valid_from: Day
    unit: str = model_field(Price, "unit", "次")
    standard_hours: NumberText | None = None
    tax_rate: NumberText | None = None


class PriceOut(Schema):
    id: int
    code: str
    name: str
    kind: Annotated[str, Choice(PriceKind)]
    amount: Decimal
    unit: str
    standard_hours: Decimal | None
    tax_rate: Decimal
    valid_from: datetime.date


class PricePage(Schema):
    items: list[PriceOut]
    next_cursor: str | None


class PriceQuery(Schema):
    code: str | None = Field(None, max_length=30)
    on: Day | None = Field(None, description="Only the prices that apply on this day (one per code).")
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class ChargeIn(Input):
    kind: ChargeKind
    description: str = model_field(ChargeLine, "description", "")
    quantity: NumberText = "1"
    unit_price: AmountText | None = None
    tax_rate: NumberText | None = None
    price_code: str = Field("", max_length=30, description="Price the line from the price list of today.")
    supplier_claim: bool = Field(
        False, description="A part claimed from its supplier (in warranty: the supplier bears it)."
    )
    part_id: int | None = Field(
        None, description="A parts line of this part, at its list price of today unless unit_price is given."
    )


class ChargeOut(Schema):
    id: int
    order_id: int
    kind: Annotated[str, Choice(ChargeKind)]
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    price_id: int | None
    bearer: Annotated[str, Choice(Bearer)]
    bearer_rule: Annotated[str, Choice(Bearer)] = Field(
        description="Who bears it by the rule (the coverage decision and the line's kind)."
    )
    bearer_reason: str = Field(description="Why a manager overrode the rule.")
    status: Annotated[str, Choice(LineStatus)]
    source: str
    part_id: int | None
    issued: Decimal = Field(description="How much of this part visits have issued against the line.")
    supplier_claim: bool
    created_at: datetime.datetime


class ChargePage(Schema):
    items: list[ChargeOut]
    next_cursor: str | None


class BearerIn(Input):
    bearer: Bearer
    reason: str = model_field(ChargeLine, "bearer_reason")


class VoidIn(Input):
    reason: str = model_field(ChargeLine, "bearer_reason", "")


class QuoteIn(Input):
    valid_days: int | None = Field(None, ge=1, le=60)
    diagnosis_fee: AmountText = Field("0.00", description="Charged (before tax) if the customer declines.")


class QuoteLineOut(Schema):
    charge_line_id: int
    kind: Annotated[str, Choice(ChargeKind)]
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


class QuoteOut(Schema):
    id: int
    order_id: int
    number: str
    status: Annotated[str, Choice(QuoteStatus)]
    net: Decimal
    tax: Decimal
    gross: Decimal
    diagnosis_fee: Decimal
    expires_at: datetime.datetime
    answered_at: datetime.datetime | None
    answered_by_name: str
    answer_channel: Annotated[str, Choice(AnswerChannel, blank=True)]
    answer_note: str
    has_signature: bool
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_has_signature(quote: Quote) -> bool:
        return bool(quote.signature)

    @staticmethod
    def resolve_lines(quote: Quote) -> list[Any]:
        return sorted(quote.lines.all(), key=lambda line: line.pk)  # prefetched by the list


class QuotePage(Schema):
    items: list[QuoteOut]
    next_cursor: str | None


class LinkAnswerIn(Input):
    approve: bool
    name: str = model_field(Quote, "answered_by_name")
    note: str = model_field(Quote, "answer_note", "")


class InvoiceIn(Input):
    line_ids: list[int] = Field(
        default_factory=list,
        max_length=200,
        description="Only these lines (default: every approved line the customer pays).",
    )
    buyer_name: str = model_field(Invoice, "buyer_name", "")
    buyer_tax_number: str = model_field(Invoice, "buyer_tax_number", "")


class InvoicePatch(Input):
    buyer_name: str | None = model_field(Invoice, "buyer_name", None)
    buyer_tax_number: str | None = model_field(Invoice, "buyer_tax_number", None)


class InvoiceLineOut(QuoteLineOut):
    pass


class InvoiceOut(Schema):
    id: int
    order_id: int
    customer_id: int
    number: str
    status: Annotated[str, Choice(InvoiceStatus)]
    buyer_name: str
    buyer_tax_number: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    outstanding: Decimal
    issued_at: datetime.datetime | None
    due_on: datetime.date | None
    fapiao_number: str
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_outstanding(invoice: Invoice) -> Decimal:
        return selectors.outstanding(invoice)

    @staticmethod
    def resolve_lines(invoice: Invoice) -> list[Any]:
        return list(invoice.lines.order_by("id"))


class InvoiceListOut(Schema):
    id: int
    order_id: int
    customer_id: int
    number: str
    status: Annotated[str, Choice(InvoiceStatus)]
    buyer_name: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    outstanding: Decimal
    issued_at: datetime.datetime | None
    due_on: datetime.date | None
    fapiao_number: str

    @staticmethod
    def resolve_outstanding(invoice: Invoice) -> Decimal:
        return invoice.outstanding if invoice.status == InvoiceStatus.ISSUED else Decimal("0.00")  # type: ignore[attr-defined]


class InvoicePage(Schema):
    items: list[InvoiceListOut]
    next_cursor: str | None


class InvoiceQuery(Schema):
    status: InvoiceStatus | None = None
    customer: int | None = None
    order: int | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class FapiaoIn(Input):
    fapiao_number: str = model_field(Invoice, "fapiao_number")


class CreditIn(Input):
    reason: str = Field(max_length=500)


class CreditOut(Schema):
    id: int
    invoice_id: int
    number: str
    reason: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    created_at: datetime.datetime


class PaymentIn(Input):
    amount: AmountText
    received_on: Day | None = None
    method: PaymentMethod = PaymentMethod.BANK
    reference: str = Field("", max_length=60)
    advance: bool = Field(False, description="Keep what exceeds the amount owed as the customer's advance.")


class PaymentOut(Schema):
    id: int
    invoice_id: int | None
    customer_id: int
    amount: Decimal
    advance: Decimal
    received_on: datetime.date
    method: Annotated[str, Choice(PaymentMethod)]
    reference: str


class AgeingRowOut(Schema):
    invoice: InvoiceListOut
    days_overdue: int
    bucket: Annotated[str, Choice(*(name for _start, name in selectors.AGE_BUCKETS))]


class ReceivablesOut(Schema):
    today: datetime.date
    totals: dict[str, Decimal]
    rows: list[AgeingRowOut]


class LedgerOut(Schema):
    id: int
    account: Annotated[str, Choice(LedgerAccount)]
    kind: Annotated[str, Choice(LedgerKind)]
    amount: Decimal
    customer_id: int | None
    order_id: int | None
    invoice_id: int | None
    charge_line_id: int | None
    payment_id: int | None
    memo: str
    created_at: datetime.datetime


class LedgerPage(Schema):
    items: list[LedgerOut]
    next_cursor: str | None


class LedgerQuery(Schema):
    account: LedgerAccount | None = None
    customer: int | None = None
    order: int | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


# ---- helpers -----------------------------------------------------------------------------------
def _order(request: HttpRequest, order_id: int) -> ServiceOrder:
    order = get_order(user=request.user, order_id=order_id)
    if not can_view_charges(request.user, order):
        raise PermissionDeniedError("forbidden", _("Your role may not see this order's charges."))
    return order


def _require_invoices(request: HttpRequest) -> None:
    if not can_view_invoices(request.user):
        raise PermissionDeniedError("forbidden", _("Your role may not see invoices."))


def _page(qs: Any, query: Any) -> dict[str, Any]:
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


def _visible_orders(request: HttpRequest) -> Any:
    return scope_by_centre(ServiceOrder.objects.all(), request.user, field="service_center").values("pk")


# ---- prices ------------------------------------------------------------------------------------
@router.get("/prices", response=answers(PricePage, 400))
def list_prices(request: HttpRequest, filters: Query[PriceQuery]) -> dict[str, Any]:
    """The price list (public to every user, 明码标价), newest first; ``on`` keeps each code's price of that day."""
    qs = prices_visible_to(request.user)
    if filters.code:
        qs = qs.filter(code=filters.code.upper())
    if filters.on:
        ids = [p.pk for p in selectors.current_prices(day=filters.on)]
        qs = qs.filter(pk__in=ids)
    return _page(qs, filters)


@router.post("/prices", response=answers(PriceOut, 400, 403, 409, 422, status=201))
def add_price(request: HttpRequest, payload: PriceIn) -> Created:
    """A price from ``valid_from`` on (prices are never edited: a later date replaces an earlier one)."""
    return idempotent(
        request, lambda: (201, PriceOut.from_orm(services.add_price(by=request.user, **payload.model_dump())))
    )


# ---- charge lines ------------------------------------------------------------------------------
@router.get("/orders/{order_id}/charges", response=answers(ChargePage, 400, 403, 404))
def list_charges(request: HttpRequest, order_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    order = _order(request, order_id)
    return _page(order.charge_lines.all(), query)


@router.post("/orders/{order_id}/charges", response=answers(ChargeOut, 400, 403, 404, 409, 422, status=201))
def add_charge(request: HttpRequest, order_id: int, payload: ChargeIn) -> Created:
    """Add a line; who bears it is derived from the order's coverage decision and the line's kind."""
    order = _order(request, order_id)
    return idempotent(
        request, lambda: (201, ChargeOut.from_orm(services.add_charge(order, by=request.user, **payload.model_dump())))
    )


@router.post("/charges/{line_id}/bearer", response=answers(ChargeOut, 400, 403, 404, 409))
def override_bearer(request: HttpRequest, line_id: int, payload: BearerIn) -> ChargeLine:
    """A manager decides who bears a line, with a reason."""
    return services.override_bearer(
        get_line(user=request.user, line_id=line_id), by=request.user, **payload.model_dump()
    )


@router.post("/charges/{line_id}/void", response=answers(ChargeOut, 400, 403, 404, 409))
def void_charge(request: HttpRequest, line_id: int, payload: VoidIn) -> ChargeLine:
    return services.void_charge(get_line(user=request.user, line_id=line_id), by=request.user, **payload.model_dump())


# ---- quotes ------------------------------------------------------------------------------------
@router.get("/orders/{order_id}/quotes", response=answers(QuotePage, 400, 403, 404))
def list_quotes(request: HttpRequest, order_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    order = _order(request, order_id)
    return _page(order.quotes.prefetch_related("lines"), query)  # one query for every quote's lines


@router.post("/orders/{order_id}/quotes", response=answers(QuoteOut, 400, 403, 404, 409, 422, status=201))
def send_quote(request: HttpRequest, order_id: int, payload: QuoteIn) -> Created:
    """Quote every draft line the customer pays; the customer gets the link by SMS."""
    order = _order(request, order_id)
    return idempotent(
        request, lambda: (201, QuoteOut.from_orm(services.send_quote(order, by=request.user, **payload.model_dump())))
    )


@router.get("/quotes/{quote_id}", response=answers(QuoteOut, 404))
def get_quote_(request: HttpRequest, quote_id: int) -> Quote:
    return get_quote(user=request.user, quote_id=quote_id)


@router.get(
    "/quotes/{quote_id}/pdf",
    response=answers(None, 404),
    openapi_extra=file_answer("The quote as an A4 PDF.", "application/pdf"),
)
def quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote as an A4 PDF (``application/pdf``), made on the server."""
    return quote_pdf_response(request, get_quote(user=request.user, quote_id=quote_id))


@router.post("/quotes/{quote_id}/withdraw", response=answers(QuoteOut, 403, 404, 409))
def withdraw_quote(request: HttpRequest, quote_id: int) -> Quote:
    return services.withdraw_quote(get_quote(user=request.user, quote_id=quote_id), by=request.user)


@router.post("/quotes/{quote_id}/answer", response=answers(QuoteOut, 400, 403, 404, 409))
def answer_on_site(
    request: HttpRequest,
    quote_id: int,
    approve: Form[TextBool],
    name: Form[str],
    signature: File[UploadedFile],
    note: Form[str] = "",
) -> Quote:
    """The customer's answer given on site: name and a drawn signature (PNG), recorded by staff."""
    quote = get_quote(user=request.user, quote_id=quote_id)
    return services.answer_quote(
        quote,
        approve=approve,
        name=name,
        note=note,
        signature=signature,
        channel=AnswerChannel.ON_SITE,
        by=request.user,
    )


@router.get("/public/quotes/{token}", auth=None, response=answers(QuoteOut, 404))
def public_quote(request: HttpRequest, token: str) -> Quote:
    """The quote a link opens, without an account (the token is signed; it opens one quote only)."""
    return quote_from_token(token)


@router.post("/public/quotes/{token}/answer", auth=None, response=answers(QuoteOut, 400, 404, 409))
def public_answer(request: HttpRequest, token: str, payload: LinkAnswerIn) -> Quote:
    """The customer approves or declines from the link (name and time are kept). Once only."""
    return services.answer_quote(quote_from_token(token), **payload.model_dump(), channel=AnswerChannel.LINK)


# ---- invoices ----------------------------------------------------------------------------------
@router.get("/invoices", response=answers(InvoicePage, 400, 403))
def list_invoices(request: HttpRequest, filters: Query[InvoiceQuery]) -> dict[str, Any]:
    _require_invoices(request)
    qs = selectors.with_outstanding(invoices_visible_to(request.user))
    for field in ("status", "customer", "order"):
        value = getattr(filters, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return _page(qs, filters)


@router.post("/orders/{order_id}/invoices", response=answers(InvoiceOut, 400, 403, 404, 409, 422, status=201))
def create_invoice(request: HttpRequest, order_id: int, payload: InvoiceIn) -> Created:
    """A draft invoice of approved lines the customer pays (finance only)."""
    order = _order(request, order_id)
    return idempotent(
        request,
        lambda: (201, InvoiceOut.from_orm(services.create_invoice(order, by=request.user, **payload.model_dump()))),
    )


@router.get("/invoices/{invoice_id}", response=answers(InvoiceOut, 403, 404))
def get_invoice_(request: HttpRequest, invoice_id: int) -> Invoice:
    _require_invoices(request)
    return get_invoice(user=request.user, invoice_id=invoice_id)


@router.get(
    "/invoices/{invoice_id}/pdf",
    response=answers(None, 403, 404),
    openapi_extra=file_answer("The invoice as an A4 PDF.", "application/pdf"),
)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice as an A4 PDF (``application/pdf``), made on the server."""
    _require_invoices(request)
    return invoice_pdf_response(request, get_invoice(user=request.user, invoice_id=invoice_id))


@router.patch("/invoices/{invoice_id}", response=answers(InvoiceOut, 400, 403, 404, 409))
def update_invoice(request: HttpRequest, invoice_id: int, payload: InvoicePatch) -> Invoice:
    """Correct the buyer of a draft (an issued invoice answers 409 ``invoice_issued``)."""
    _require_invoices(request)
    invoice = get_invoice(user=request.user, invoice_id=invoice_id)
    return services.update_invoice(invoice, by=request.user, **payload.model_dump(exclude_unset=True))


@router.post("/invoices/{invoice_id}/issue", response=answers(InvoiceOut, 403, 404, 409))
def issue_invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    _require_invoices(request)
    return services.issue_invoice(get_invoice(user=request.user, invoice_id=invoice_id), by=request.user)


@router.post("/invoices/{invoice_id}/fapiao", response=answers(InvoiceOut, 400, 403, 404, 409))
def set_fapiao(request: HttpRequest, invoice_id: int, payload: FapiaoIn) -> Invoice:
    _require_invoices(request)
    invoice = get_invoice(user=request.user, invoice_id=invoice_id)
    return services.set_fapiao_number(invoice, by=request.user, **payload.model_dump())


@router.post("/invoices/{invoice_id}/credit-note", response=answers(CreditOut, 400, 403, 404, 409, 422, status=201))
def credit_invoice(request: HttpRequest, invoice_id: int, payload: CreditIn) -> Created:
    _require_invoices(request)
    invoice = get_invoice(user=request.user, invoice_id=invoice_id)
    return idempotent(
        request,
        lambda: (201, CreditOut.from_orm(services.credit_invoice(invoice, by=request.user, **payload.model_dump()))),
    )


@router.post("/invoices/{invoice_id}/payments", response=answers(PaymentOut, 400, 403, 404, 409, 422, status=201))
def record_payment(request: HttpRequest, invoice_id: int, payload: PaymentIn) -> Created:
    """A payment against an issued invoice; more than is owed needs ``advance`` (else 400 ``overpayment``)."""
    _require_invoices(request)
    invoice = get_invoice(user=request.user, invoice_id=invoice_id)
    return idempotent(
        request,
        lambda: (201, PaymentOut.from_orm(services.record_payment(invoice, by=request.user, **payload.model_dump()))),
    )


@router.get("/receivables", response=answers(ReceivablesOut, 403))
def receivables(request: HttpRequest) -> dict[str, Any]:
    """Issued invoices with money owed, by age (days past their due date)."""
    _require_invoices(request)
    today = timezone.localdate()
    rows = selectors.receivables(user=request.user, today=today)
    return {"today": today, "totals": selectors.ageing_totals(rows), "rows": rows}


@router.get("/ledger", response=answers(LedgerPage, 400, 403))
def ledger(request: HttpRequest, filters: Query[LedgerQuery]) -> dict[str, Any]:
    """The append-only fee ledger of the invoices' centres, newest first."""
    _require_invoices(request)
    qs = LedgerEntry.objects.filter(order__in=_visible_orders(request))
    for field in ("account", "customer", "order"):
        value = getattr(filters, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return _page(qs, filters)


# ---- return to factory -------------------------------------------------------------------------
class FactoryShipIn(Input):
    factory: str = model_field(FactoryReturn, "factory")
    carrier: str = model_field(FactoryReturn, "carrier")
    waybill: str = model_field(FactoryReturn, "waybill")
    shipped_on: Day | None = None
    chase_every_days: int | None = Field(None, ge=1, le=30)


class FactoryQuoteIn(Input):
    diagnosis: str = model_field(FactoryReturn, "factory_diagnosis")
    amount: AmountText = Field(description="The factory's quote (CNY, before tax).")
    margin_percent: NumberText | None = Field(
        None, description="Our margin on top (default AFTERSALES['FACTORY_MARGIN_PERCENT'])."
    )


class FactoryBackIn(Input):
    carrier: str = model_field(FactoryReturn, "return_carrier")
    waybill: str = model_field(FactoryReturn, "return_waybill")
    returned_on: Day | None = None


class FactoryReceiveIn(Input):
    received_on: Day | None = None


class FactoryReturnOut(Schema):
    id: int
    order_id: int
    status: Annotated[str, Choice(FactoryReturnStatus)]
    factory: str
    carrier: str
    waybill: str
    shipped_on: datetime.date
    expected_by: datetime.date
    factory_diagnosis: str
    factory_quote: Decimal | None
    margin_percent: Decimal
    charge_line_id: int | None
    return_carrier: str
    return_waybill: str
    returned_on: datetime.date | None
    received_on: datetime.date | None
    chase_every_days: int
    next_chase_on: datetime.date | None
    chase_count: int


class FactoryReturnPage(Schema):
    items: list[FactoryReturnOut]
    next_cursor: str | None


@router.get("/orders/{order_id}/factory-returns", response=answers(FactoryReturnPage, 400, 403, 404))
def list_factory_returns(request: HttpRequest, order_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    order = _order(request, order_id)
    return _page(order.factory_returns.all(), query)


@router.post(
    "/orders/{order_id}/factory-returns", response=answers(FactoryReturnOut, 400, 403, 404, 409, 422, status=201)
)
def ship_to_factory(request: HttpRequest, order_id: int, payload: FactoryShipIn) -> Created:
    """The unit leaves for its factory (返厂); the order's clock stands still until it is back."""
    order = _order(request, order_id)
    return idempotent(
        request,
        lambda: (
            201,
            FactoryReturnOut.from_orm(factory.ship_to_factory(order, by=request.user, **payload.model_dump())),
        ),
    )


@router.post("/factory-returns/{return_id}/quote", response=answers(FactoryReturnOut, 400, 403, 404, 409))
def factory_quote(request: HttpRequest, return_id: int, payload: FactoryQuoteIn) -> FactoryReturn:
    """The factory's diagnosis and quote: a factory-repair line of the quote plus our margin."""
    fr = factory.get_factory_return(user=request.user, return_id=return_id)
    return factory.record_factory_quote(fr, by=request.user, **payload.model_dump())


@router.post("/factory-returns/{return_id}/ship-back", response=answers(FactoryReturnOut, 400, 403, 404, 409))
def factory_ship_back(request: HttpRequest, return_id: int, payload: FactoryBackIn) -> FactoryReturn:
    fr = factory.get_factory_return(user=request.user, return_id=return_id)
    return factory.record_factory_shipment_back(fr, by=request.user, **payload.model_dump())


@router.post("/factory-returns/{return_id}/receive", response=answers(FactoryReturnOut, 400, 403, 404, 409))
def factory_receive(request: HttpRequest, return_id: int, payload: FactoryReceiveIn) -> FactoryReturn:
    """The unit is back: the due date moves by the working days it was away."""
    fr = factory.get_factory_return(user=request.user, return_id=return_id)
    return factory.receive_from_factory(fr, by=request.user, **payload.model_dump())


# ---- exchange ----------------------------------------------------------------------------------
class ExchangeIn(Input):
    reason: str = model_field(Exchange, "reason")


class ExchangeDecisionIn(Input):
    approve: bool
    note: str = model_field(Exchange, "decision_note", "")


class FactoryAnswerIn(Input):
    agreed: bool
    note: str = model_field(Exchange, "factory_note", "")


class ExchangeShipIn(Input):
    carrier: str = model_field(Exchange, "carrier")
    waybill: str = model_field(Exchange, "waybill")
    original_packaging: bool = Field(description="The old unit goes back in its original packaging (required).")
    shipped_on: Day | None = None
    freight: AmountText | None = Field(None, description="Freight of this leg (CNY, before tax): a charge line.")


class ExchangeDeliverIn(Input):
    serial_number: str = Field(max_length=64)
    delivered_on: Day | None = None
    freight: AmountText | None = Field(None, description="Freight of this leg (CNY, before tax): a charge line.")


class ExchangeOut(Schema):
    id: int
    order_id: int
    status: Annotated[str, Choice(ExchangeStatus)]
    old_unit_id: int
    reason: str
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    decision_note: str
    factory_agreed: bool | None
    factory_note: str
    carrier: str
    waybill: str
    shipped_on: datetime.date | None
    original_packaging: bool
    new_unit_id: int | None
    delivered_on: datetime.date | None
    created_at: datetime.datetime


class ExchangePage(Schema):
    items: list[ExchangeOut]
    next_cursor: str | None


class ExchangeQuery(Schema):
    status: ExchangeStatus | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/exchanges", response=answers(ExchangePage, 400))
def list_exchanges(request: HttpRequest, filters: Query[ExchangeQuery]) -> dict[str, Any]:
    """Exchanges of the orders one sees, newest first (``status=requested``: the manager's approvals)."""
    qs = exchanges_visible_to(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return _page(qs, filters)


@router.get("/orders/{order_id}/exchanges", response=answers(ExchangePage, 400, 403, 404))
def order_exchanges(request: HttpRequest, order_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    order = _order(request, order_id)
    return _page(order.exchanges.all(), query)


@router.post("/orders/{order_id}/exchanges", response=answers(ExchangeOut, 400, 403, 404, 409, 422, status=201))
def request_exchange(request: HttpRequest, order_id: int, payload: ExchangeIn) -> Created:
    """Ask for an exchange of the order's unit (in warranty only); the manager approves it."""
    order = _order(request, order_id)
    return idempotent(
        request,
        lambda: (201, ExchangeOut.from_orm(exchange.request_exchange(order, by=request.user, **payload.model_dump()))),
    )


@router.get("/exchanges/{exchange_id}", response=answers(ExchangeOut, 404))
def get_exchange(request: HttpRequest, exchange_id: int) -> Exchange:
    return exchange.get_exchange(user=request.user, exchange_id=exchange_id)


@router.post("/exchanges/{exchange_id}/decision", response=answers(ExchangeOut, 400, 403, 404, 409))
def decide_exchange(request: HttpRequest, exchange_id: int, payload: ExchangeDecisionIn) -> Exchange:
    """The service manager approves or refuses (a refusal needs a note)."""
    ex = exchange.get_exchange(user=request.user, exchange_id=exchange_id)
    return exchange.decide_exchange(ex, by=request.user, **payload.model_dump())


@router.post("/exchanges/{exchange_id}/factory-answer", response=answers(ExchangeOut, 400, 403, 404, 409))
def exchange_factory_answer(request: HttpRequest, exchange_id: int, payload: FactoryAnswerIn) -> Exchange:
    """The factory agrees or refuses (then another resolution is agreed with the customer)."""
    ex = exchange.get_exchange(user=request.user, exchange_id=exchange_id)
    return exchange.record_factory_answer(ex, by=request.user, **payload.model_dump())


@router.post("/exchanges/{exchange_id}/ship-old", response=answers(ExchangeOut, 400, 403, 404, 409))
def exchange_ship_old(request: HttpRequest, exchange_id: int, payload: ExchangeShipIn) -> Exchange:
    """The old unit goes back in its original packaging (before the factory agreed: 409)."""
    ex = exchange.get_exchange(user=request.user, exchange_id=exchange_id)
    return exchange.ship_old_unit(ex, by=request.user, **payload.model_dump())


@router.post("/exchanges/{exchange_id}/deliver", response=answers(ExchangeOut, 400, 403, 404, 409))
def exchange_deliver(request: HttpRequest, exchange_id: int, payload: ExchangeDeliverIn) -> Exchange:
    """The new unit is delivered: registered on the customer's site with its warranty from that day."""
    ex = exchange.get_exchange(user=request.user, exchange_id=exchange_id)
    return exchange.deliver_new_unit(ex, by=request.user, **payload.model_dump())


# ---- installation and commissioning ------------------------------------------------------------
class InstallationIn(Input):
    mode: InstallationMode
    product_model_id: int | None = None
    appointment_at: Moment | None = None
    engineers: str = model_field(Installation, "engineers", "")


class CommissioningIn(Input):
    done: list[int] | None = Field(None, max_length=100, description="Checklist items done (their index).")
    readings_before: str | None = Field(None, max_length=2000)
    readings_after: str | None = Field(None, max_length=2000)
    training_done: bool | None = None


class ChecklistItemOut(Schema):
    item: str
    done: bool


class InstallationOut(Schema):
    id: int
    order_id: int
    mode: Annotated[str, Choice(InstallationMode)]
    status: Annotated[str, Choice(InstallationStatus)]
    product_model_id: int | None
    appointment_at: datetime.datetime | None
    engineers: str
    training_done: bool
    checklist: list[ChecklistItemOut]
    readings_before: str
    readings_after: str
    accepted_at: datetime.datetime | None
    accepted_by_name: str
    has_signature: bool
    unit_ids: list[int]

    @staticmethod
    def resolve_has_signature(inst: Installation) -> bool:
        return bool(inst.signature)

    @staticmethod
    def resolve_unit_ids(inst: Installation) -> list[int]:
        return sorted(unit.pk for unit in inst.units.all())


@router.get("/orders/{order_id}/installation", response=answers(InstallationOut, 403, 404))
def get_installation(request: HttpRequest, order_id: int) -> Installation:
    order = _order(request, order_id)
    found = Installation.objects.filter(order=order).first()
    if found is None:
        raise NotFoundError("not_found", _("No installation is planned for this order."))
    return found


@router.post("/orders/{order_id}/installation", response=answers(InstallationOut, 400, 403, 404, 409, 422, status=201))
def plan_installation(request: HttpRequest, order_id: int, payload: InstallationIn) -> Created:
    """Plan the installation of an installation order: small (phone), large (on site), imported
    (the factory's engineers); the checklist is the product model's."""
    order = _order(request, order_id)
    return idempotent(
        request,
        lambda: (
            201,
            InstallationOut.from_orm(installation.plan_installation(order, by=request.user, **payload.model_dump())),
        ),
    )


@router.post("/installations/{installation_id}/commissioning", response=answers(InstallationOut, 400, 403, 404, 409))
def record_commissioning(request: HttpRequest, installation_id: int, payload: CommissioningIn) -> Installation:
    """Tick checklist items, record readings before and after, the operators' training."""
    inst = installation.get_installation(user=request.user, installation_id=installation_id)
    return installation.record_commissioning(inst, by=request.user, **payload.model_dump())


@router.post("/installations/{installation_id}/acceptance", response=answers(InstallationOut, 400, 403, 404, 409))
def accept_installation(
    request: HttpRequest,
    installation_id: int,
    name: Form[str],
    units: Form[str],
    signature: File[UploadedFile],
) -> Installation:
    """The customer's acceptance (multipart): name, a drawn signature (PNG) and ``units``, a JSON list of
    ``{"serial_number", "product_model_id"?}``. Registers the units with their warranty from today and
    releases the invoice."""
    inst = installation.get_installation(user=request.user, installation_id=installation_id)
    try:
        rows = json.loads(units)
    except ValueError as exc:
        raise ValidationFailed("invalid_input", _("Units are a JSON list."), field="units") from exc
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValidationFailed("invalid_input", _("Units are a JSON list."), field="units")
    return installation.accept_installation(inst, by=request.user, name=name, signature=signature, units=rows)


# ---- logistics chasing -------------------------------------------------------------------------
class PickupNoticeIn(Input):
    noticed_on: Day | None = None
    note: str = model_field(PickupNotice, "note", "")


class PickupNoticeOut(Schema):
    id: int
    request_id: int
    noticed_on: datetime.date
    note: str


class AwaitingOut(Schema):
    id: int
    number: str
    supplier_id: int | None
    supplier_name: str
    location_id: int
    sent_at: datetime.datetime

    @staticmethod
    def resolve_supplier_name(request: StockRequest) -> str:
        return request.supplier.name if request.supplier else ""


class AwaitingPage(Schema):
    items: list[AwaitingOut]
    next_cursor: str | None


@router.get("/logistics/awaiting-pickup", response=answers(AwaitingPage, 400))
def awaiting_pickup(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Purchases sent to a factory with no pick-up notice yet, oldest first (chased every
    ``AFTERSALES["LOGISTICS_CHASE_DAYS"]`` working days)."""
    return _page(logistics.awaiting_pickup_for(request.user), query)


@router.post(
    "/stock-requests/{request_id}/pickup-notice",
    response=answers(PickupNoticeOut, 400, 403, 404, 409, 422, status=201),
)
def pickup_notice(request: HttpRequest, request_id: int, payload: PickupNoticeIn) -> Created:
    """The factory's pick-up notice for a purchase (parts keepers): the chasing stops."""
    stock_request = StockRequest(pk=request_id)
    return idempotent(
        request,
        lambda: (
            201,
            PickupNoticeOut.from_orm(
                logistics.record_pickup_notice(stock_request, by=request.user, **payload.model_dump())
            ),
        ),
    )
