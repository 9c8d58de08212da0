"""The customer export, registered as the "customers" export kind in ``CustomersConfig.ready()``;
``exchange`` writes the file, checks the kind's permission and writes the audit row (phones)."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from aftersales.core.filtering import check_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display, export_phone
from aftersales.customers.filters import CustomerFilter
from aftersales.customers.models import Customer
from aftersales.customers.selectors import customer_list

CUSTOMER_EXPORT_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Name"),
    gettext_lazy("Kind"),
    gettext_lazy("Service centre"),
    gettext_lazy("Contact"),
    gettext_lazy("Mobile"),
    gettext_lazy("Other contacts"),
    gettext_lazy("Sites"),
    gettext_lazy("Notes"),
    gettext_lazy("Created at"),
)


def _customer_cells(customer: Customer) -> list[Any]:
    contacts = list(customer.contacts.all())  # prefetched, primary first
    first = contacts[0] if contacts else None
    return [
        customer.pk,
        customer.name,
        display(customer, "kind"),
        customer.service_center.name,
        first.name if first else "",
        export_phone(first.mobile) if first else "",
        "; ".join(f"{c.name} {export_phone(c.mobile)}" for c in contacts[1:]),
        "; ".join(f"{s.name}: {s.full_address}" for s in customer.sites.all()),
        customer.notes,
        customer.created_at,
    ]


def customer_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The customers the user may see, with every contact's phone, filtered as on the customer list
    (``CustomerFilter``: ``q``, ``phone``, ``kind``, ``service_center_id``)."""
    filterset = check_filters(CustomerFilter(data=params, queryset=customer_list(user=user)))
    qs = capped(filterset.qs.order_by("id"))
    rows = (_customer_cells(c) for c in qs.iterator(chunk_size=CHUNK_SIZE))
    return ExportRows(rows=rows, filters=filterset.form.cleaned_data)
