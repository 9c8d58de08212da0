"""The order export, registered as the "orders" export kind in ``ServiceConfig.ready()``;
``exchange`` writes the file (xlsx/CSV), checks the kind's permission and writes the audit row."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.core.filtering import check_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, choice_label, display, export_phone
from aftersales.service.choices import SlaState
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.models import ServiceOrder
from aftersales.service.selectors import order_list
from aftersales.service.sla import sla_states

ORDER_COLUMNS = (
    pgettext_lazy("a service order's number", "Number"),
    gettext_lazy("Status"),
    gettext_lazy("Waiting for"),
    gettext_lazy("Kind"),
    gettext_lazy("Priority"),
    gettext_lazy("Channel"),
    gettext_lazy("Agreed resolution"),
    gettext_lazy("Service centre"),
    gettext_lazy("Customer"),
    gettext_lazy("Serial number"),
    gettext_lazy("Product model"),
    gettext_lazy("Technician"),
    gettext_lazy("Reporter"),
    gettext_lazy("Reporter phone"),
    gettext_lazy("Received at"),
    gettext_lazy("Due at"),
    gettext_lazy("SLA state"),
    gettext_lazy("Respond by"),
    gettext_lazy("Responded at"),
    gettext_lazy("Response state"),
    gettext_lazy("Resolution state"),
    gettext_lazy("In warranty"),
    gettext_lazy("Completed at"),
    gettext_lazy("Closed at"),
)


def _order_cells(order: ServiceOrder, *, now: datetime.datetime) -> list[Any]:
    states = sla_states(order, now=now)
    return [
        order.number,
        display(order, "status"),
        display(order, "waiting_for") if order.waiting_for else "",
        display(order, "kind"),
        display(order, "priority"),
        display(order, "channel"),
        display(order, "resolution"),
        order.service_center.name,
        order.customer.name,
        order.unit.serial_number if order.unit else "",
        order.unit.product_model.code if order.unit else "",
        str(order.technician) if order.technician else "",
        order.reporter_name,
        export_phone(order.reporter_phone),
        order.received_at,
        order.due_at,
        choice_label(SlaState, states.combined),
        order.respond_by,
        order.responded_at,
        choice_label(SlaState, states.response),
        choice_label(SlaState, states.resolution),
        order.warranty_covered,
        order.completed_at,
        order.closed_at,
    ]


def order_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The user's orders filtered as on the order list (``ServiceOrderFilter``: ``request.GET`` or a
    dict; ``status`` may be a list), newest first. An invalid filter raises before any row is read."""
    filterset = check_filters(ServiceOrderFilter(data=params, queryset=order_list(user=user)))
    qs = capped(filterset.qs.order_by("-id"))
    rows = (_order_cells(o, now=now) for o in qs.iterator(chunk_size=CHUNK_SIZE))
    return ExportRows(rows=rows, filters=filterset.form.cleaned_data)
