"""Spare parts over the API, part two: supplier claims, turnover loans, stock-takes, tools and the
public price list (明码标价)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from aftersales.accounts.auth import AUTH
from aftersales.core.api import Input, TextBool, found_or_404, idempotent, page_limit
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH
from aftersales.core.schemas import Choice, Day, Money, answers
from aftersales.parts.api import _location, _part, _reader
from aftersales.parts.choices import LoanStatus, StockTakeStatus, SupplierClaimStatus, UnitOfMeasure
from aftersales.parts.models import Loan, StockTake, SupplierClaim, Tool
from aftersales.parts.permissions import (
    claims_visible_to,
    loans_visible_to,
    stock_takes_visible_to,
    tools_visible_to,
)
from aftersales.parts.pricelist import labour_rates, price_list_is_public, price_page
from aftersales.parts.services import claims, loans, stocktakes, tools
from aftersales.service.permissions import orders_visible_to

router = Router(tags=["spare parts"])


# ---- supplier claims ------------------------------------------------------------------------------
class SupplierClaimIn(Input):
    part_id: int
    fitted_on: Day = Field(description="When the failed part was fitted or bought: its supplier warranty runs from it")
    failure: str = Field(max_length=2000)
    serial: str = Field("", max_length=60)
    order_id: int | None = None
    location_id: int | None = Field(None, description="Where the old part is kept")
    amount_claimed: Money | None = None


class ClaimMoveIn(Input):
    to: SupplierClaimStatus
    reason: str = Field("", max_length=500)
    amount_recovered: Money | None = None
    location_id: int | None = Field(None, description="replaced: where the replacement is received")


class SupplierClaimOut(Schema):
    id: int
    number: str
    part_id: int
    supplier_id: int
    serial: str
    order_id: int | None
    location_id: int | None
    fitted_on: datetime.date
    failure: str
    status: Annotated[str, Choice(SupplierClaimStatus)]
    amount_claimed: Decimal
    amount_recovered: Decimal
    reject_reason: str
    photos: int
    created_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_photos(claim: SupplierClaim) -> int:
        return len(claim.photos.all())


class RecoveryOut(Schema):
    supplier_id: int
    supplier_code: str
    supplier_name: str
    claims: int
    open: int
    rejected: int
    claimed: Decimal
    recovered: Decimal

    @staticmethod
    def resolve_supplier_code(row: dict[str, Any]) -> str:
        return row["supplier__code"]

    @staticmethod
    def resolve_supplier_name(row: dict[str, Any]) -> str:
        return row["supplier__name"]


def _claim(request: HttpRequest, claim_id: int) -> SupplierClaim:
    return get_object_or_404(claims_visible_to(request.user), pk=claim_id)


@router.get("/supplier-claims", response=answers(list[SupplierClaimOut], 403))
def list_claims(request: HttpRequest, status: SupplierClaimStatus | None = None) -> list[SupplierClaim]:
    _reader(request)
    qs = claims_visible_to(request.user).prefetch_related("photos").order_by("-id")
    if status:
        qs = qs.filter(status=status)
    return list(qs[:500])


@router.post("/supplier-claims", response=answers(SupplierClaimOut, 400, 403, 404, 409, 422, status=201))
def open_claim(request: HttpRequest, payload: SupplierClaimIn) -> Created:
    """Claim a failed part back under its outside supplier's own warranty (parts keeper)."""

    def create() -> tuple[int, Any]:
        order = None
        if payload.order_id is not None:
            order = found_or_404(
                orders_visible_to(request.user), payload.order_id, field="order_id", missing=_("No such order.")
            )
        claim = claims.open_claim(
            by=request.user,
            part=_part(request, payload.part_id, "part_id"),
            fitted_on=payload.fitted_on,
            failure=payload.failure,
            serial=payload.serial,
            order=order,
            location=None if payload.location_id is None else _location(request, payload.location_id, "location_id"),
            amount_claimed=payload.amount_claimed,
        )
        return 201, SupplierClaimOut.from_orm(claim)

    return idempotent(request, create)


@router.post("/supplier-claims/{claim_id}/move", response=answers(SupplierClaimOut, 400, 403, 404, 409))
def move_claim(request: HttpRequest, claim_id: int, payload: ClaimMoveIn) -> SupplierClaim:
    """open → sent → accepted → credited (``amount_recovered``) or replaced (``location_id``); rejected with a reason."""
    return claims.move_claim(
        by=request.user,
        claim=_claim(request, claim_id),
        to=payload.to,
        reason=payload.reason,
        amount_recovered=payload.amount_recovered,
        replacement_location=(
            None if payload.location_id is None else _location(request, payload.location_id, "location_id")
        ),
    )


