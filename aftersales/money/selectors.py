"""Reads of money with domain names: the price of a code on a day, an order's lines and quotes,
what an invoice still owes, receivables by age, what waits to be invoiced."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from aftersales.accounts.models import User
from aftersales.core.models import ComputedAmountField
from aftersales.money.choices import Bearer, InvoiceStatus, LineStatus, QuoteStatus
from aftersales.money.models import ChargeLine, Invoice, Payment, Price, Quote
from aftersales.money.permissions import invoices_visible_to, quotes_visible_to
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to

ZERO = Decimal("0.00")


_MONEY = ComputedAmountField()


def price_on(*, code: str, day: datetime.date) -> Price | None:
    """The price of ``code`` that applies on ``day``: the latest ``valid_from`` not after it."""
    return Price.objects.filter(code=code.upper(), valid_from__lte=day).order_by("-valid_from").first()


def current_prices(*, day: datetime.date) -> list[Price]:
    """Each code's price on ``day`` (one query; the list is small)."""
    seen: dict[str, Price] = {}
    for price in Price.objects.filter(valid_from__lte=day).order_by("code", "-valid_from"):
        seen.setdefault(price.code, price)
    return list(seen.values())


def order_lines(order: ServiceOrder) -> QuerySet[ChargeLine]:
    return order.charge_lines.order_by("id")


def order_quotes(order: ServiceOrder) -> QuerySet[Quote]:
    return order.quotes.order_by("-id")


def pending_quote(order: ServiceOrder) -> Quote | None:
    return order.quotes.filter(status=QuoteStatus.SENT).first()


def has_approved_quote(order: ServiceOrder) -> bool:
    return order.quotes.filter(status=QuoteStatus.APPROVED).exists()


def lines_to_invoice(order: ServiceOrder) -> QuerySet[ChargeLine]:
    """Approved lines the customer pays that no live invoice holds."""
    return order.charge_lines.filter(bearer=Bearer.CUSTOMER, status=LineStatus.APPROVED).order_by("id")


def _paid_subquery() -> Subquery:
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum(F("amount") - F("advance"), output_field=_MONEY))
        .values("s")
    )
    return Subquery(paid, output_field=_MONEY)


def with_outstanding(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate ``paid`` and ``outstanding`` (gross less what was paid against it; 0 once credited)."""
    qs = qs.annotate(paid=Coalesce(_paid_subquery(), Value(ZERO), output_field=_MONEY))
    return qs.annotate(outstanding=ExpressionWrapper(F("gross") - F("paid"), output_field=_MONEY))


def outstanding(invoice: Invoice) -> Decimal:
    if invoice.status != InvoiceStatus.ISSUED:
        return ZERO
    paid = invoice.payments.aggregate(s=Sum(F("amount") - F("advance"), output_field=_MONEY))["s"] or ZERO
    return invoice.gross - paid


AGE_BUCKETS = ((0, "current"), (1, "1-30"), (31, "31-60"), (61, "61-90"), (91, "90+"))


def age_bucket(*, due_on: datetime.date | None, today: datetime.date) -> str:
    days = (today - due_on).days if due_on else 0
    label = "current"
    for start, name in AGE_BUCKETS:
        if days >= start:
            label = name
    return label


@dataclass(frozen=True)
class AgeingRow:
    invoice: Invoice
    days_overdue: int
    bucket: str


def receivables(*, user: User, today: datetime.date) -> list[AgeingRow]:
    """Issued invoices with money still owed, oldest due first, with their age (days past due)."""
    qs = with_outstanding(invoices_visible_to(user).filter(status=InvoiceStatus.ISSUED))
    qs = qs.filter(outstanding__gt=0).select_related("customer", "order").order_by("due_on", "id")  # type: ignore[misc]
    return [
        AgeingRow(
            inv, max((today - inv.due_on).days, 0) if inv.due_on else 0, age_bucket(due_on=inv.due_on, today=today)
        )
        for inv in qs
    ]


def ageing_totals(rows: list[AgeingRow]) -> dict[str, Decimal]:
    totals = {name: ZERO for _, name in AGE_BUCKETS}
    for row in rows:
        totals[row.bucket] += row.invoice.outstanding  # type: ignore[attr-defined]
    return totals


def orders_to_invoice(*, user: User) -> QuerySet[ServiceOrder]:
    """Orders of the user's scope with approved customer lines no invoice holds yet."""
    waiting = ChargeLine.objects.filter(bearer=Bearer.CUSTOMER, status=LineStatus.APPROVED).values("order_id")
    return orders_visible_to(user).filter(pk__in=waiting)


def quotes_waiting(*, user: User) -> QuerySet[Quote]:
    return quotes_visible_to(user).filter(status=QuoteStatus.SENT).select_related("order").order_by("expires_at", "id")


def overdue_invoices(*, user: User, today: datetime.date) -> QuerySet[Invoice]:
    qs = with_outstanding(invoices_visible_to(user).filter(status=InvoiceStatus.ISSUED, due_on__lt=today))
    return qs.filter(outstanding__gt=0)  # type: ignore[misc]  # the annotation of with_outstanding
