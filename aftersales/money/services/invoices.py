"""Invoices, credit notes and payments (domain.md Fees §6 1.5.4: after the repair finance invoices
and chases payment). Only finance writes here.

An invoice is drafted from approved lines the customer pays, then issued: it takes the year's next
number and its due date, and the receivable is booked. An issued invoice never changes (409
``invoice_issued``): a credit note cancels it and its lines may be invoiced again. Payments may be
partial; more than is owed is refused unless the excess is marked as an advance.
"""

import datetime
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.tax_numbers import require_tax_number
from aftersales.core.validation import require_choice, require_in_range, require_text
from aftersales.money import ledger
from aftersales.money.amounts import total
from aftersales.money.choices import Bearer, InvoiceStatus, LedgerAccount, LedgerKind, LineStatus, PaymentMethod
from aftersales.money.conf import payment_terms_days
from aftersales.money.models import ChargeLine, CreditNote, Invoice, InvoiceLine, Payment
from aftersales.money.permissions import can_invoice, invoices_visible_to
from aftersales.money.selectors import outstanding
from aftersales.money.services.common import require_amount
from aftersales.service.models import ServiceOrder
from aftersales.service.services.common import lock_order


def yearly_number(prefix: str, *, day: datetime.date) -> str:
    """``INV-2026-000001``: gap-free per year (the counter of 1 January of the year)."""
    raw = next_number(prefix=prefix, day=datetime.date(day.year, 1, 1), width=6)
    return f"{prefix}-{day.year}-{raw[-6:]}"


def _require_finance(by: User, order: ServiceOrder | None = None) -> None:
    if not can_invoice(by, order):
        raise PermissionDeniedError("forbidden", _("Only finance issues invoices and records payments."))


def get_invoice(*, user: User, invoice_id: int) -> Invoice:
    invoice = invoices_visible_to(user).select_related("order", "customer").filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFoundError("not_found", _("No such invoice."))
    return invoice


def _lock_invoice(invoice: Invoice, *, by: User) -> Invoice:
    lock_order(invoice.order, by=by)
    return Invoice.objects.select_for_update(of=("self",)).select_related("order", "customer").get(pk=invoice.pk)


# 发票号码: 8 digits on a paper 发票, 20 on a digital one (数电发票). "abc" was taken (found by hand,
# 2026-12-06). A buyer's tax number (纳税人识别号): core.tax_numbers, shared with the company profile.
FAPIAO_NUMBER = re.compile(r"[0-9]{8}|[0-9]{20}")


def _tax_number(value: str) -> str:
    return require_tax_number(value, field="buyer_tax_number")


@transaction.atomic
def create_invoice(
    order: ServiceOrder,
    *,
    by: User,
    line_ids: list[int] | None = None,
    buyer_name: str = "",
    buyer_tax_number: str = "",
) -> Invoice:
    """A draft invoice of the order's approved customer lines (all, or ``line_ids``). A line that is
    not approved, or not the customer's, answers 409 ``line_not_approved``."""
    _require_finance(by)
    order = lock_order(order, by=by)
    _require_finance(by, order)
    candidates = order.charge_lines.select_for_update().order_by("id")
    if line_ids:
        lines = list(candidates.filter(pk__in=line_ids))
        if len(lines) != len(set(line_ids)):
            raise ValidationFailed("unknown_line", _("A line given is not on this order."), field="line_ids")
        for line in lines:
            if line.status != LineStatus.APPROVED or line.bearer != Bearer.CUSTOMER:
                raise ConflictError(
                    "line_not_approved",
                    _("“%(line)s” is not an approved charge the customer pays.") % {"line": line.description},
                    field="line_ids",
                )
    else:
        lines = list(candidates.filter(status=LineStatus.APPROVED, bearer=Bearer.CUSTOMER))
    if not lines:
        raise ConflictError("nothing_to_invoice", _("No approved charge of this order waits to be invoiced."))
    figures = total(lines)
    invoice = Invoice.objects.create(
        order=order,
        customer=order.customer,
        buyer_name=require_text(buyer_name or order.customer.name, field="buyer_name", max_length=200),
        buyer_tax_number=_tax_number(buyer_tax_number),
        net=figures.net,
        tax=figures.tax,
        gross=figures.gross,
        created_by=by,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            charge_line=line,
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
            net=line.net,
            tax=line.tax,
            gross=line.gross,
        )
        for line in lines
    )
    ChargeLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        status=LineStatus.INVOICED, updated_at=timezone.now()
    )
    return invoice


def _require_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise ConflictError("invoice_issued", _("An issued invoice cannot be changed: issue a credit note instead."))


@transaction.atomic
def update_invoice(
    invoice: Invoice, *, by: User, buyer_name: str | None = None, buyer_tax_number: str | None = None
) -> Invoice:
    """Correct the buyer on a draft; an issued invoice answers 409 ``invoice_issued``."""
    _require_finance(by)
    invoice = _lock_invoice(invoice, by=by)
    _require_draft(invoice)
    if buyer_name is not None:
        invoice.buyer_name = require_text(buyer_name, field="buyer_name", max_length=200)
    if buyer_tax_number is not None:
        invoice.buyer_tax_number = _tax_number(buyer_tax_number)
    invoice.save()
    return invoice


@transaction.atomic
def discard_invoice(invoice: Invoice, *, by: User) -> None:
    """Drop a draft; its lines wait to be invoiced again."""
    _require_finance(by)
    invoice = _lock_invoice(invoice, by=by)
    _require_draft(invoice)
    line_ids = list(invoice.lines.values_list("charge_line_id", flat=True))
    invoice.lines.all().delete()
    invoice.delete()
    ChargeLine.objects.filter(pk__in=line_ids).update(status=LineStatus.APPROVED, updated_at=timezone.now())