@router.post("/supplier-claims/{claim_id}/photos", response=answers(SupplierClaimOut, 400, 403, 404, 409, status=201))
def add_claim_photo(request: HttpRequest, claim_id: int, file: File[UploadedFile]) -> Status[SupplierClaim]:
    claim = _claim(request, claim_id)
    claims.add_claim_photo(by=request.user, claim=claim, file=file)
    return Status(201, claim)


@router.get("/supplier-claims/recovery", response=answers(list[RecoveryOut], 403))
def recovery_report(request: HttpRequest) -> list[dict[str, Any]]:
    """Claims, amounts claimed and recovered, by supplier."""
    _reader(request)
    return claims.recovery_by_supplier(claims_visible_to(request.user))


# ---- turnover loans ---------------------------------------------------------------------------------
class LoanIn(Input):
    part_id: int
    serial: str = Field(max_length=60)
    location_id: int
    order_id: int
    due_back: Day


class InspectIn(Input):
    usable: bool
    note: str = Field(max_length=500)


class LoanOut(Schema):
    id: int
    number: str
    part_id: int
    serial: str
    location_id: int
    order_id: int
    status: Annotated[str, Choice(LoanStatus)]
    lent_at: datetime.datetime
    due_back: datetime.date
    returned_at: datetime.datetime | None
    inspection: str
    overdue: bool

    @staticmethod
    def resolve_overdue(loan: Loan) -> bool:
        return loan.status == "out" and loan.due_back < timezone.localdate()


def _loan(request: HttpRequest, loan_id: int) -> Loan:
    return get_object_or_404(loans_visible_to(request.user), pk=loan_id)


@router.get("/turnover-loans", response=answers(list[LoanOut], 403))
def list_loans(request: HttpRequest, overdue: TextBool = False) -> list[Loan]:
    _reader(request)
    qs = loans_visible_to(request.user)
    qs = loans.overdue_loans(qs) if overdue else qs.order_by("-id")
    return list(qs[:500])


@router.post("/turnover-loans", response=answers(LoanOut, 400, 403, 404, 409, 422, status=201))
def lend(request: HttpRequest, payload: LoanIn) -> Created:
    """Lend a turnover spare (by serial) to the customer of an order until ``due_back``."""

    def create() -> tuple[int, Any]:
        loan = loans.lend_spare(
            by=request.user,
            part=_part(request, payload.part_id, "part_id"),
            serial=payload.serial,
            location=_location(request, payload.location_id, "location_id"),
            order=found_or_404(
                orders_visible_to(request.user), payload.order_id, field="order_id", missing=_("No such order.")
            ),
            due_back=payload.due_back,
        )
        return 201, LoanOut.from_orm(loan)

    return idempotent(request, create)


@router.post("/turnover-loans/{loan_id}/return", response=answers(LoanOut, 403, 404, 409))
def loan_back(request: HttpRequest, loan_id: int) -> Loan:
    return loans.return_spare(by=request.user, loan=_loan(request, loan_id))


@router.post("/turnover-loans/{loan_id}/inspect", response=answers(LoanOut, 400, 403, 404, 409))
def loan_inspected(request: HttpRequest, loan_id: int, payload: InspectIn) -> Loan:
    return loans.inspect_spare(by=request.user, loan=_loan(request, loan_id), usable=payload.usable, note=payload.note)


# ---- stock-takes ------------------------------------------------------------------------------------
class StockTakeIn(Input):
    location_id: int
    note: str = Field("", max_length=500)


class CountsIn(Input):
    counts: dict[int, Decimal | None] = Field(description="line id → quantity counted (null: not yet)")


class StockTakeDecisionIn(Input):
    approve: bool
    note: str = Field("", max_length=500)


class CountLineOut(Schema):
    id: int
    part_id: int
    expected: Decimal
    counted: Decimal | None


class StockTakeOut(Schema):
    id: int
    number: str
    location_id: int
    status: Annotated[str, Choice(StockTakeStatus)]
    note: str
    lines: list[CountLineOut]

    @staticmethod
    def resolve_lines(take: StockTake) -> list[Any]:
        return list(take.lines.all())


def _take(request: HttpRequest, take_id: int) -> StockTake:
    return get_object_or_404(stock_takes_visible_to(request.user).select_related("location"), pk=take_id)


@router.post("/stock-takes", response=answers(StockTakeOut, 400, 403, 404, 409, 422, status=201))
def start_take(request: HttpRequest, payload: StockTakeIn) -> Created:

    def create() -> tuple[int, Any]:
        take = stocktakes.start_stock_take(
            by=request.user, location=_location(request, payload.location_id, "location_id"), note=payload.note
        )
        return 201, StockTakeOut.from_orm(take)

    return idempotent(request, create)


