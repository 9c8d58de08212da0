"""The invoice export for the accounting system (xlsx and CSV through ``exchange``): date, number,
customer, tax number, net, tax, gross, as Decimal (never a float), credit notes as negative rows."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from aftersales.core.registry import ExportRows
from aftersales.money.choices import InvoiceStatus
from aftersales.money.models import CreditNote
from aftersales.money.permissions import invoices_visible_to

INVOICE_COLUMNS = (
    gettext_lazy("Date"),
    gettext_lazy("Number"),
    gettext_lazy("发票 number"),
    gettext_lazy("Customer"),
    gettext_lazy("Tax number"),
    gettext_lazy("Net"),
    gettext_lazy("Tax"),
    gettext_lazy("Gross"),
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
