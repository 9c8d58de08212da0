"""The complaint ledger (投诉台账) as xlsx/CSV: the "complaints" export kind, registered in
``CareConfig.ready()`` and served by ``exchange``. The rows are those of the complaint list in the
caller's scope (``complaints_visible_to``), filtered as on the list (``status``); no phone numbers,
so no audit row."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.care.choices import ComplaintStatus
from aftersales.care.models import Complaint
from aftersales.care.permissions import complaints_visible_to
from aftersales.core.filtering import check_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display
from aftersales.service.models import ServiceOrder

COMPLAINT_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Opened at"),
    gettext_lazy("Customer"),
    gettext_lazy("Service centre"),
    gettext_lazy("Source"),
    gettext_lazy("Cause"),
    gettext_lazy("Status"),
    gettext_lazy("Handled by"),
    gettext_lazy("Owner"),
    gettext_lazy("Answer due"),
    gettext_lazy("Escalated at"),
    gettext_lazy("Orders"),
    gettext_lazy("Description"),
    pgettext_lazy("how a problem was resolved", "Resolution"),
    gettext_lazy("Resolved at"),
    gettext_lazy("Accepted by the customer"),
    gettext_lazy("Closed at"),
)


class ComplaintFilter(django_filters.FilterSet):
    """The complaint list's filter (the screen's status tabs, ``GET /care/complaints``)."""

    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)

    class Meta:
        model = Complaint
        fields: list[str] = []


def complaint_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Every complaint the user sees (newest first), with what it was about and how it ended."""
    filterset = check_filters(ComplaintFilter(data=params, queryset=complaints_visible_to(user)))
    complaints = capped(
        filterset.qs.select_related("customer", "service_center", "owner")
        .prefetch_related(Prefetch("orders", queryset=ServiceOrder.objects.only("id", "number").order_by("id")))
        .order_by("-id")
    )

    def generate() -> Iterator[list[Any]]:
        for complaint in complaints.iterator(chunk_size=CHUNK_SIZE):
            yield [
                complaint.number,
                complaint.opened_at,
                complaint.customer.name,
                complaint.service_center.name,
                display(complaint, "source"),
                display(complaint, "cause"),
                display(complaint, "status"),
                display(complaint, "level"),
                str(complaint.owner),
                complaint.due_at,
                complaint.escalated_at,
                ", ".join(order.number for order in complaint.orders.all()),
                complaint.description,
                complaint.resolution,
                complaint.resolved_at,
                complaint.accepted,
                complaint.closed_at,
            ]

    return ExportRows(rows=generate(), filters=filterset.form.cleaned_data)
