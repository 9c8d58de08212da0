"""Customer care: follow-ups and their calls, complaints, the contact log, the customer file and a
unit's history. Every list and detail reads through the app's scoping functions (404 outside)."""

import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.accounts.models import User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.care import selectors, services
from aftersales.care.api_reports import router as reports_router
from aftersales.care.choices import (
    CampaignKind,
    ComplaintCause,
    ComplaintSource,
    ComplaintStatus,
    ContactChannel,
    Direction,
    Outcome,
    Purpose,
    TaskStatus,
)
from aftersales.care.models import Campaign, Complaint, ContactEntry, FollowUpCall, FollowUpTask
from aftersales.care.permissions import care_customers_visible_to, contacts_visible_to
from aftersales.catalog.models import ProductModel
from aftersales.core.api import Input, found_or_404, idempotent, page_limit
from aftersales.core.errors import ValidationFailed
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import Choice, Day, Moment, answers, model_field, page_schema
from aftersales.coverage.choices import CoverageReason
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to
from aftersales.notifications.choices import MessageStatus
from aftersales.service.choices import OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to

router = Router(tags=["care"])
router.add_router("", reports_router)


# ---- follow-ups -------------------------------------------------------------------------------------
class CallOut(Schema):
    id: int
    at: datetime.datetime
    by_id: int
    outcome: Annotated[str, Choice(Outcome)]
    score: int | None
    expected: int | None
    perceived: int | None
    gap: int | None = Field(description="Perceived minus expected (satisfaction, domain.md §13)")
    nps: int | None
    answers: dict[str, Any]
    notes: str


# A task's state (selectors.task_state): where an open task stands, else its status.
FOLLOW_UP_STATE = Choice(
    "due", "overdue", "upcoming", TaskStatus.DONE, TaskStatus.REFUSED, TaskStatus.UNREACHABLE, TaskStatus.CANCELLED
)


class FollowUpOut(Schema):
    id: int
    purpose: Annotated[str, Choice(Purpose)]
    status: Annotated[str, Choice(TaskStatus)]
    state: Annotated[str, FOLLOW_UP_STATE] = Field(description="due, overdue or upcoming while open; else the status")
    customer_id: int
    customer_name: str
    order_id: int | None
    order_number: str | None
    unit_id: int | None
    opens_on: datetime.date
    closes_on: datetime.date
    assigned_to_id: int | None
    attempts: int
    retry_on: datetime.date | None
    done_at: datetime.datetime | None

    @staticmethod
    def resolve_state(task: FollowUpTask) -> str:
        return selectors.task_state(task)

    @staticmethod
    def resolve_customer_name(task: FollowUpTask) -> str:
        return task.customer.name

    @staticmethod
    def resolve_order_number(task: FollowUpTask) -> str | None:
        return task.order.number if task.order_id else None


class FollowUpDetailOut(FollowUpOut):
    calls: list[CallOut]

    @staticmethod
    def resolve_calls(task: FollowUpTask) -> list[FollowUpCall]:
        return list(task.calls.all())


FollowUpPage = page_schema(FollowUpOut)


class FollowUpQuery(Schema):
    list: str = Field("due", description="due, overdue, retry, upcoming, done or all", max_length=10)
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/care/follow-ups", response=answers(FollowUpPage, 400))
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpQuery]) -> Page:
    """Your follow-up calls (yours, the pool's, the absent clerk's you stand in for), newest first."""
    if filters.list not in selectors.TASK_LISTS:
        raise ValidationFailed(
            "invalid_filter", _("list: one of %(lists)s.") % {"lists": ", ".join(selectors.TASK_LISTS)}, field="list"
        )
    tasks = selectors.task_list(user=request.user, which=filters.list)
    return keyset_page(tasks, cursor=filters.cursor, limit=page_limit(filters.limit))


def get_task_or_404(request: HttpRequest, task_id: int) -> FollowUpTask:
    task = selectors.task_detail(user=request.user, task_id=task_id)
    if task is None:
        raise Http404
    return task


@router.get("/care/follow-ups/{task_id}", response=answers(FollowUpDetailOut, 404))
def get_follow_up(request: HttpRequest, task_id: int) -> FollowUpTask:
    return get_task_or_404(request, task_id)


