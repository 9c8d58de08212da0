"""A figure's records (the click-through list of one number on a dashboard) as xlsx/CSV: the
"report_records" export kind, registered in ``ReportsConfig.ready()`` and served by ``exchange``. The
query string is the records list's own (``figure``, the filters, ``measure``, ``by``, ``row``), so the
file holds exactly the records the number counts; the columns are the list's, by the records' model
(``record_lists``). No phone numbers, so no audit row."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext

from aftersales.core.errors import ValidationFailed
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, ExportColumn, capped
from aftersales.reports.figures import FIGURES
from aftersales.reports.record_lists import cell_records


def _cell(value: Any) -> Any:
    return str(value) if isinstance(value, models.Model) else value  # a technician, a person: their name


def record_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The records one cell of ``figure`` counts: 400 naming the field for an unknown figure, a bad
    filter or a cell the figure does not have; 404 for a centre, model or customer out of scope."""
    figure = str(params.get("figure", "")).replace("-", "_")
    spec = FIGURES.get(figure)
    if spec is None:
        raise ValidationFailed(
            "invalid_filter", gettext("“%(value)s” is not a figure.") % {"value": figure[:40]}, field="figure"
        )
    found = cell_records(spec, user=user, params=params)
    columns = found.columns

    def generate() -> Iterator[list[Any]]:
        for obj in capped(found.records).iterator(chunk_size=CHUNK_SIZE):
            yield [_cell(column.value(obj)) for column in columns]

    return ExportRows(
        rows=generate(),
        filters={"figure": figure, **found.filters.as_params(), **found.cell},
        columns=tuple(ExportColumn(column.label, money=column.money) for column in columns),
    )
