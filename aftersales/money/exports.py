"""The invoice export for the accounting system (xlsx and CSV through ``exchange``): date, number,
customer, tax number, net, tax, gross, as Decimal (never a float), credit notes as negative rows; and
the receivables by age (应收账款账龄), the rows of the receivables screen."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from aftersales.core.registry import ExportRows
from aftersales.core.tabular import money
from aftersales.money import selectors
from aftersales.money.choices import InvoiceStatus
from aftersales.money.models import CreditNote
from aftersales.money.permissions import invoices_visible_to

INVOICE_COLUMNS = (
    gettext_lazy("Date"),
    gettext_lazy("Number"),
    gettext_lazy("Fapiao number"),
    gettext_lazy("Customer"),
    gettext_lazy("Tax number"),
    money(gettext_lazy("Net")),
    money(gettext_lazy("Tax")),
    money(gettext_lazy("Gross")),
    gettext_lazy("Order"),
)


def _rows(user: Any) -> Iterator[list[Any]]:
    invoices = (
        invoices_visible_to(user)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("order")
        .order_by("issued_at", "id")
    )
    for inv in invoices.iterator(chunk_size=500):
        day = timezone.localdate(inv.issued_at) if inv.issued_at else None
        yield [
            day,
            inv.number,
            inv.fapiao_number,
            inv.buyer_name,
            inv.buyer_tax_number,
            inv.net,
            inv.tax,
            inv.gross,
            inv.order.number,
        ]
    notes = CreditNote.objects.filter(invoice__in=invoices_visible_to(user).values("pk")).select_related(
        "invoice", "invoice__order"
    )
    for note in notes.order_by("created_at", "id").iterator(chunk_size=500):
        inv = note.invoice
        yield [
            timezone.localdate(note.created_at),
            note.number,
            inv.fapiao_number,
            inv.buyer_name,
            inv.buyer_tax_number,
            note.net,
            note.tax,
            note.gross,
            inv.order.number,
        ]


def invoice_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    return ExportRows(rows=_rows(user), filters={})


RECEIVABLE_COLUMNS = (
    gettext_lazy("Invoice"),
    gettext_lazy("Fapiao number"),
    gettext_lazy("Customer"),
    gettext_lazy("Order"),
    gettext_lazy("Due"),
    gettext_lazy("Days overdue"),
    pgettext_lazy("how long a receivable is overdue", "Age"),
    money(gettext_lazy("Gross")),
    money(gettext_lazy("Outstanding")),
)


def _age(bucket: str) -> str:
    """The bucket as the receivables screen names it."""
    if bucket == "current":
        return gettext("Not yet due")
    return gettext("%(bucket)s days overdue") % {"bucket": bucket}


def receivable_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Issued invoices with money still owed on the day of ``now``, oldest due first (the screen's rows)."""
    rows = selectors.receivables(user=user, today=timezone.localdate(now))

    def generate() -> Iterator[list[Any]]:
        for row in rows:
            inv = row.invoice
            yield [
                inv.number,
                inv.fapiao_number,
                inv.customer.name,
                inv.order.number,
                inv.due_on,
                row.days_overdue,
                _age(row.bucket),
                inv.gross,
                inv.outstanding,  # type: ignore[attr-defined]  # with_outstanding's annotation
            ]

    return ExportRows(rows=generate(), filters={})
