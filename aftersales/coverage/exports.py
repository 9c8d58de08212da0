"""The unit export with each unit's coverage today, registered as the "units" export kind in
``CoverageConfig.ready()``: coverage sits above installed_base and owns the decision the rows show."""

import datetime
from collections.abc import Iterable, Iterator, Mapping
from itertools import batched
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from aftersales.core.filtering import check_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display
from aftersales.coverage.selectors import coverage_prepared, decide_coverage
from aftersales.installed_base.filters import UnitFilter
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to

UNIT_EXPORT_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Serial number"),
    gettext_lazy("Model code"),
    gettext_lazy("Model name"),
    gettext_lazy("Customer"),
    gettext_lazy("Site"),
    gettext_lazy("Purchase date"),
    gettext_lazy("Seller"),
    gettext_lazy("Dealer"),
    gettext_lazy("Invoice no."),
    gettext_lazy("Proof file"),
    gettext_lazy("Installed on"),
    gettext_lazy("In warranty today"),
    gettext_lazy("Warranty until"),
)


def _unit_cells(unit: Unit, *, today: datetime.date) -> list[Any]:
    warranty = decide_coverage(unit=unit, on=today, kind="")
    return [
        unit.pk,
        unit.serial_number,
        unit.product_model.code,
        unit.product_model.name,
        unit.customer.name,
        unit.site.name if unit.site else "",
        unit.purchase_date,
        display(unit, "seller"),
        unit.dealer_name,
        unit.proof_reference,
        bool(unit.proof_file),
        unit.installed_on,
        warranty.covered,
        warranty.until,
    ]


def unit_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The units the user may see, filtered as on the unit list (``UnitFilter``: ``serial_number``,
    ``customer_id``, ``product_model_id``), with the coverage decision of today."""
    queryset = units_visible_to(user).select_related("product_model", "customer", "site")
    filterset = check_filters(UnitFilter(data=params, queryset=queryset))
    qs = capped(filterset.qs.order_by("id"))
    today = timezone.localdate(now)
    return ExportRows(rows=_rows(qs.iterator(chunk_size=CHUNK_SIZE), today=today), filters=filterset.form.cleaned_data)


def _rows(units: Iterable[Unit], *, today: datetime.date) -> Iterator[list[Any]]:
    """The cells, a chunk of units at a time: each chunk's coverage is decided with one read per source."""
    for chunk in batched(units, CHUNK_SIZE, strict=False):
        with coverage_prepared(chunk):
            cells = [_unit_cells(u, today=today) for u in chunk]
        yield from cells
