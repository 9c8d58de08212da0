"""Quality feedback in the API: every failure statistic with the screen's filters, the records behind a
figure, and quality cases (list, create, read, edit, move, comment). Statistics and cases need
``quality.view_failures`` (403 otherwise); a case, or a filter's centre, model or customer, out of scope
is 404."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.core.api import Input, page_limit
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.idempotency import Created, idempotent
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import Choice, answers, model_field
from aftersales.parts.models import Part
from aftersales.quality import selectors, services
from aftersales.quality import statistics as stats
from aftersales.quality.choices import Breakdown, CaseSource, CaseStatus
from aftersales.quality.filters import check_figure_key, parse_window
from aftersales.quality.models import CaseComment, QualityCase
from aftersales.quality.permissions import can_view_failures
from aftersales.reports.filters import Filters
from aftersales.service.choices import OrderKind, OrderStatus

router = Router(tags=["quality"])


class WindowQuery(Schema):
    start: str | None = Field(None, alias="from", max_length=10, description="First day, YYYY-MM-DD.")
    end: str | None = Field(None, alias="to", max_length=10, description="Last day (included), YYYY-MM-DD.")
    month: str | None = Field(None, max_length=7, description="YYYY-MM, instead of from/to (not with them).")
    centre: str | None = Field(None, max_length=12, description="Service centre id.")
    model: str | None = Field(None, max_length=12, description="Product model id.")
    customer: str | None = Field(None, max_length=12, description="Customer id.")


def _window(request: HttpRequest, query: WindowQuery) -> Filters:
    if not can_view_failures(request.user):
        raise PermissionDeniedError("forbidden", _("Only managers see the failure statistics."))
    params = {"from": query.start, "to": query.end, "month": query.month}
    params.update(centre=query.centre, model=query.model, customer=query.customer)
    return parse_window(request.user, params)


class WindowOut(Schema):
    start: datetime.date
    end: datetime.date
    centre: int | None
    model: int | None
    customer: int | None


def _window_out(window: Filters) -> WindowOut:
    return WindowOut(
        start=window.start,
        end=window.end,
        centre=window.centre,
        model=window.product_model,
        customer=window.customer,
    )


class QualitySummaryOut(Schema):
    window: WindowOut
    failures: int
    units: int = Field(description="Units that failed.")
    repeat30: int = Field(description="Failures within 30 days of the unit's previous failure.")
    repeat90: int = Field(description="Failures within 90 days of the unit's previous failure.")


class ModelRowOut(Schema):
    model_id: int
    code: str
    label: str
    failures: int
    units: int = Field(description="Units in the field at the period's end.")
    rate: Decimal | None = Field(description="Failures per 1,000 units in the field.")
    mtbf_days: Decimal | None = Field(description="Mean days between failures (first: since installation).")


class QualityRowOut(Schema):
    key: str
    label: str
    failures: int


class PartRowOut(Schema):
    part_id: int
    label: str
    failures: int = Field(description="Failure orders the part was fitted on.")
    quantity: Decimal


@router.get("/quality/failures/summary", response=answers(QualitySummaryOut, 400, 403, 404))
def failure_summary(request: HttpRequest, query: Query[WindowQuery]) -> QualitySummaryOut:
    """Failures, units failed, repeat failures within 30 and 90 days (docs/quality.md)."""
    window = _window(request, query)
    return QualitySummaryOut(window=_window_out(window), **stats.totals(request.user, window))


@router.get("/quality/failures/by-model", response=answers(list[ModelRowOut], 400, 403, 404))
def failures_by_model(request: HttpRequest, query: Query[WindowQuery]) -> list[ModelRowOut]:
    """Per product model: failures, units in the field, failures per 1,000 units, MTBF in days."""
    rows = stats.by_model(request.user, _window(request, query))
    return [ModelRowOut(model_id=row["key"], **{k: v for k, v in row.items() if k != "key"}) for row in rows]


@router.get("/quality/failures/by-part", response=answers(list[PartRowOut], 400, 403, 404))
def failures_by_part(request: HttpRequest, query: Query[WindowQuery]) -> list[PartRowOut]:
    """Per part fitted on failures: the failure orders and the quantity fitted."""
    rows = stats.by_part(request.user, _window(request, query))
    return [
        PartRowOut(part_id=row["key"], label=row["label"], failures=row["failures"], quantity=row["quantity"])
        for row in rows
    ]


def _rows(rows: list[dict[str, Any]]) -> list[QualityRowOut]:
    return [QualityRowOut(key=str(row["key"]), label=str(row["label"]), failures=row["failures"]) for row in rows]


@router.get("/quality/failures/by-fault-code", response=answers(list[QualityRowOut], 400, 403, 404))
def failures_by_fault_code(request: HttpRequest, query: Query[WindowQuery]) -> list[QualityRowOut]:
    """Per fault code of the device rule that opened the order (key "" for none)."""
    return _rows(stats.by_fault_code(request.user, _window(request, query)))


@router.get("/quality/failures/by-batch", response=answers(list[QualityRowOut], 400, 403, 404))
def failures_by_batch(request: HttpRequest, query: Query[WindowQuery]) -> list[QualityRowOut]:
    """Per production batch: the serial number without its last four characters."""
    return _rows(stats.by_batch(request.user, _window(request, query)))


@router.get("/quality/failures/by-age", response=answers(list[QualityRowOut], 400, 403, 404))
def failures_by_age(request: HttpRequest, query: Query[WindowQuery]) -> list[QualityRowOut]:
    """Per band of whole months from installation (else purchase) to the call; every band, in order."""
    return _rows(stats.by_age(request.user, _window(request, query)))


class FailureOrderOut(Schema):
    id: int
    number: str
    kind: Annotated[str, Choice(OrderKind)]
    status: Annotated[str, Choice(OrderStatus)]
    received_at: datetime.datetime
    service_center_id: int
    customer_id: int
    unit_id: int
    serial_number: str
    product_model: str

    @staticmethod
    def resolve_serial_number(order: Any) -> str:
        return order.unit.serial_number

    @staticmethod
    def resolve_product_model(order: Any) -> str:
        return order.unit.product_model.code


class FailureOrderPage(Schema):
    items: list[FailureOrderOut]
    next_cursor: str | None
    count: int = Field(description="The orders behind the figure: the figure itself.")


class FigureQuery(WindowQuery):
    figure: Breakdown
    key: str = Field(
        "",
        max_length=64,
        description="The row's key (model or part id, code, batch, band); none for all, units and repeats.",
    )
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/quality/failures/orders", response=answers(FailureOrderPage, 400, 403, 404))
def failure_orders(request: HttpRequest, query: Query[FigureQuery]) -> dict[str, Any]:
    """The orders behind one figure (``figure`` and the row's ``key``), newest first; ``count`` is the figure."""
    window = _window(request, query)
    check_figure_key(query.figure, query.key)
    qs = selectors.figure_order_rows(request.user, window, figure=query.figure, key=query.key)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": page.items, "next_cursor": page.next_cursor, "count": qs.count()}


# ---- quality cases ------------------------------------------------------------------------------------
class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(comment: CaseComment) -> str:
        return str(comment.author)


class CaseOut(Schema):
    id: int
    number: str
    title: str
    status: Annotated[str, Choice(CaseStatus)]
    source: Annotated[str, Choice(CaseSource)]
    product_model_id: int
    part_id: int | None
    fault_code: str
    service_center_id: int | None
    owner_id: int | None
    design_change_ref: str
    created_at: datetime.datetime
    analysis_started_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    released_at: datetime.datetime | None
    closed_at: datetime.datetime | None


class CaseDetailOut(CaseOut):
    description: str
    decision: str
    order_ids: list[int]
    comments: list[CommentOut]

    @staticmethod
    def resolve_order_ids(case: QualityCase) -> list[int]:
        return sorted(row.order_id for row in case.evidence.all())

    @staticmethod
    def resolve_comments(case: QualityCase) -> list[CaseComment]:
        return list(case.comments.all())


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CaseQuery(Schema):
    status: str = Field("", max_length=10, description="A status, or ``active`` (neither closed nor rejected).")
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


def _need_cases(request: HttpRequest) -> None:
    if not can_view_failures(request.user):
        raise PermissionDeniedError("forbidden", _("Only managers see the quality cases."))


@router.get("/quality/cases", response=answers(CasePage, 400, 403))
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> Page:
    """The quality cases of your centre (all for who sees every centre), newest first."""
    _need_cases(request)
    if filters.status and filters.status != "active" and filters.status not in CaseStatus.values:
        raise ValidationFailed("invalid_filter", _("status: a case status or active."), field="status")
    qs = selectors.case_list(request.user, status=filters.status)
    return keyset_page(qs, cursor=filters.cursor, limit=page_limit(filters.limit))


def case_or_404(request: HttpRequest, case_id: int) -> QualityCase:
    _need_cases(request)
    case = selectors.case_detail(request.user, case_id)
    if case is None:
        raise Http404
    return case


def _user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed("invalid_user", _("No such user."), field=field)
    return user


class CaseIn(Input):
    product_model_id: int
    order_ids: list[int] = Field(max_length=services.MAX_EVIDENCE)
    title: str = model_field(QualityCase, "title")
    source: CaseSource = CaseSource.GROUP
    part_id: int | None = None
    fault_code: str = model_field(QualityCase, "fault_code", "")
    description: str = model_field(QualityCase, "description", "")
    owner_id: int | None = None


@router.post("/quality/cases", response=answers(CaseDetailOut, 400, 403, 404, 409, 422, status=201))
def create_case(request: HttpRequest, payload: CaseIn) -> Created:
    """Send a repeat failure or a failure group to design: a case with its evidence orders."""

    def create() -> tuple[int, Any]:
        model = ProductModel.objects.filter(pk=payload.product_model_id).first()
        if model is None:
            raise ValidationFailed("invalid_model", _("No such product model."), field="product_model_id")
        part = None
        if payload.part_id is not None:
            part = Part.objects.filter(pk=payload.part_id).first()
            if part is None:
                raise ValidationFailed("invalid_part", _("No such part."), field="part_id")
        case = services.open_case(
            by=request.user,
            product_model=model,
            order_ids=payload.order_ids,
            title=payload.title,
            source=payload.source,
            part=part,
            fault_code=payload.fault_code,
            description=payload.description,
            owner=_user(payload.owner_id, "owner_id"),
        )
        return 201, CaseDetailOut.from_orm(case_or_404(request, case.pk))

    return idempotent(request, create)


@router.get("/quality/cases/{case_id}", response=answers(CaseDetailOut, 403, 404))
def get_case(request: HttpRequest, case_id: int) -> QualityCase:
    return case_or_404(request, case_id)


class CasePatch(Input):
    title: str | None = model_field(QualityCase, "title", None)
    description: str | None = model_field(QualityCase, "description", None)
    design_change_ref: str | None = model_field(QualityCase, "design_change_ref", None)
    owner_id: int | None = None


@router.patch("/quality/cases/{case_id}", response=answers(CaseDetailOut, 400, 403, 404, 409))
def update_case(request: HttpRequest, case_id: int, payload: CasePatch) -> QualityCase:
    """Edit the title, description, design change reference or owner of an active case."""
    case = case_or_404(request, case_id)
    services.update_case(
        case,
        by=request.user,
        title=payload.title,
        description=payload.description,
        design_change_ref=payload.design_change_ref,
        owner=_user(payload.owner_id, "owner_id"),
    )
    return case_or_404(request, case_id)


class CaseTransitionIn(Input):
    to: CaseStatus
    design_change_ref: str = model_field(QualityCase, "design_change_ref", "")
    decision: str = model_field(QualityCase, "decision", "")
    reason: str = Field("", max_length=500)


@router.post("/quality/cases/{case_id}/transition", response=answers(CaseDetailOut, 400, 403, 404, 409))
def transition_case(request: HttpRequest, case_id: int, payload: CaseTransitionIn) -> QualityCase:
    """Move a case: open → analysing → decided (needs the design change reference) → released → closed;
    rejected (needs a reason) from any state before the release."""
    case = case_or_404(request, case_id)
    services.transition_case(
        case,
        to=payload.to,
        by=request.user,
        design_change_ref=payload.design_change_ref,
        decision=payload.decision,
        reason=payload.reason,
    )
    return case_or_404(request, case_id)


class CommentIn(Input):
    text: str = model_field(CaseComment, "text")


@router.post("/quality/cases/{case_id}/comments", response=answers(CommentOut, 400, 403, 404, 409, 422, status=201))
def comment_case(request: HttpRequest, case_id: int, payload: CommentIn) -> Created:
    def create() -> tuple[int, Any]:
        comment = services.comment_case(case_or_404(request, case_id), by=request.user, text=payload.text)
        return 201, CommentOut.from_orm(comment)

    return idempotent(request, create)
