"""The parts lists as xlsx/CSV (registered ``core.registry.export_kinds``, served by ``exchange``):
stock by location, shortages, supplier claims, turnover loans, tools, stock-takes and the price list,
each in the caller's scope (the same scoping functions as the screens) and with the screens' filters;
no phone numbers, so no audit row. Quantities and amounts stay Decimal."""

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.core.amounts import FEN
from aftersales.core.errors import NotFoundError
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display, money
from aftersales.parts import selectors
from aftersales.parts.choices import LoanStatus
from aftersales.parts.models import Location
from aftersales.parts.permissions import claims_visible_to, loans_visible_to, locations_visible_to, tools_visible_to
from aftersales.parts.pricelist import labour_rates, priced_parts

CHUNK = 500

STOCK_COLUMNS = (
    gettext_lazy("Location code"),
    gettext_lazy("Location"),
    gettext_lazy("Part number"),
    gettext_lazy("Part"),
    pgettext_lazy("measure", "Unit"),
    gettext_lazy("Bin"),
    gettext_lazy("On hand"),
    gettext_lazy("Reserved"),
    gettext_lazy("Available"),
    gettext_lazy("In transit"),
    gettext_lazy("Defective"),
    gettext_lazy("Minimum"),
    gettext_lazy("Maximum"),
    gettext_lazy("Warranty-critical"),
)
SHORTAGE_COLUMNS = (
    gettext_lazy("Location code"),
    gettext_lazy("Location"),
    gettext_lazy("Part number"),
    gettext_lazy("Part"),
    gettext_lazy("Available"),
    gettext_lazy("In transit"),
    gettext_lazy("Minimum"),
    gettext_lazy("Maximum"),
    gettext_lazy("To order"),
    gettext_lazy("Warranty-critical"),
)
CLAIM_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Status"),
    gettext_lazy("Supplier"),
    gettext_lazy("Part number"),
    gettext_lazy("Part"),
    gettext_lazy("Serial number"),
    gettext_lazy("Order"),
    gettext_lazy("Fitted or bought on"),
    gettext_lazy("Failure"),
    money(gettext_lazy("Claimed")),
    money(gettext_lazy("Recovered")),
    gettext_lazy("Reason (rejection)"),
)
LOAN_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Status"),
    gettext_lazy("Part number"),
    gettext_lazy("Spare"),
    gettext_lazy("Serial number"),
    gettext_lazy("Location"),
    gettext_lazy("Order"),
    gettext_lazy("Lent on"),
    gettext_lazy("Due back"),
    pgettext_lazy("a loan", "Overdue"),
    gettext_lazy("Inspection"),
)
TOOL_COLUMNS = (
    gettext_lazy("Code"),
    gettext_lazy("Tool"),
    gettext_lazy("Serial number"),
    gettext_lazy("Held by"),
    pgettext_lazy("a tool held since", "Since"),
    gettext_lazy("Calibration due"),
)


def _location(user: Any, params: Mapping[str, Any]) -> Location | None:
    """The screen's ``location`` filter; one outside the user's scope is 404, like the screen."""
    raw = str(params.get("location") or "")
    if not raw:
        return None
    location = locations_visible_to(user).filter(pk=int(raw) if raw.isdigit() and len(raw) < 18 else 0).first()
    if location is None:
        raise NotFoundError("not_found", _("No such location."), field="location")
    return location


def stock_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    location = _location(user, params)
    q = str(params.get("q") or "").strip()[:60]
    rows = (
        selectors.stock_visible_to(user).select_related("part", "location").order_by("location__code", "part__number")
    )
    if location is not None:
        rows = rows.filter(location=location)
    if q:
        rows = rows.filter(part__in=selectors.parts_matching(q).values("pk"))

    def generate() -> Iterator[list[Any]]:
        for row in rows.iterator(chunk_size=CHUNK):
            yield [
                row.location.code,
                row.location.name,
                row.part.number,
                row.part.name,
                display(row.part, "unit"),
                row.bin,
                row.on_hand,
                row.reserved,
                row.available,
                row.in_transit,
                row.defective,
                row.min_qty,
                row.max_qty,
                row.part.warranty_critical,
            ]

    return ExportRows(rows=generate(), filters={"location": location.pk if location else None, "q": q})


def shortage_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    from aftersales.parts.services.requests import suggested_quantity

    rows = selectors.shortages(locations=locations_visible_to(user))

    def generate() -> Iterator[list[Any]]:
        for row in rows.iterator(chunk_size=CHUNK):
            yield [
                row.location.code,
                row.location.name,
                row.part.number,
                row.part.name,
                row.available,
                row.in_transit,
                row.min_qty,
                row.max_qty,
                suggested_quantity(row),
                row.part.warranty_critical,
            ]

    return ExportRows(rows=generate(), filters={})


