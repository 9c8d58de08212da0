"""Spare parts over the API: the catalogue and list prices, locations, stock and the ledger, receipts
and adjustments, parts used on a visit, reservations, replenishment requests. Quantities and amounts
are decimal strings; errors are the one shape (docs/errors.md)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import F
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.api import Input, found_or_404, idempotent, page_limit
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.schemas import Choice, Day, Money, answers
from aftersales.parts import selectors
from aftersales.parts.choices import (
    LocationKind,
    MoveKind,
    OldPartFate,
    RequestKind,
    RequestStatus,
    ReservationStatus,
    UnitOfMeasure,
)
from aftersales.parts.models import Location, Part, Reservation, Stock, StockMove, StockRequest, Supplier, VisitPart
from aftersales.parts.permissions import can_view_stock, locations_visible_to, parts_visible_to, requests_visible_to
from aftersales.parts.services import catalogue, requests, reservations, stock, visits
from aftersales.service.models import Visit
from aftersales.service.permissions import orders_visible_to

router = Router(tags=["spare parts"])


def _reader(request: HttpRequest) -> None:
    if not can_view_stock(request.user):
        raise PermissionDeniedError("forbidden", _("You may not see spare parts."))


# ---- schemas -----------------------------------------------------------------------------------
class PartOut(Schema):
    id: int
    number: str
    name: str
    unit: Annotated[str, Choice(UnitOfMeasure)]
    whole_units: bool
    cost: Decimal
    supplier_id: int | None
    supplier_warranty_months: int
    warranty_critical: bool
    turnover: bool
    active: bool
    list_price: Decimal | None = Field(description="The list price in force today (CNY), or null")

    @staticmethod
    def resolve_list_price(part: Part, context: dict[str, Any]) -> Decimal | None:
        prices = getattr((context or {}).get("request"), "part_prices", None)
        if prices is not None:
            return prices.get(part.pk)
        return selectors.list_price(part, on=timezone.localdate())


class PartPage(Schema):
    items: list[PartOut]
    next_cursor: str | None


class PartQuery(Schema):
    q: str = Field("", max_length=60)
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class PartIn(Input):
    number: str = Field(max_length=40)
    name: str = Field(max_length=200)
    unit: UnitOfMeasure
    cost: Money = Decimal(0)
    supplier_id: int | None = None
    supplier_warranty_months: int = Field(0, ge=0, le=120)
    warranty_critical: bool = False
    turnover: bool = False
    compatible_model_ids: list[int] = Field(default_factory=list, max_length=100)
    list_price: Money | None = None


class PartPriceIn(Input):
    price: Money
    valid_from: Day


class PartPriceOut(Schema):
    part_id: int
    valid_from: datetime.date
    price: Decimal


class LocationOut(Schema):
    id: int
    code: str
    name: str
    kind: Annotated[str, Choice(LocationKind)]
    service_center_id: int | None
    holder_id: int | None


class LocationIn(Input):
    code: str = Field(max_length=20)
    name: str = Field(max_length=100)
    kind: LocationKind
    service_center_id: int | None = None
    holder_id: int | None = None


class StockOut(Schema):
    part_id: int
    location_id: int
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    in_transit: Decimal
    defective: Decimal
    min_qty: Decimal
    max_qty: Decimal
    bin: str


class ShortageOut(StockOut):
    part_number: str
    warranty_critical: bool
    suggested: Decimal

    @staticmethod
    def resolve_part_number(stock: Stock) -> str:
        return stock.part.number

    @staticmethod
    def resolve_warranty_critical(stock: Stock) -> bool:
        return stock.part.warranty_critical

    @staticmethod
    def resolve_suggested(stock: Stock) -> Decimal:
        return requests.suggested_quantity(stock)


class LevelsIn(Input):
    min_qty: Decimal = Field(Decimal(0), max_digits=12, decimal_places=3)
    max_qty: Decimal = Field(Decimal(0), max_digits=12, decimal_places=3)
    bin: str = Field("", max_length=20)


class MoveOut(Schema):
    id: int
    kind: Annotated[str, Choice(MoveKind)]
    part_id: int
    location_id: int
    quantity: Decimal
    on_hand_delta: Decimal
    reserved_delta: Decimal
    in_transit_delta: Decimal
    defective_delta: Decimal
    order_id: int | None
    visit_id: int | None
    request_id: int | None
    supplier_id: int | None
    unit_cost: Decimal | None
    serial: str
    actor_id: int
    reason: str
    created_at: datetime.datetime


class MovePage(Schema):
    items: list[MoveOut]
    next_cursor: str | None


class StockLedgerQuery(Schema):
    part_id: int | None = None
    location_id: int | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class ReceiptIn(Input):
    part_id: int
    location_id: int
    quantity: Decimal = Field(max_digits=15, decimal_places=6)
    supplier_id: int | None = None
    unit_cost: Money | None = None
    serial: str = Field("", max_length=60)
    reason: str = Field("", max_length=500)


class StockAdjustmentIn(Input):
    part_id: int
    location_id: int
    delta: Decimal = Field(max_digits=15, decimal_places=6, description="More (positive) or fewer (negative) on hand")
    reason: str = Field(max_length=500)


class IssueLineIn(Input):
    part_id: int
    quantity: Decimal = Field(max_digits=15, decimal_places=6)
    location_id: int | None = Field(None, description="Leave out: the van first, then the centre's store")
    old_part_fate: OldPartFate
    serial: str = Field("", max_length=60)
    old_serial: str = Field("", max_length=60)


class UsePartsIn(Input):
    lines: list[IssueLineIn] = Field(min_length=1, max_length=visits.MAX_LINES)


class VisitPartOut(Schema):
    id: int
    visit_id: int
    order_id: int
    part_id: int
    part_number: str
    part_name: str
    location_id: int
    quantity: Decimal
    serial: str
    old_part_fate: Annotated[str, Choice(OldPartFate)]
    old_serial: str
    unit_price: Decimal | None
    move_id: int
    created_at: datetime.datetime


def _with_part_names(rows: Any) -> Any:
    """Parts-used rows with ``part_number`` and ``part_name`` (plain fields, so that an idempotent
    replay, stored as JSON, validates the same way)."""
    return rows.annotate(part_number=F("part__number"), part_name=F("part__name")).order_by("id")


class ReservationIn(Input):
    part_id: int
    location_id: int
    quantity: Decimal = Field(max_digits=15, decimal_places=6)
    wait: bool = Field(False, description="Without enough available: wait for the part instead of 409")


class ReservationOut(Schema):
    id: int
    order_id: int
    part_id: int
    location_id: int
    quantity: Decimal
    status: Annotated[str, Choice(ReservationStatus)]
    created_at: datetime.datetime


class RequestLineIn(Input):
    part_id: int
    quantity: Decimal = Field(max_digits=15, decimal_places=6)


class RequestIn(Input):
    kind: RequestKind
    location_id: int
    source_id: int | None = None
    supplier_id: int | None = None
    lines: list[RequestLineIn] = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=500)


class RequestLineOut(Schema):
    part_id: int
    quantity: Decimal


class RequestOut(Schema):
    id: int
    number: str
    kind: Annotated[str, Choice(RequestKind)]
    status: Annotated[str, Choice(RequestStatus)]
    location_id: int
    source_id: int | None
    supplier_id: int | None
    note: str
    lines: list[RequestLineOut]
    sent_at: datetime.datetime | None
    received_at: datetime.datetime | None

    @staticmethod
    def resolve_lines(req: StockRequest) -> list[Any]:
        return list(req.lines.all())


# ---- lookups (404 outside the caller's scope) --------------------------------------------------
# A body's id that is unknown (or out of scope) answers 404 naming its field: ``field`` is the body field, None
# for an id in the path (the path names the record already).
def _part(request: HttpRequest, part_id: int, field: str | None = None) -> Part:
    return found_or_404(parts_visible_to(request.user), part_id, field=field, missing=_("No such part."))


def _location(request: HttpRequest, location_id: int, field: str | None = None) -> Location:
    return found_or_404(locations_visible_to(request.user), location_id, field=field, missing=_("No such location."))


def _supplier(supplier_id: int | None, field: str = "supplier_id") -> Supplier | None:
    return (
        None
        if supplier_id is None
        else found_or_404(Supplier, supplier_id, field=field, missing=_("No such supplier."))
    )


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    visible = orders_visible_to(request.user).values("pk")
    return get_object_or_404(Visit.objects.select_related("order").filter(order__in=visible), pk=visit_id)


# ---- catalogue ---------------------------------------------------------------------------------
@router.get("/parts", response=answers(PartPage, 400, 403))
def list_parts(request: HttpRequest, params: Query[PartQuery]) -> dict[str, Any]:
    """The catalogue (search by number or name), ordered by id, keyset-paged."""
    _reader(request)
    page = keyset_page(
        selectors.parts_matching(params.q), ordering=("id",), cursor=params.cursor, limit=page_limit(params.limit)
    )
    request.part_prices = selectors.list_prices([p.pk for p in page.items], on=timezone.localdate())  # type: ignore[attr-defined]
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/parts", response=answers(PartOut, 400, 403, 404, 409, 422, status=201))
def create_part(request: HttpRequest, payload: PartIn) -> Created:
    """Add a part (parts keeper)."""

    def create() -> tuple[int, Any]:
        from aftersales.catalog.models import ProductModel

        data = payload.dict()
        wanted = data.pop("compatible_model_ids")
        models = list(ProductModel.objects.filter(pk__in=wanted))
        if len(models) != len(set(wanted)):  # an unknown model was dropped without a word before
            known = {model.pk for model in models}
            first = next(n for n, pk in enumerate(wanted) if pk not in known)
            raise NotFoundError("not_found", _("No such product model."), field=f"compatible_model_ids.{first}")
        part = catalogue.create_part(
            by=request.user, supplier=_supplier(data.pop("supplier_id")), compatible_models=models, **data
        )
        return 201, PartOut.from_orm(part)

    return idempotent(request, create)


@router.get("/parts/{part_id}", response=answers(PartOut, 403, 404))
def get_part(request: HttpRequest, part_id: int) -> Part:
    _reader(request)
    return _part(request, part_id)


@router.post("/parts/{part_id}/prices", response=answers(PartPriceOut, 400, 403, 404, 409, 422, status=201))
def set_price(request: HttpRequest, part_id: int, payload: PartPriceIn) -> Created:
    """A new list price from ``valid_from`` on (prices are versioned by date)."""

    def create() -> tuple[int, Any]:
        row = catalogue.set_list_price(
            by=request.user, part=_part(request, part_id), price=payload.price, valid_from=payload.valid_from
        )
        return 201, PartPriceOut.from_orm(row)

    return idempotent(request, create)


# ---- locations and stock ------------------------------------------------------------------------
@router.get("/part-locations", response=answers(list[LocationOut], 403))
def list_locations(request: HttpRequest) -> list[Location]:
    """The stock locations you may see (the central warehouse, your centre's store and vans)."""
    _reader(request)
    return list(locations_visible_to(request.user).order_by("code")[:1000])


@router.post("/part-locations", response=answers(LocationOut, 400, 403, 404, 409, 422, status=201))
def create_location(request: HttpRequest, payload: LocationIn) -> Created:

    def create() -> tuple[int, Any]:
        from aftersales.accounts.permissions import centres_visible_to, users_visible_to

        centre = None
        if payload.service_center_id is not None:
            centre = found_or_404(
                centres_visible_to(request.user),
                payload.service_center_id,
                field="service_center_id",
                missing=_("No such service centre."),
            )
        holder = None
        if payload.holder_id is not None:
            holder = found_or_404(
                users_visible_to(request.user), payload.holder_id, field="holder_id", missing=_("No such user.")
            )
        location = catalogue.create_location(
            by=request.user,
            code=payload.code,
            name=payload.name,
            kind=payload.kind,
            service_center=centre,
            holder=holder,
        )
        return 201, LocationOut.from_orm(location)

    return idempotent(request, create)


@router.get("/part-locations/{location_id}/stock/{part_id}", response=answers(StockOut, 403, 404))
def stock_of_part(request: HttpRequest, location_id: int, part_id: int) -> Stock:
    """The stock of one part at one location (zeros when it never had any)."""
    _reader(request)
    location = _location(request, location_id)
    part = _part(request, part_id)
    return selectors.stock_of(part, location=location) or Stock(part=part, location=location)


@router.put("/part-locations/{location_id}/stock/{part_id}/levels", response=answers(StockOut, 400, 403, 404))
def set_levels(request: HttpRequest, location_id: int, part_id: int, payload: LevelsIn) -> Stock:
    """The minimum and maximum of a part at a location (0: none) and its bin."""
    return catalogue.set_stock_levels(
        by=request.user,
        location=_location(request, location_id),
        part=_part(request, part_id),
        min_qty=payload.min_qty,
        max_qty=payload.max_qty,
        bin=payload.bin,
    )


@router.get("/part-locations/{location_id}/shortages", response=answers(list[ShortageOut], 403, 404))
def location_shortages(request: HttpRequest, location_id: int) -> list[Stock]:
    """The parts below their minimum at one location, warranty-critical first."""
    _reader(request)
    location = _location(request, location_id)
    return list(selectors.shortages(locations=Location.objects.filter(pk=location.pk))[:1000])


@router.get("/part-shortages", response=answers(list[ShortageOut], 400, 403))
def centre_shortages(
    request: HttpRequest, service_center_id: int | None = None, limit: int | None = None
) -> list[Stock]:
    """The parts below their minimum at every location you see (or one centre's), warranty-critical
    first; the first ``limit`` (default 25, at most 200)."""
    _reader(request)
    locations = locations_visible_to(request.user)
    if service_center_id is not None:
        locations = locations.filter(service_center_id=service_center_id)
    return list(selectors.shortages(locations=locations)[: page_limit(limit)])


# ---- the ledger ---------------------------------------------------------------------------------
@router.get("/stock-moves", response=answers(MovePage, 400, 403, 404))
def list_moves(request: HttpRequest, params: Query[StockLedgerQuery]) -> dict[str, Any]:
    """Ledger entries at the locations you see, newest first, keyset-paged."""
    _reader(request)
    qs = StockMove.objects.filter(location__in=locations_visible_to(request.user).values("pk"))
    if params.part_id is not None:
        qs = qs.filter(part=_part(request, params.part_id, "part_id"))
    if params.location_id is not None:
        qs = qs.filter(location=_location(request, params.location_id, "location_id"))
    page = keyset_page(qs, cursor=params.cursor, limit=page_limit(params.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.api_operation(["PUT", "PATCH", "DELETE"], "/stock-moves/{move_id}", response=answers(None, 404, 409))
def edit_move(request: HttpRequest, move_id: int) -> None:
    """Ledger entries are never edited or deleted: 409 ``ledger_append_only`` (post a correction)."""
    _reader(request)
    get_object_or_404(
        StockMove.objects.filter(location__in=locations_visible_to(request.user).values("pk")), pk=move_id
    )
    raise ConflictError("ledger_append_only", _("Ledger entries are never edited or deleted: post a correcting entry."))


@router.post("/stock-receipts", response=answers(MoveOut, 400, 403, 404, 409, 422, status=201))
def receive(request: HttpRequest, payload: ReceiptIn) -> Created:
    """A receipt at a location (parts keeper); orders waiting for the part there get it held."""

    def create() -> tuple[int, Any]:
        move = stock.receive_stock(
            by=request.user,
            location=_location(request, payload.location_id, "location_id"),
            part=_part(request, payload.part_id, "part_id"),
            quantity=payload.quantity,
            supplier=_supplier(payload.supplier_id),
            unit_cost=payload.unit_cost,
            serial=payload.serial,
            reason=payload.reason,
        )
        return 201, MoveOut.from_orm(move)

    return idempotent(request, create)


@router.post("/stock-adjustments", response=answers(MoveOut, 400, 403, 404, 409, 422, status=201))
def adjust(request: HttpRequest, payload: StockAdjustmentIn) -> Created:

    def create() -> tuple[int, Any]:
        move = stock.adjust_stock(
            by=request.user,
            location=_location(request, payload.location_id, "location_id"),
            part=_part(request, payload.part_id, "part_id"),
            delta=payload.delta,
            reason=payload.reason,
        )
        return 201, MoveOut.from_orm(move)

    return idempotent(request, create)


# ---- parts on a visit and reservations ------------------------------------------------------------
@router.get("/visits/{visit_id}/parts", response=answers(list[VisitPartOut], 404))
def visit_parts(request: HttpRequest, visit_id: int) -> list[VisitPart]:
    visit = _visit(request, visit_id)
    return list(_with_part_names(VisitPart.objects.filter(visit=visit)))


@router.post("/visits/{visit_id}/parts", response=answers(list[VisitPartOut], 400, 403, 404, 409, 422, status=201))
def use_parts(request: HttpRequest, visit_id: int, payload: UsePartsIn) -> Created:
    """Record the parts used on a visit: each from your van first, the centre's store second (or the
    location a line names), with the fate of the old part. All or nothing: 409 ``insufficient_stock``
    names the line that could not be served."""

    def create() -> tuple[int, Any]:
        visit = _visit(request, visit_id)
        lines = visits.clean_lines([line.dict() for line in payload.lines])
        used = visits.use_parts(by=request.user, visit=visit, lines=lines)
        rows = _with_part_names(VisitPart.objects.filter(pk__in=[row.pk for row in used]))
        return 201, [VisitPartOut.from_orm(row).model_dump() for row in rows]

    return idempotent(request, create)


@router.get("/orders/{order_id}/parts", response=answers(list[VisitPartOut], 404))
def order_parts(request: HttpRequest, order_id: int) -> list[VisitPart]:
    order = get_object_or_404(orders_visible_to(request.user), pk=order_id)
    return list(_with_part_names(VisitPart.objects.filter(order=order)))


@router.get("/orders/{order_id}/reservations", response=answers(list[ReservationOut], 404))
def order_reservations(request: HttpRequest, order_id: int) -> list[Reservation]:
    order = get_object_or_404(orders_visible_to(request.user), pk=order_id)
    return list(order.part_reservations.order_by("id"))


@router.post("/orders/{order_id}/reservations", response=answers(ReservationOut, 400, 403, 404, 409, 422, status=201))
def reserve(request: HttpRequest, order_id: int, payload: ReservationIn) -> Created:
    """Set parts aside for an order, or (``wait``) wait for them at that location."""

    def create() -> tuple[int, Any]:
        order = get_object_or_404(orders_visible_to(request.user), pk=order_id)
        reservation = reservations.reserve_parts(
            by=request.user,
            order=order,
            part=_part(request, payload.part_id, "part_id"),
            location=_location(request, payload.location_id, "location_id"),
            quantity=payload.quantity,
            wait=payload.wait,
        )
        return 201, ReservationOut.from_orm(reservation)

    return idempotent(request, create)


@router.post("/reservations/{reservation_id}/release", response=answers(ReservationOut, 404, 409))
def release(request: HttpRequest, reservation_id: int) -> Reservation:
    visible = locations_visible_to(request.user).values("pk")
    reservation = get_object_or_404(Reservation.objects.filter(location__in=visible), pk=reservation_id)
    return reservations.release_reservation(by=request.user, reservation=reservation)


# ---- replenishment requests ------------------------------------------------------------------------
@router.get("/stock-requests", response=answers(list[RequestOut], 400, 403))
def list_requests(request: HttpRequest, status: RequestStatus | None = None) -> list[StockRequest]:
    """The requests you see, newest first (200). ``status`` takes a request's status; another value
    answers 400 (found by a probe, 2026-12-06: ``status=bogus`` answered an empty list)."""
    _reader(request)
    qs = requests_visible_to(request.user).prefetch_related("lines").order_by("-id")
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


@router.post("/stock-requests", response=answers(RequestOut, 400, 403, 404, 409, 422, status=201))
def create_request(request: HttpRequest, payload: RequestIn) -> Created:

    def create() -> tuple[int, Any]:
        made = requests.create_request(
            by=request.user,
            kind=payload.kind,
            location=_location(request, payload.location_id, "location_id"),
            source=None if payload.source_id is None else _location(request, payload.source_id, "source_id"),
            supplier=_supplier(payload.supplier_id),
            lines=[
                (_part(request, line.part_id, f"lines.{n}.part_id"), line.quantity)
                for n, line in enumerate(payload.lines)
            ],
            note=payload.note,
        )
        return 201, RequestOut.from_orm(made)

    return idempotent(request, create)


@router.post("/stock-requests/{request_id}/{action}", response=answers(RequestOut, 403, 404, 409))
def request_action(request: HttpRequest, request_id: int, action: str) -> StockRequest:
    """``send`` (a transfer leaves its source), ``receive`` (the parts arrive) or ``cancel`` (open only)."""
    made = get_object_or_404(requests_visible_to(request.user), pk=request_id)
    service = {
        "send": requests.send_request,
        "receive": requests.receive_request,
        "cancel": requests.cancel_request,
    }.get(action)
    if service is None:
        raise Http404
    return service(by=request.user, request=made)