class CallIn(Input):
    outcome: Outcome
    score: int | None = Field(None, description="1-5; required when reached")
    expected: int | None = Field(None, description="What the customer expected, 1-5")
    perceived: int | None = Field(None, description="What the customer got, 1-5")
    nps: int | None = Field(None, description="How likely to recommend us, 0-10")
    answers: dict[str, Any] = Field(default_factory=dict, description="Script answers by question id")
    notes: str = model_field(FollowUpCall, "notes", "")
    complaint: str = Field("", max_length=4000, description="Opens a complaint from this answer")


@router.post(
    "/care/follow-ups/{task_id}/calls", response=answers(FollowUpDetailOut, 400, 403, 404, 409, 422, status=201)
)
def record_call(request: HttpRequest, task_id: int, payload: CallIn) -> Created:
    """Record a call: reached (with the score), not reached (retry) or refused. A low score opens a
    complaint by itself. ``Idempotency-Key``: a retried request records no second call."""

    def create() -> tuple[int, Any]:
        services.record_call(task_id=task_id, by=request.user, **payload.model_dump())
        return 201, FollowUpDetailOut.from_orm(get_task_or_404(request, task_id))

    return idempotent(request, create)


class ComplaintAssignIn(Input):
    assigned_to_id: int | None = Field(description="A clerk of the task's centre; null: the pool")


@router.post("/care/follow-ups/{task_id}/assign", response=answers(FollowUpOut, 400, 403, 404, 409))
def assign_follow_up(request: HttpRequest, task_id: int, payload: ComplaintAssignIn) -> FollowUpTask:
    to = None
    if payload.assigned_to_id is not None:
        to = User.objects.filter(pk=payload.assigned_to_id, is_active=True).first()
        if to is None:
            raise ValidationFailed("invalid_clerk", _("No such clerk."), field="assigned_to_id")
    services.assign_follow_up(task_id=task_id, by=request.user, to=to)
    return get_task_or_404(request, task_id)


# ---- complaints -------------------------------------------------------------------------------------
class ComplaintOut(Schema):
    id: int
    number: str
    status: Annotated[str, Choice(ComplaintStatus)]
    level: int
    source: Annotated[str, Choice(ComplaintSource)]
    cause: Annotated[str, Choice(ComplaintCause)]
    customer_id: int
    owner_id: int
    description: str
    opened_at: datetime.datetime
    due_at: datetime.datetime
    escalated_at: datetime.datetime | None
    resolution: str
    resolved_at: datetime.datetime | None
    accepted: bool | None
    closed_at: datetime.datetime | None
    order_ids: list[int]
    unit_ids: list[int]
    overdue: bool

    @staticmethod
    def resolve_order_ids(complaint: Complaint) -> list[int]:
        return [o.pk for o in complaint.orders.all()]

    @staticmethod
    def resolve_unit_ids(complaint: Complaint) -> list[int]:
        return [u.pk for u in complaint.units.all()]

    @staticmethod
    def resolve_overdue(complaint: Complaint) -> bool:
        return selectors.is_overdue(complaint)


ComplaintPage = page_schema(ComplaintOut)


class ComplaintQuery(Schema):
    status: ComplaintStatus | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/care/complaints", response=answers(ComplaintPage, 400))
def list_complaints(request: HttpRequest, filters: Query[ComplaintQuery]) -> Page:
    complaints = selectors.complaint_list(user=request.user, status=filters.status or "").prefetch_related(
        "orders", "units"
    )
    return keyset_page(complaints, cursor=filters.cursor, limit=page_limit(filters.limit))


def _complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = selectors.complaint_detail(user=request.user, complaint_id=complaint_id)
    if complaint is None:
        raise Http404
    return complaint


class ComplaintIn(Input):
    customer_id: int
    description: str = model_field(Complaint, "description")
    cause: ComplaintCause = model_field(Complaint, "cause", ComplaintCause.OTHER, choices=ComplaintCause)
    owner_id: int | None = None
    order_ids: list[int] = Field(default_factory=list, max_length=50)
    unit_ids: list[int] = Field(default_factory=list, max_length=50)


def _linked[M: (ServiceOrder, Unit)](
    visible: list[M], ids: list[int], *, customer: Customer, field: str, code: str
) -> list[M]:
    """The orders or units a complaint links, in the order given; one that is not in your scope or not
    the customer's is refused at its own element (``order_ids.1``), the field the client sent (QA
    2026-12-07: the refusal named ``orders`` / ``units``, which no request carries)."""
    found = {row.pk: row for row in visible}
    for index, pk in enumerate(ids):
        row = found.get(pk)
        if row is None:
            detail = _("No such order.") if code == "invalid_order" else _("No such unit.")
            raise ValidationFailed(code, detail, field=f"{field}.{index}")
        if row.customer_id != customer.pk:
            detail = (
                _("The order is not this customer's.")
                if code == "invalid_order"
                else _("The unit is not this customer's.")
            )
            raise ValidationFailed(code, detail, field=f"{field}.{index}")
    return [found[pk] for pk in dict.fromkeys(ids)]