@router.get("/stock-takes/{take_id}", response=answers(StockTakeOut, 404))
def get_take(request: HttpRequest, take_id: int) -> StockTake:
    return _take(request, take_id)


@router.put("/stock-takes/{take_id}/counts", response=answers(StockTakeOut, 400, 403, 404, 409))
def put_counts(request: HttpRequest, take_id: int, payload: CountsIn) -> StockTake:
    return stocktakes.record_counts(by=request.user, stock_take=_take(request, take_id), counts=dict(payload.counts))


@router.post("/stock-takes/{take_id}/submit", response=answers(StockTakeOut, 400, 403, 404, 409))
def submit_take(request: HttpRequest, take_id: int) -> StockTake:
    return stocktakes.submit_stock_take(by=request.user, stock_take=_take(request, take_id))


@router.post("/stock-takes/{take_id}/decide", response=answers(StockTakeOut, 403, 404, 409))
def decide_take(request: HttpRequest, take_id: int, payload: StockTakeDecisionIn) -> StockTake:
    """The manager approves (differences posted as adjustments) or rejects."""
    return stocktakes.decide_stock_take(
        by=request.user, stock_take=_take(request, take_id), approve=payload.approve, note=payload.note
    )


# ---- tools ----------------------------------------------------------------------------------------
class ToolOut(Schema):
    id: int
    code: str
    name: str
    serial: str
    service_center_id: int
    holder_id: int | None
    held_since: datetime.date | None
    calibration_due: datetime.date | None


class HandIn(Input):
    holder_id: int | None


class CalibrationIn(Input):
    calibration_due: Day


def _tool(request: HttpRequest, tool_id: int) -> Tool:
    return get_object_or_404(tools_visible_to(request.user), pk=tool_id)


@router.get("/tools", response=answers(list[ToolOut], 403))
def list_tools(request: HttpRequest, calibration_due_by: datetime.date | None = None) -> list[Tool]:
    """Tools and who holds them; ``calibration_due_by``: those due for calibration by that day."""
    _reader(request)
    qs = tools_visible_to(request.user).order_by("code")
    if calibration_due_by is not None:
        qs = qs.filter(calibration_due__lte=calibration_due_by)
    return list(qs[:1000])


@router.post("/tools/{tool_id}/holder", response=answers(ToolOut, 400, 403, 404))
def hand_tool(request: HttpRequest, tool_id: int, payload: HandIn) -> Tool:
    from aftersales.accounts.permissions import users_visible_to

    holder = (
        None
        if payload.holder_id is None
        else found_or_404(
            users_visible_to(request.user), payload.holder_id, field="holder_id", missing=_("No such user.")
        )
    )
    return tools.hand_tool(by=request.user, tool=_tool(request, tool_id), holder=holder)


@router.post("/tools/{tool_id}/calibration", response=answers(ToolOut, 400, 403, 404))
def calibrated(request: HttpRequest, tool_id: int, payload: CalibrationIn) -> Tool:
    return tools.record_calibration(by=request.user, tool=_tool(request, tool_id), next_due=payload.calibration_due)


# ---- the public price list ---------------------------------------------------------------------------
def _price_list_open(request: HttpRequest) -> bool:
    """Lets anyone through when the price list is public; otherwise the bearer or session decides."""
    return price_list_is_public()


class PriceRowOut(Schema):
    number: str
    name: str
    unit: Annotated[str, Choice(UnitOfMeasure)]
    price: Decimal


class LabourOut(Schema):
    code: str
    name: str
    price: Decimal
    unit: str


class PriceListOut(Schema):
    on: datetime.date
    items: list[PriceRowOut]
    next_cursor: str | None
    labour: list[LabourOut]


class PartPriceQuery(Schema):
    q: str = Field("", max_length=60)
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/price-list", auth=[*AUTH, _price_list_open], response=answers(PriceListOut, 400))
def price_list(request: HttpRequest, params: Query[PartPriceQuery]) -> dict[str, Any]:
    """Parts with today's list price, and labour rates (明码标价). Open to anyone when the company makes
    it public (``AFTERSALES_PRICE_LIST_VISIBILITY=public``), else to signed-in users only (401)."""
    today = timezone.localdate()
    page = price_page(on=today, q=params.q, cursor=params.cursor, limit=page_limit(params.limit))
    return {
        "on": today,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "labour": labour_rates() if params.cursor is None else [],
    }
