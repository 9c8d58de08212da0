"""A figure as the data of one ECharts chart (drawn by static/js/reports.js from a JSON data block)."""

from decimal import Decimal
from typing import Any

from aftersales.reports.engine import FigureResult
from aftersales.reports.present import records_prefix, records_url


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def chart_data(result: FigureResult) -> dict[str, Any]:
    spec = result.spec
    by = spec.chart.get("by", "")
    table = next((t for t in result.tables if t.grouping.key == by), None)
    rows = table.rows if table is not None else [result.total]
    columns = {c.key: c for c in spec.columns}
    series = [key for key in spec.chart.get("series", ()) if key in columns]
    prefix = records_prefix(result)
    return {
        "id": f"chart-{spec.key}",
        "data_id": f"chart-{spec.key}-data",
        "type": spec.chart.get("type", "bar"),
        "categories": [r.label for r in rows],
        "series": [
            {
                "key": key,
                "name": str(columns[key].label),
                "unit": columns[key].unit,
                "data": [_number(r.values.get(key)) for r in rows],
                "links": [
                    records_url(result, key, by=by if table is not None else "", row=r, prefix=prefix) for r in rows
                ],
            }
            for key in series
        ],
    }