@router.post("/care/complaints", response=answers(ComplaintOut, 400, 403, 404, 422, status=201))
def open_complaint(request: HttpRequest, payload: ComplaintIn) -> Created:
    def create() -> tuple[int, Any]:
        customer = found_or_404(
            care_customers_visible_to(request.user),
            payload.customer_id,
            field="customer_id",
            missing=_("No such customer."),
        )
        orders = list(orders_visible_to(request.user).filter(pk__in=payload.order_ids))
        units = list(units_visible_to(request.user).filter(pk__in=payload.unit_ids))
        orders = _linked(orders, payload.order_ids, customer=customer, field="order_ids", code="invalid_order")
        units = _linked(units, payload.unit_ids, customer=customer, field="unit_ids", code="invalid_unit")
        owner = None
        if payload.owner_id is not None:
            owner = User.objects.filter(pk=payload.owner_id).first()
            if owner is None:
                raise ValidationFailed("invalid_owner", _("No such person."), field="owner_id")
        complaint = services.open_complaint(
            by=request.user,
            customer=customer,
            description=payload.description,
            cause=payload.cause,
            owner=owner,
            orders=orders,
            units=units,
        )
        return 201, ComplaintOut.from_orm(_complaint(request, complaint.pk))

    return idempotent(request, create)


@router.get("/care/complaints/{complaint_id}", response=answers(ComplaintOut, 404))
def get_complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    return _complaint(request, complaint_id)


class EscalateIn(Input):
    reason: str = Field("", max_length=500)


@router.post("/care/complaints/{complaint_id}/escalate", response=answers(ComplaintOut, 400, 403, 404, 409))
def escalate_complaint(request: HttpRequest, complaint_id: int, payload: EscalateIn) -> Complaint:
    services.escalate_complaint(complaint_id=complaint_id, by=request.user, reason=payload.reason)
    return _complaint(request, complaint_id)


class ComplaintResolveIn(Input):
    resolution: str = model_field(Complaint, "resolution")
    cause: ComplaintCause | None = None


@router.post("/care/complaints/{complaint_id}/resolve", response=answers(ComplaintOut, 400, 403, 404, 409))
def resolve_complaint(request: HttpRequest, complaint_id: int, payload: ComplaintResolveIn) -> Complaint:
    services.resolve_complaint(
        complaint_id=complaint_id, by=request.user, resolution=payload.resolution, cause=payload.cause
    )
    return _complaint(request, complaint_id)


class AcceptanceIn(Input):
    accepted: bool
    note: str = Field("", max_length=500)


@router.post("/care/complaints/{complaint_id}/acceptance", response=answers(ComplaintOut, 400, 403, 404, 409))
def record_acceptance(request: HttpRequest, complaint_id: int, payload: AcceptanceIn) -> Complaint:
    """The customer's answer to the resolution: accepted closes it, not accepted opens it again."""
    services.accept_resolution(complaint_id=complaint_id, by=request.user, accepted=payload.accepted, note=payload.note)
    return _complaint(request, complaint_id)


# ---- the contact log ---------------------------------------------------------------------------------
class CareContactOut(Schema):
    id: int
    customer_id: int
    channel: Annotated[str, Choice(ContactChannel)]
    direction: Annotated[str, Choice(Direction)]
    at: datetime.datetime
    by_id: int | None
    person: str
    summary: str
    needs: str
    order_id: int | None
    message_key: str


ContactPage = page_schema(CareContactOut)


class CareContactIn(Input):
    channel: ContactChannel
    direction: Direction
    summary: str = model_field(ContactEntry, "summary")
    person: str = model_field(ContactEntry, "person", "")
    needs: str = model_field(ContactEntry, "needs", "")
    order_id: int | None = None
    at: Moment | None = None


class CarePageQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/care/customers/{customer_id}/contacts", response=answers(ContactPage, 400, 404))
def list_contacts(request: HttpRequest, customer_id: int, filters: Query[CarePageQuery]) -> Page:
    customer = get_object_or_404(care_customers_visible_to(request.user), pk=customer_id)
    entries = contacts_visible_to(request.user).filter(customer=customer)
    return keyset_page(entries, cursor=filters.cursor, limit=page_limit(filters.limit))


