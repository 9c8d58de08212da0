"""The pretend area's import and export kinds."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import models

from aftersales.core.registry import Change, ExportRows, TimelineEntry
from aftersales.core.tabular import Cell, Column, RowError, RowPreparer, Write, text
from aftersales.tests.area.models import Area
from aftersales.tests.area.services import create_area

AREA_COLUMNS = (
    Column("code", ("代码",), "Area code (upper case).", required=True, example="EAST"),
    Column("name", ("名称",), "Area name.", required=True, example="East China"),
)


class AreaRows(RowPreparer):
    def prepare(self, row: int, raw: dict[str, Cell]) -> tuple[dict[str, Any], list[RowError], Write | None]:
        values = {key: text(cell) for key, cell in raw.items()}

        def write() -> models.Model:
            return create_area(by=self.by, code=values.get("code", ""), name=values.get("name", ""))

        return values, [], write


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
