"""A computed figure laid out for the screens and the printed report: each cell's text and the link to
the records behind it."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from aftersales.reports.engine import FigureResult, Measure, Rate, Row


def fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value} %"
    if unit == "h":
        return f"{value} h"
    if unit == "money":
        return f"¥{Decimal(value):,.2f}"
    if unit == "qty":
        return f"{Decimal(value).normalize():f}"
    return str(value)


# How a spreadsheet shows each unit's number (the value stays a number: it sums and charts).
XLSX_FORMATS = {"money": '"¥"#,##0.00', "%": '0.0" %"', "h": '0.0" h"'}


@dataclass(frozen=True)
class Quantity:
    """A report cell that is a number with its unit: printed as ``fmt`` writes it (``¥530.00``, ``66.7 %``),
    written to a workbook as the number itself with a number format (found by a helper's probe,
    2026-12-06: the periodic report's workbook held "¥530.00" and "100.0 %" as text)."""

    value: Any
    unit: str

    def __str__(self) -> str:
        return fmt(self.value, self.unit)

    @property
    def number(self) -> Any:
        return None if self.value is None else Decimal(self.value) if self.unit == "money" else self.value

    @property
    def number_format(self) -> str:
        return XLSX_FORMATS.get(self.unit, "General")


def records_prefix(result: FigureResult) -> str:
    """What every records link of ``result`` starts with: the list's path and the filters (reversed and
    encoded once per figure, not once per cell: a screen has hundreds of cells)."""
    path = reverse("reports:records", args=[result.spec.key.replace("_", "-")])
    return f"{path}?{urlencode(result.filters.as_params())}&"


def records_url(
    result: FigureResult, measure: str, *, by: str = "", row: Row | None = None, prefix: str | None = None
) -> str:
    """The records behind one cell; ``prefix``: ``records_prefix(result)`` when the caller has it."""
    params = {"measure": measure}
    if by and row is not None:
        params.update({"by": by, "row": row.key, "label": row.label})
    return f"{prefix if prefix is not None else records_prefix(result)}{urlencode(params)}"


def _cells(
    result: FigureResult, columns: list[Measure | Rate], row: Row, by: str = "", *, prefix: str
) -> list[dict[str, Any]]:
    cells = []
    for column in columns:
        if by == "" and getattr(column, "per_month", False):
            continue
        value = row.values.get(column.key)
        cells.append(
            {
                "key": column.key,
                "text": fmt(value, column.unit),
                "url": records_url(result, column.key, by=by, row=row if by else None, prefix=prefix),
            }
        )
    return cells


def present(result: FigureResult) -> dict[str, Any]:
    spec = result.spec
    columns = spec.columns
    total_columns = [c for c in columns if not getattr(c, "per_month", False)]
    prefix = records_prefix(result)
    return {
        "key": spec.key,
        "title": spec.title,
        "note": spec.note,
        "columns": columns,
        "total_columns": total_columns,
        "total": _cells(result, total_columns, result.total, prefix=prefix),
        "tables": [
            {
                "key": table.grouping.key,
                "label": table.grouping.label,
                "rows": [
                    {"label": row.label, "cells": _cells(result, columns, row, table.grouping.key, prefix=prefix)}
                    for row in table.rows
                ],
            }
            for table in result.tables
        ],
    }
