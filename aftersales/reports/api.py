"""The figures in the API: ``GET /reports/<figure>`` for each figure of the dashboards, with the
dashboards' filters (``from``, ``to``, ``centre``, ``model``, ``customer``). A malformed filter is 400
(so is a period that ends before it starts or is over three years), naming the field; a centre,
product model or customer outside the reader's scope is 404."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.errors import PermissionDeniedError
from aftersales.core.schemas import Day, answers
from aftersales.reports.engine import FigureResult, FigureSpec, Row, compute
from aftersales.reports.figures import FIGURES
from aftersales.reports.filters import parse_filters
from aftersales.reports.permissions import can_view_reports

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


def _endpoint(spec: FigureSpec) -> Callable[..., Any]:
    def view(request: HttpRequest, query: Query[ReportFilterQuery]) -> dict[str, Any]:
        if not can_view_reports(request.user):
            raise PermissionDeniedError("forbidden", _("Only managers and the desk see the reports."))
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