def claim_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    claims = claims_visible_to(user).select_related("part", "supplier", "order").order_by("-id")

    def generate() -> Iterator[list[Any]]:
        for claim in claims.iterator(chunk_size=CHUNK):
            yield [
                claim.number,
                display(claim, "status"),
                claim.supplier.name,
                claim.part.number,
                claim.part.name,
                claim.serial,
                claim.order.number if claim.order else "",
                claim.fitted_on,
                claim.failure,
                claim.amount_claimed,
                claim.amount_recovered,
                claim.reject_reason,
            ]

    return ExportRows(rows=generate(), filters={})


def loan_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    loans = loans_visible_to(user).select_related("part", "location", "order").order_by("due_back", "id")
    today = timezone.localdate(now)

    def generate() -> Iterator[list[Any]]:
        for loan in loans.iterator(chunk_size=CHUNK):
            yield [
                loan.number,
                display(loan, "status"),
                loan.part.number,
                loan.part.name,
                loan.serial,
                loan.location.name,
                loan.order.number,
                timezone.localdate(loan.lent_at),
                loan.due_back,
                loan.status == LoanStatus.OUT and loan.due_back < today,
                loan.inspection,
            ]

    return ExportRows(rows=generate(), filters={})


def tool_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    tools = tools_visible_to(user).select_related("holder").order_by("calibration_due", "code")

    def generate() -> Iterator[list[Any]]:
        for tool in tools.iterator(chunk_size=CHUNK):
            yield [
                tool.code,
                tool.name,
                tool.serial,
                str(tool.holder) if tool.holder else "",
                tool.held_since,
                tool.calibration_due,
            ]

    return ExportRows(rows=generate(), filters={})


STOCK_TAKE_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Location code"),
    gettext_lazy("Location"),
    gettext_lazy("Status"),
    gettext_lazy("Started at"),
    gettext_lazy("Started by"),
    gettext_lazy("Count lines"),
    gettext_lazy("Lines counted"),
    gettext_lazy("Lines with a difference"),
    pgettext_lazy("an approval", "Decided by"),
    pgettext_lazy("an approval", "Decided at"),
    gettext_lazy("Note"),
)


def stock_take_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Every count of the list (``selectors.stock_take_list``: the locations the reader sees, newest
    first; the list takes no filter), with how many of its lines are counted and how many differ."""
    counted = Q(lines__counted__isnull=False)
    takes = capped(
        selectors.stock_take_list(user=user)
        .select_related("created_by", "approved_by")
        .annotate(
            line_count=Count("lines"),
            counted_count=Count("lines", filter=counted),
            differing=Count("lines", filter=counted & ~Q(lines__counted=F("lines__expected"))),
        )
    )

    def generate() -> Iterator[list[Any]]:
        for take in takes.iterator(chunk_size=CHUNK_SIZE):
            yield [
                take.number,
                take.location.code,
                take.location.name,
                display(take, "status"),
                take.created_at,
                str(take.created_by),
                take.line_count,
                take.counted_count,
                take.differing,
                str(take.approved_by) if take.approved_by else "",
                take.decided_at,
                take.note,
            ]

    return ExportRows(rows=generate(), filters={})


PRICE_LIST_COLUMNS = (
    gettext_lazy("Kind"),
    gettext_lazy("Part number or code"),
    gettext_lazy("Name"),
    pgettext_lazy("measure", "Unit"),
    money(gettext_lazy("Price")),
)


def price_list_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The price list (明码标价) in force on the day of the export, as the screen shows it: the parts the
    search ``q`` finds (number or name; every priced part without it), by number, then the labour rates.
    The same for every reader: list prices are not scoped by centre."""
    q = str(params.get("q") or "").strip()[:60]
    parts = capped(priced_parts(on=timezone.localdate(now), q=q).order_by("number"))
    part_kind, labour_kind = _("Part"), _("Labour")

    def generate() -> Iterator[list[Any]]:
        for part in parts.iterator(chunk_size=CHUNK_SIZE):
            # SQLite hands a subquery's decimal back unscaled (80, not 80.00)
            yield [part_kind, part.number, part.name, display(part, "unit"), Decimal(part.price).quantize(FEN)]
        for rate in labour_rates():
            yield [labour_kind, rate.code, rate.name, rate.unit, rate.price]

    return ExportRows(rows=generate(), filters={"q": q})
