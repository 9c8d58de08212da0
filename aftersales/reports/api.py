"""The figures in the API: ``GET /reports/<figure>`` for each figure of the dashboards, with the
dashboards' filters (``from``, ``to``, ``centre``, ``model``, ``customer``), and ``GET
/reports/<figure>/records``: the records one cell of a figure counts (the dashboards' click-through), a
page at a time. A malformed filter is 400 (so is a period that ends before it starts or is over three
years, or a cell the figure does not have), naming the field; a centre, product model or customer
outside the reader's scope is 404, and so is an unknown figure."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.api import page_limit
from aftersales.core.errors import NotFoundError, PermissionDeniedError
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.schemas import Day, answers
from aftersales.reports.engine import FigureResult, FigureSpec, Row, compute
from aftersales.reports.figures import FIGURES
from aftersales.reports.filters import parse_filters
from aftersales.reports.permissions import can_view_reports
from aftersales.reports.record_lists import cell_records

router = Router(tags=["reports"])


class ReportFilterQuery(Schema):
    start: Day | None = Field(None, alias="from", description="First day of the period (default: 11 months back, 1st).")
    end: Day | None = Field(None, alias="to", description="Last day of the period, included (default: today).")
    centre: int | None = Field(None, ge=1, description="A service centre's id.")
    model: int | None = Field(None, ge=1, description="A product model's id.")
    customer: int | None = Field(None, ge=1, description="A customer's id.")


class ColumnOut(Schema):
    key: str
    label: str
    unit: str = Field(description='"n" count, "%" per cent, "h" hours, "money" yuan, "qty" quantity, "score".')


class ReportRowOut(Schema):
    key: str = Field(description="The group's value (an id, a code, or YYYY-MM); empty for the total.")
    label: str
    values: dict[str, Decimal | int | None]


class TableOut(Schema):
    by: str
    label: str
    rows: list[ReportRowOut]


class ReportFigureOut(Schema):
    key: str
    title: str
    note: str
    start: datetime.date = Field(description="The period's first day.")
    end: datetime.date = Field(description="The period's last day (included).")
    columns: list[ColumnOut]
    total: ReportRowOut
    tables: list[TableOut]


def _row(row: Row) -> ReportRowOut:
    return ReportRowOut(key=row.key, label=row.label, values=row.values)


def figure_out(result: FigureResult) -> dict[str, Any]:
    spec = result.spec
    return {
        "key": spec.key,
        "title": str(spec.title),
        "note": str(spec.note),
        "start": result.filters.start,
        "end": result.filters.end,
        "columns": [ColumnOut(key=c.key, label=str(c.label), unit=c.unit) for c in spec.columns],
        "total": _row(result.total),
        "tables": [
            TableOut(by=t.grouping.key, label=str(t.grouping.label), rows=[_row(r) for r in t.rows])
            for t in result.tables
        ],
    }


def _need_reports(request: HttpRequest) -> None:
    if not can_view_reports(request.user):
        raise PermissionDeniedError("forbidden", _("Only managers and the desk see the reports."))


def _endpoint(spec: FigureSpec) -> Callable[..., Any]:
    def view(request: HttpRequest, query: Query[ReportFilterQuery]) -> dict[str, Any]:
        _need_reports(request)
        filters = parse_filters(request.user, query.model_dump(by_alias=True))
        return figure_out(compute(spec, request.user, filters))

    view.__name__ = f"report_{spec.key}"
    view.__doc__ = f"{spec.title}: {spec.note}"
    return view


for _spec in FIGURES.values():
    router.get(
        f"/reports/{_spec.key.replace('_', '-')}",
        response=answers(ReportFigureOut, 400, 403, 404),
        operation_id=f"report_{_spec.key}",
        summary=str(_spec.title),
    )(_endpoint(_spec))


# ---- a figure's records (the dashboards' click-through) ---------------------------------------------
class RecordQuery(ReportFilterQuery):
    measure: str = Field(
        max_length=40, description="The measure (a column key of the figure) whose records are listed."
    )
    by: str = Field("", max_length=40, description="A grouping of the figure (a table's `by`); empty: the total.")
    row: str = Field("", max_length=40, description="The row of that grouping (a row's `key`).")
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = Field(None, description="Records per page: 1 to 200, 25 when not given.")


RecordCell = Decimal | bool | int | datetime.datetime | datetime.date | str | None


class RecordColumnOut(Schema):
    label: str
    money: bool = Field(description="An amount in yuan (its cells are decimal strings).")


class RecordOut(Schema):
    id: int
    cells: list[RecordCell] = Field(description="One value per column, in the order of `columns`.")


class RecordPage(Schema):
    figure: str
    title: str
    start: datetime.date = Field(description="The period's first day.")
    end: datetime.date = Field(description="The period's last day (included).")
    columns: list[RecordColumnOut] = Field(description="The columns of the records' kind (orders, visits, …).")
    items: list[RecordOut]
    next_cursor: str | None


def _record_cell(value: Any) -> Any:
    return str(value) if isinstance(value, models.Model) else value  # a technician, a person: their name


@router.get(
    "/reports/{figure}/records",
    response=answers(RecordPage, 400, 403, 404),
    operation_id="report_records",
    summary="A figure's records",
)
def report_records(request: HttpRequest, figure: str, query: Query[RecordQuery]) -> dict[str, Any]:
    """The records one cell of a figure counts, newest first, with the columns of their kind: the cell is
    ``measure`` of ``row`` of the grouping ``by`` (no ``by``: the figure's total), under the dashboards'
    filters; the same records as the dashboards' click-through list and its "Export xlsx"
    (``/exports/report_records.xlsx``). Readers of the reports only; the records are those of the
    reader's scope."""
    _need_reports(request)
    spec = FIGURES.get(figure.replace("-", "_"))
    if spec is None:
        raise NotFoundError("not_found", _("No such figure."), field="figure")
    found = cell_records(spec, user=request.user, params=query.model_dump(by_alias=True))
    page = keyset_page(found.records, cursor=query.cursor, limit=page_limit(query.limit))
    return {
        "figure": spec.key,
        "title": str(spec.title),
        "start": found.filters.start,
        "end": found.filters.end,
        "columns": [RecordColumnOut(label=str(c.label), money=c.money) for c in found.columns],
        "items": [
            RecordOut(id=obj.pk, cells=[_record_cell(c.value(obj)) for c in found.columns]) for obj in page.items
        ],
        "next_cursor": page.next_cursor,
    }
