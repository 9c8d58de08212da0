"""The columns of a records list, by the model of the records (the click-through of a figure), and the
records one cell of a figure counts (``cell_records``: the console's records list, its export and the API)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.care.models import Complaint, FollowUpCall
from aftersales.contracts.models import ContractVisit
from aftersales.core.errors import ValidationFailed
from aftersales.money.models import ChargeLine
from aftersales.parts.models import StockMove, SupplierClaim, VisitPart
from aftersales.reports.engine import FigureSpec, UnknownCell, records
from aftersales.reports.filters import Filters, parse_filters
from aftersales.service.models import ServiceOrder, Visit
from aftersales.workforce.models import Attendance


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]
    link: Callable[[Any], str | None] = lambda _o: None
    money: bool = False  # an amount in CNY: the xlsx export formats it #,##0.00


def _order_link(order_id: int | None) -> str | None:
    return reverse("service:order_detail", args=[order_id]) if order_id else None


def _order(path: str = "order") -> Column:
    def value(obj: Any) -> Any:
        order = getattr(obj, path) if path else obj
        return order.number if order else "—"

    def link(obj: Any) -> str | None:
        return _order_link(getattr(obj, f"{path}_id") if path else obj.pk)

    return Column(_("Order"), value, link)


def _display(name: str) -> Callable[[Any], Any]:
    return lambda o: getattr(o, f"get_{name}_display")()


LISTS: dict[type, tuple[tuple[str, ...], tuple[Column, ...]]] = {
    ServiceOrder: (
        ("service_center", "customer"),
        (
            _order(""),
            Column(_("Status"), _display("status")),
            Column(_("Kind"), _display("kind")),
            Column(_("Service centre"), lambda o: o.service_center.name),
            Column(_("Customer"), lambda o: o.customer.name),
            Column(_("Received"), lambda o: o.received_at),
            Column(_("Completed"), lambda o: o.completed_at),
        ),
    ),
    Visit: (
        ("order", "technician"),
        (
            _order(),
            Column(_("Technician"), lambda o: o.technician),
            Column(_("Arrived"), lambda o: o.arrived_at),
            Column(_("Departed"), lambda o: o.departed_at),
        ),
    ),
    Attendance: (
        ("person",),
        (
            Column(_("Person"), lambda o: o.person),
            Column(_("Day"), lambda o: o.day),
            Column(_("Checked in"), lambda o: o.checked_in_at),
            Column(_("Checked out"), lambda o: o.checked_out_at),
        ),
    ),
    VisitPart: (
        ("order", "part"),
        (
            _order(),
            Column(_("Part"), lambda o: f"{o.part.number} {o.part.name}"),
            Column(_("Quantity"), lambda o: o.quantity),
            Column(_("List price"), lambda o: o.unit_price, money=True),
            Column(_("Time"), lambda o: o.created_at),
        ),
    ),
    StockMove: (
        ("part", "location"),
        (
            Column(_("Part"), lambda o: f"{o.part.number} {o.part.name}"),
            Column(_("Location"), lambda o: o.location.code),
            Column(_("Entry"), _display("kind")),
            Column(_("On hand change"), lambda o: o.on_hand_delta),
            Column(_("Time"), lambda o: o.created_at),
        ),
    ),
    ChargeLine: (
        ("order",),
        (
            _order(),
            Column(_("Charge"), _display("kind")),
            Column(_("Description"), lambda o: o.description),
            Column(_("Borne by"), _display("bearer")),
            Column(_("Gross"), lambda o: o.gross, money=True),
        ),
    ),
    SupplierClaim: (
        ("supplier", "part", "order"),
        (
            Column(_("Claim"), lambda o: o.number),
            Column(_("Supplier"), lambda o: o.supplier.name),
            Column(_("Part"), lambda o: o.part.number),
            Column(_("Status"), _display("status")),
            Column(_("Claimed"), lambda o: o.amount_claimed, money=True),
            Column(_("Recovered"), lambda o: o.amount_recovered, money=True),
        ),
    ),
    ContractVisit: (
        ("contract",),
        (
            Column(
                _("Contract"),
                lambda o: o.contract.number,
                lambda o: reverse("contracts:contract_detail", args=[o.contract_id]),
            ),
            Column(_("Due"), lambda o: o.due_on),
            Column(_("Status"), _display("status")),
            Column(_("Done"), lambda o: o.done_at),
        ),
    ),
    FollowUpCall: (
        ("task", "task__service_center"),
        (
            Column(
                _("Follow-up"),
                lambda o: o.task_id,
                lambda o: reverse("care:follow_up_detail", args=[o.task_id]),
            ),
            Column(_("Service centre"), lambda o: o.task.service_center.name),
            Column(_("Called"), lambda o: o.at),
            Column(_("Score"), lambda o: o.score),
            Column(_("NPS answer"), lambda o: o.nps),
        ),
    ),
    Complaint: (
        ("service_center",),
        (
            Column(_("Complaint"), lambda o: o.number, lambda o: reverse("care:complaint_detail", args=[o.pk])),
            Column(_("Cause"), _display("cause")),
            Column(_("Status"), _display("status")),
            Column(_("Opened"), lambda o: o.opened_at),
            Column(_("Resolved"), lambda o: o.resolved_at),
        ),
    ),
}


def record_columns(source: str, qs: QuerySet[Any]) -> tuple[tuple[Column, ...], QuerySet[Any]]:
    """The columns for ``qs``'s model and ``qs`` with what they read joined in, newest first."""
    related, columns = LISTS[qs.model]
    return columns, qs.select_related(*related).order_by("-pk")


@dataclass(frozen=True)
class CellRecords:
    """The records one cell of a figure counts, newest first, with their list's columns."""

    spec: FigureSpec
    filters: Filters
    cell: dict[str, str]  # measure, grouping ("by") and row, as asked
    columns: tuple[Column, ...]
    records: QuerySet[Any]


def cell_records(spec: FigureSpec, *, user: Any, params: Mapping[str, Any]) -> CellRecords:
    """The records of the cell of ``spec`` that ``params`` name (``measure``, ``by``, ``row``; no ``by``: the
    total) under the dashboards' filters (``from``, ``to``, ``centre``, ``model``, ``customer``), in the
    scope of ``user`` (the figure's sources are scoped). A bad filter or a cell the figure does not have is
    400 ``invalid_filter`` naming the field; a centre, model or customer out of scope is 404."""
    filters = parse_filters(user, params)
    cell = {
        "measure": str(params.get("measure") or ""),
        "grouping": str(params.get("by") or ""),
        "row": str(params.get("row") or ""),
    }
    try:
        source, qs = records(spec, user, filters, **cell)
    except UnknownCell as unknown:
        field = unknown.args[0]
        message = gettext("%(field)s: the figure has no such cell.") % {"field": field}
        raise ValidationFailed("invalid_filter", message, field=field) from None
    columns, qs = record_columns(source, qs)
    return CellRecords(spec, filters, cell, columns, qs)
