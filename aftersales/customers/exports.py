"""The customer export, registered as the "customers" export kind in ``CustomersConfig.ready()``;
``exchange`` writes the file, checks the kind's permission and writes the audit row (phones)."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from aftersales.core.filtering import check_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display, export_phone
from aftersales.customers.filters import CustomerFilter
from aftersales.customers.models import Contact, Customer, Site
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


def _marked(text: str, record: Contact | Site) -> str:
    """A contact or site out of use still listed (old orders name it), marked as such for the reader."""
    if record.in_use:
        return text
    mark = gettext("(not in use)")
    return f"{text} {mark}"


def _customer_cells(customer: Customer) -> list[Any]:
    contacts = list(customer.contacts.all())  # prefetched: in use first, primary first
    # The Contact and Mobile columns are whom to call: a contact in use, or none when all have left.
    first = contacts[0] if contacts and contacts[0].in_use else None
    others = contacts[1:] if first else contacts
    return [
        customer.pk,
        customer.name,
        display(customer, "kind"),
        customer.service_center.name,
        first.name if first else "",
        export_phone(first.mobile) if first else "",
        "; ".join(_marked(f"{c.name} {export_phone(c.mobile)}", c) for c in others),
        "; ".join(_marked(f"{s.name}: {s.full_address}", s) for s in customer.sites.all()),  # in use first
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