@router.post("/care/customers/{customer_id}/contacts", response=answers(CareContactOut, 400, 403, 404, 422, status=201))
def log_contact(request: HttpRequest, customer_id: int, payload: CareContactIn) -> Created:
    def create() -> tuple[int, Any]:
        customer = get_object_or_404(care_customers_visible_to(request.user), pk=customer_id)
        order: ServiceOrder | None = None
        if payload.order_id is not None:
            order = orders_visible_to(request.user).filter(pk=payload.order_id).first()
            if order is None:
                raise ValidationFailed("invalid_order", _("No such order."), field="order_id")
        entry = services.log_contact(
            by=request.user,
            customer=customer,
            channel=payload.channel,
            direction=payload.direction,
            summary=payload.summary,
            person=payload.person,
            needs=payload.needs,
            order=order,
            at=payload.at,
        )
        return 201, CareContactOut.from_orm(entry)

    return idempotent(request, create)


# ---- the customer file and a unit's history ---------------------------------------------------------
class TimelineItemOut(Schema):
    at: datetime.datetime
    kind: str
    title: str
    detail: str
    url: str
    badge: str


class FileGapOut(Schema):
    key: str
    label: str


class FileCheckOut(Schema):
    due_on: datetime.date
    overdue: bool
    gaps: list[FileGapOut]


class CustomerFileOut(Schema):
    customer_id: int
    customer_name: str
    unit_ids: list[int]
    open_order_ids: list[int]
    past_order_ids: list[int]
    follow_ups: list[FollowUpOut]
    complaints: list[ComplaintOut]
    ratings: list[CallOut]
    check: FileCheckOut
    timeline: list[TimelineItemOut]