@transaction.atomic
def issue_invoice(invoice: Invoice, *, by: User, now: datetime.datetime | None = None) -> Invoice:
    """Number the invoice (per year of issue), set its due date and book the receivable. ``now``: when
    it was issued (the demo's history, issued in the order of its days; the console and the API issue
    now)."""
    _require_finance(by)
    invoice = _lock_invoice(invoice, by=by)
    _require_finance(by, invoice.order)
    _require_draft(invoice)
    now = now or timezone.now()
    today = timezone.localdate(now)
    invoice.number = yearly_number("INV", day=today)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = now
    invoice.issued_by = by
    invoice.due_on = today + datetime.timedelta(days=payment_terms_days())
    invoice.save()
    ledger.book(
        account=LedgerAccount.RECEIVABLE,
        kind=LedgerKind.INVOICE,
        amount=invoice.gross,
        actor=by,
        customer=invoice.customer,
        order=invoice.order,
        invoice=invoice,
        memo=invoice.number,
    )
    return invoice


@transaction.atomic
def set_fapiao_number(invoice: Invoice, *, by: User, fapiao_number: str) -> Invoice:
    """The number of the 发票 printed by the tax system, entered once the invoice is issued."""
    _require_finance(by)
    invoice = _lock_invoice(invoice, by=by)
    if invoice.status == InvoiceStatus.DRAFT:
        raise ConflictError("invoice_not_issued", _("Issue the invoice before entering its fapiao number."))
    number = require_text(fapiao_number, field="fapiao_number", max_length=20)
    if not FAPIAO_NUMBER.fullmatch(number):
        raise ValidationFailed(
            "invalid_fapiao_number",
            _("A fapiao number is 8 digits (a paper fapiao) or 20 digits (a digital one)."),
            field="fapiao_number",
        )
    if invoice.fapiao_number and invoice.fapiao_number != number:
        raise ConflictError(
            "invoice_issued", _("The fapiao number is entered already: credit the invoice to change it.")
        )
    invoice.fapiao_number = number
    invoice.save(update_fields=["fapiao_number", "updated_at"])
    return invoice


@transaction.atomic
def credit_invoice(invoice: Invoice, *, by: User, reason: str) -> CreditNote:
    """A credit note for the whole invoice (红字): the receivable is reversed, its lines wait to be
    invoiced again. What was paid stays paid and becomes the customer's credit on the ledger."""
    _require_finance(by)
    invoice = _lock_invoice(invoice, by=by)
    if invoice.status != InvoiceStatus.ISSUED:
        raise ConflictError("invoice_not_issued", _("Only an issued invoice can be credited."))
    reason = require_text(reason, field="reason", max_length=500)
    note = CreditNote.objects.create(
        invoice=invoice,
        number=yearly_number("CN", day=timezone.localdate()),
        reason=reason,
        net=-invoice.net,
        tax=-invoice.tax,
        gross=-invoice.gross,
        created_by=by,
    )
    invoice.status = InvoiceStatus.CREDITED
    invoice.save(update_fields=["status", "updated_at"])
    line_ids = list(invoice.lines.values_list("charge_line_id", flat=True))
    ChargeLine.objects.filter(pk__in=line_ids).update(status=LineStatus.APPROVED, updated_at=timezone.now())
    ledger.book(
        account=LedgerAccount.RECEIVABLE,
        kind=LedgerKind.CREDIT_NOTE,
        amount=note.gross,
        actor=by,
        customer=invoice.customer,
        order=invoice.order,
        invoice=invoice,
        memo=f"{note.number} {reason}",
    )
    return note


@transaction.atomic
def record_payment(
    invoice: Invoice,
    *,
    by: User,
    amount: Any,
    received_on: datetime.date | None = None,
    method: str = PaymentMethod.BANK,
    reference: str = "",
    advance: bool = False,
) -> Payment:
    """Money received against an issued invoice. Part payments are fine; paying more than is still
    owed answers 400 ``overpayment`` unless ``advance`` marks the excess as an advance (预付款)."""
    _require_finance(by)
    invoice = _lock_invoice(invoice, by=by)
    _require_finance(by, invoice.order)
    amount = require_amount(amount, field="amount", allow_zero=False)
    method = require_choice(method, field="method", choices=PaymentMethod)
    reference = require_text(reference, field="reference", max_length=60, required=False)
    day = require_in_range(received_on, field="received_on") or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed("date_in_future", _("A payment cannot be received in the future."), field="received_on")
    if invoice.status != InvoiceStatus.ISSUED:
        raise ConflictError("invoice_not_issued", _("Payments are recorded against issued invoices."))
    owed = outstanding(invoice)
    excess = max(amount - owed, Decimal("0.00"))
    if excess and not advance:
        raise ValidationFailed(
            "overpayment",
            _("Only ¥%(owed)s is still owed; mark the rest as an advance to record ¥%(amount)s.")
            % {"owed": owed, "amount": amount},
            field="amount",
            outstanding=str(owed),
        )
    payment = Payment.objects.create(
        customer=invoice.customer,
        invoice=invoice,
        amount=amount,
        advance=excess,
        received_on=day,
        method=method,
        reference=reference,
        recorded_by=by,
    )
    links = {"customer": invoice.customer, "order": invoice.order, "invoice": invoice, "payment": payment}
    if amount - excess:
        ledger.book(
            account=LedgerAccount.RECEIVABLE,
            kind=LedgerKind.PAYMENT,
            amount=-(amount - excess),
            actor=by,
            memo=reference,
            **links,
        )
    if excess:
        ledger.book(
            account=LedgerAccount.RECEIVABLE, kind=LedgerKind.ADVANCE, amount=-excess, actor=by, memo=reference, **links
        )
    return payment
