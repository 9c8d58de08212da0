"""The pretend area's import and export kinds."""

import datetime
from collections.abc import Mapping
from typing import Any

from aftersales.core.errors import DomainError
from aftersales.core.registry import Change, ExportRows, TimelineEntry
from aftersales.core.tabular import Cell, Column, Prepared, RowPreparer, service_error, text
from aftersales.tests.area.models import Area
from aftersales.tests.area.services import clean_area, create_areas

AREA_COLUMNS = (
    Column("code", ("代码",), "Area code (upper case).", required=True, example="EAST"),
    Column("name", ("名称",), "Area name.", required=True, example="East China"),
)


class AreaRows(RowPreparer):
    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        values = {key: text(cell) for key, cell in raw.items()}
        try:
            code = clean_area(code=values.get("code", ""))
        except DomainError as exc:
            return values, [service_error(exc)], None
        return values, [], (code, values.get("name", ""))

    def write(self, records: list[Any]) -> list[int]:
        return [area.pk for area in create_areas(by=self.by, areas=records)]


def area_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    rows = ([a.code, a.name] for a in Area._default_manager.order_by("code"))
    return ExportRows(rows=rows, filters={})


def order_entries(order: Any) -> list[TimelineEntry]:
    """A line on every order's timeline, a minute after it was received (a real area reads its rows)."""
    return [
        TimelineEntry(
            at=order.received_at + datetime.timedelta(minutes=1),
            title="Sales area noted",
            source="area.orders",
            changes=(Change("Area", "", "EAST"),),
            template="area/_timeline_entry.html",
        )
    ]