@router.get("/care/customers/{customer_id}/file", response=answers(CustomerFileOut, 404))
def customer_file(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    """The customer file (客户档案): units, orders, follow-ups, complaints, ratings, the file's
    completeness, and one timeline of everything that happened (newest first)."""
    customer = get_object_or_404(
        care_customers_visible_to(request.user).prefetch_related("contacts", "sites"), pk=customer_id
    )
    file = selectors.customer_file(user=request.user, customer=customer)
    return {
        "customer_id": customer.pk,
        "customer_name": customer.name,
        "unit_ids": [u.pk for u in file.units],
        "open_order_ids": [o.pk for o in file.open_orders],
        "past_order_ids": [o.pk for o in file.past_orders],
        "follow_ups": file.follow_ups,
        "complaints": file.complaints,
        "ratings": file.ratings,
        "check": file.check,
        "timeline": file.timeline,
    }


class CareWarrantyOut(Schema):
    covered: bool
    reason: Annotated[str, Choice(CoverageReason)]
    detail: str
    until: datetime.date | None


class CareVisitOut(Schema):
    id: int
    technician_id: int
    arrived_at: datetime.datetime
    work_done: str
    parts_replaced: str
    rating: int | None


class UnitOrderOut(Schema):
    id: int
    number: str
    kind: Annotated[str, Choice(OrderKind)]
    status: Annotated[str, Choice(OrderStatus)]
    received_at: datetime.datetime
    closed_at: datetime.datetime | None
    warranty_covered: bool
    description: str
    visits: list[CareVisitOut]


class UnitHistoryOut(Schema):
    unit_id: int
    serial_number: str
    customer_id: int
    warranty: CareWarrantyOut
    orders: list[UnitOrderOut]
    follow_ups: list[FollowUpOut]
    complaint_ids: list[int]


@router.get("/care/units/{unit_id}/history", response=answers(UnitHistoryOut, 404))
def unit_history(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """A unit's full service history by serial: orders with their visits, follow-ups, complaints,
    and its warranty today with the reason (the one coverage decision)."""
    unit: Unit = get_object_or_404(
        units_visible_to(request.user).select_related("customer", "product_model"), pk=unit_id
    )
    if not care_customers_visible_to(request.user).filter(pk=unit.customer_id).exists():
        raise Http404
    history = selectors.unit_history(user=request.user, unit=unit)
    return {
        "unit_id": unit.pk,
        "serial_number": unit.serial_number,
        "customer_id": unit.customer_id,
        "warranty": history.warranty,
        "orders": [
            {**{f: getattr(order, f) for f in UnitOrderOut.model_fields if f != "visits"}, "visits": visits}
            for order, visits in history.orders
        ],
        "follow_ups": history.follow_ups,
        "complaint_ids": [c.pk for c in history.complaints],
    }


# ---- campaigns --------------------------------------------------------------------------------------
class CampaignOut(Schema):
    id: int
    service_center_id: int
    kind: Annotated[str, Choice(CampaignKind)]
    title: str
    message: str
    event_on: datetime.date
    decided_on: datetime.date
    letters_due_on: datetime.date
    letters_sent_at: datetime.datetime | None
    product_model_id: int | None
    province: str
    older_than_years: int | None
    late_reason: str
    recipient_count: int = Field(description="How many customers it was announced to")


class RecipientOut(Schema):
    customer_id: int
    customer_name: str
    mobile: str
    delivery: Annotated[str, Choice(MessageStatus, blank=True)] = Field(
        description="The SMS's outbox status (queued, sending, sent, failed); empty: letter only"
    )


class CampaignDetailOut(CampaignOut):
    recipients: list[RecipientOut]
    letters_late: bool


CampaignPage = page_schema(CampaignOut)


class CampaignIn(Input):
    title: str = model_field(Campaign, "title")
    message: str = model_field(Campaign, "message")
    kind: CampaignKind = model_field(Campaign, "kind", CampaignKind.EVENT, choices=CampaignKind)
    event_on: Day
    service_center_id: int | None = None
    product_model_id: int | None = Field(None, description="Owners of units of this model")
    province: str = model_field(Campaign, "province", "")
    older_than_years: int | None = Field(None, description="Owners of units bought more than N years ago")
    late_reason: str = model_field(
        Campaign, "late_reason", "", description="Required when the event is less than two weeks away"
    )


def _campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    view = selectors.campaign_detail(user=request.user, campaign_id=campaign_id)
    if view is None:
        raise Http404
    campaign = view.campaign
    return {
        **{name: getattr(campaign, name) for name in CampaignOut.model_fields if name != "recipient_count"},
        "recipient_count": len(view.recipients),
        "recipients": [
            {
                "customer_id": r.customer_id,
                "customer_name": r.customer.name,
                "mobile": r.mobile,
                "delivery": status,
            }
            for r, status in view.recipients
        ],
        "letters_late": view.letters_late,
    }


@router.get("/care/campaigns", response=answers(CampaignPage, 400))
def list_campaigns(request: HttpRequest, filters: Query[CarePageQuery]) -> Page:
    return keyset_page(
        selectors.campaign_list(user=request.user), cursor=filters.cursor, limit=page_limit(filters.limit)
    )


@router.post("/care/campaigns", response=answers(CampaignDetailOut, 400, 403, 404, 422, status=201))
def announce_campaign(request: HttpRequest, payload: CampaignIn) -> Created:
    """Announce an event or offer to the owners chosen (a model, a province, units past N years): an
    SMS to each through the outbox, logged on their files; letters are due within 2 working days."""

    def create() -> tuple[int, Any]:
        centre = None
        if payload.service_center_id is not None:
            centre = found_or_404(
                centres_visible_to(request.user),
                payload.service_center_id,
                field="service_center_id",
                missing=_("No such service centre."),
            )
        model = None
        if payload.product_model_id is not None:
            model = ProductModel.objects.filter(pk=payload.product_model_id).first()
            if model is None:
                raise ValidationFailed("invalid_choice", _("No such product model."), field="product_model_id")
        campaign = services.announce_campaign(
            by=request.user,
            title=payload.title,
            message=payload.message,
            kind=payload.kind,
            event_on=payload.event_on,
            service_center=centre,
            product_model=model,
            province=payload.province,
            older_than_years=payload.older_than_years,
            late_reason=payload.late_reason,
        )
        return 201, _campaign_detail(request, campaign.pk)

    return idempotent(request, create)


@router.get("/care/campaigns/{campaign_id}", response=answers(CampaignDetailOut, 404))
def get_campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _campaign_detail(request, campaign_id)


@router.post("/care/campaigns/{campaign_id}/letters", response=answers(CampaignDetailOut, 403, 404, 409))
def record_letters_sent(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """The letters are posted: one letter on each recipient's contact log (409 the second time)."""
    services.record_letters_sent(campaign_id=campaign_id, by=request.user)
    return _campaign_detail(request, campaign_id)
