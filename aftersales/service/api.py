"""Service orders: intake, lifecycle, dispatch, visits with signatures, history."""

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from aftersales.accounts.models import User
from aftersales.core.api import ErrorOut, Input, idempotent, page_limit
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.filtering import apply_filters, filter_params
from aftersales.core.pagination import keyset_page
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.permissions import units_visible_to
from aftersales.service import selectors, services
from aftersales.service.choices import (
    Channel,
    OldParts,
    OrderKind,
    OrderStatus,
    Priority,
    Resolution,
    SlaState,
    WaitingFor,
)
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.permissions import can_open_orders, orders_visible_to
from aftersales.service.sla import sla_state

router = Router(tags=["service orders"])


# ---- schemas -----------------------------------------------------------------------------------
class Ref(Schema):
    id: int
    name: str


class OrderIn(Input):
    kind: OrderKind
    customer_id: int
    reporter_name: str = Field(max_length=100)
    reporter_phone: str = Field(max_length=30)
    description: str = Field(max_length=5000)
    channel: Channel = Channel.API
    resolution: Resolution = Resolution.ON_SITE
    priority: Priority = Priority.NORMAL
    contact_id: int | None = None
    site_id: int | None = None
    unit_id: int | None = None
    consultation_answer: str = Field("", max_length=5000)
    close_now: bool = False
    received_at: datetime.datetime | None = None


class OrderPatch(Input):
    version: int = Field(description="The version you read; a stale one answers 409.")
    priority: Priority | None = None
    resolution: Resolution | None = None
    description: str | None = Field(None, max_length=5000)
    reporter_name: str | None = Field(None, max_length=100)
    reporter_phone: str | None = Field(None, max_length=30)


class TransitionIn(Input):
    to: OrderStatus
    reason: str = Field("", max_length=500)
    waiting_for: WaitingFor | None = None
    version: int | None = None


class AssignIn(Input):
    technician_id: int
    helper_ids: list[int] = Field(default_factory=list, max_length=10)
    reason: str = Field("", max_length=500)
    version: int | None = None


class WarrantyOverrideIn(Input):
    covered: bool
    reason: str = Field(max_length=500)


class ExtendIn(Input):
    working_days: int = Field(ge=1, le=60)
    reason: str = Field(max_length=500)


class VisitIn(Input):
    arrived_at: datetime.datetime | None = None
    arrival_confirmed_by: str = Field("", max_length=100)
    diagnosis: str = Field("", max_length=5000)
    work_done: str = Field("", max_length=5000)
    parts_replaced: str = Field("", max_length=2000)
    old_parts: OldParts = OldParts.NONE
    misuse_found: bool = False
    departed_at: datetime.datetime | None = None
    rating: int | None = Field(None, ge=1, le=5)
    customer_remarks: str = Field("", max_length=2000)


class VisitPatch(Input):
    arrival_confirmed_by: str | None = Field(None, max_length=100)
    diagnosis: str | None = Field(None, max_length=5000)
    work_done: str | None = Field(None, max_length=5000)
    parts_replaced: str | None = Field(None, max_length=2000)
    old_parts: OldParts | None = None
    misuse_found: bool | None = None
    departed_at: datetime.datetime | None = None
    rating: int | None = Field(None, ge=1, le=5)
    customer_remarks: str | None = Field(None, max_length=2000)


class WarrantyOut(Schema):
    covered: bool
    reason: str
    detail: str
    until: datetime.date | None
    decided_by: Ref | None
    decided_at: datetime.datetime
    misuse_found: bool


class SlaOut(Schema):
    state: SlaState
    respond_by: datetime.datetime
    responded_at: datetime.datetime | None
    due_at: datetime.datetime
    at_risk_at: datetime.datetime
    calendar_warning: str


class OrderListOut(Schema):
    id: int
    number: str
    version: int
    status: str
    waiting_for: str
    kind: str
    channel: str
    resolution: str
    priority: str
    service_center: Ref
    customer: Ref
    unit: Ref | None
    technician: Ref | None
    reporter_name: str
    reporter_phone: str
    received_at: datetime.datetime
    warranty_covered: bool
    sla: SlaOut


class OrderOut(OrderListOut):
    description: str
    consultation_answer: str
    contact_id: int | None
    site_id: int | None
    helpers: list[Ref]
    warranty: WarrantyOut
    cancel_reason: str
    completed_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    allowed_transitions: list[str]


class OrderPage(Schema):
    items: list[OrderListOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    type: str
    actor: Ref | None
    from_status: str
    to_status: str
    reason: str
    data: dict[str, Any]
    created_at: datetime.datetime


class VisitOut(Schema):
    id: int
    order_id: int
    technician: Ref
    arrived_at: datetime.datetime
    arrival_confirmed_by: str
    diagnosis: str
    work_done: str
    parts_replaced: str
    old_parts: str
    misuse_found: bool
    departed_at: datetime.datetime | None
    signer_name: str
    signed_at: datetime.datetime | None
    signature_url: str | None
    rating: int | None
    customer_remarks: str


class PhotoOut(Schema):
    id: int
    order_id: int
    visit_id: int | None
    content_type: str
    size: int
    url: str


class TechnicianOut(Schema):
    id: int
    name: str
    username: str
    service_center: Ref | None
    open_load: int


class OrderFilterQuery(Schema):
    """The order list's filters (``ServiceOrderFilter``): the list, the exports and the screens."""

    status: list[OrderStatus] = Field(default_factory=list)
    kind: OrderKind | None = None
    priority: Priority | None = None
    service_center: int | None = None
    technician: int | None = None
    customer: int | None = None
    unit: int | None = None
    sla_state: SlaState | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    unassigned: bool | None = None
    q: str | None = Field(None, max_length=100, description="Order number, phone, serial number or customer name")


class OrderQuery(OrderFilterQuery):
    cursor: str | None = Field(None, max_length=200)
    limit: int | None = None


# ---- serialisation -----------------------------------------------------------------------------
def ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def order_row(order: ServiceOrder, *, now: datetime.datetime) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "version": order.version,
        "status": order.status,
        "waiting_for": order.waiting_for,
        "kind": order.kind,
        "channel": order.channel,
        "resolution": order.resolution,
        "priority": order.priority,
        "service_center": ref(order.service_center),
        "customer": ref(order.customer),
        "unit": None if order.unit is None else {"id": order.unit.pk, "name": order.unit.serial_number},
        "technician": ref(order.technician),
        "reporter_name": order.reporter_name,
        "reporter_phone": order.reporter_phone,
        "received_at": order.received_at,
        "warranty_covered": order.warranty_covered,
        "sla": {
            "state": sla_state(order, now=now),
            "respond_by": order.respond_by,
            "responded_at": order.responded_at,
            "due_at": order.due_at,
            "at_risk_at": order.at_risk_at,
            "calendar_warning": order.calendar_warning,
        },
    }


def moves_for(user: User, order: ServiceOrder) -> list[str]:
    """The moves this user may make on this order now (the screens offer only these)."""
    signed = order.visits.filter(signed_at__isnull=False).exists()
    return selectors.available_moves(user=user, order=order, has_signed_visit=signed)


def order_detail(order: ServiceOrder, *, user: User) -> dict[str, Any]:
    data = order_row(order, now=timezone.now())
    data.update(
        description=order.description,
        consultation_answer=order.consultation_answer,
        contact_id=order.contact_id,
        site_id=order.site_id,
        helpers=[ref(h) for h in order.helpers.all()],
        warranty={
            "covered": order.warranty_covered,
            "reason": order.warranty_reason,
            "detail": order.warranty_detail,
            "until": order.warranty_until,
            "decided_by": ref(order.warranty_decided_by),
            "decided_at": order.warranty_decided_at,
            "misuse_found": order.misuse_found,
        },
        cancel_reason=order.cancel_reason,
        completed_at=order.completed_at,
        closed_at=order.closed_at,
        created_at=order.created_at,
        updated_at=order.updated_at,
        allowed_transitions=moves_for(user, order),
    )
    return OrderOut.model_validate(data).model_dump(mode="json")


def visit_out(visit: Visit) -> dict[str, Any]:
    return {
        **{f: getattr(visit, f) for f in VisitOut.model_fields if hasattr(visit, f) and f not in ("technician",)},
        "technician": ref(visit.technician),
        "signature_url": f"/api/v1/visits/{visit.pk}/signature" if visit.signature else None,
    }


def _order(request: HttpRequest, order_id: int) -> ServiceOrder:
    return selectors.get_order(user=request.user, order_id=order_id)


def _fresh(request: HttpRequest, order: ServiceOrder) -> dict[str, Any]:
    return order_detail(_order(request, order.pk), user=request.user)


# ---- endpoints ---------------------------------------------------------------------------------
@router.get("/orders", response={200: OrderPage, 400: ErrorOut})
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> dict[str, Any]:
    """Orders in your scope, newest first, with keyset paging (``next_cursor``)."""
    queryset = apply_filters(
        ServiceOrderFilter, data=filter_params(filters), queryset=selectors.order_list(user=request.user)
    )
    page = keyset_page(queryset, cursor=filters.cursor, limit=page_limit(filters.limit))
    now = timezone.now()
    return {"items": [order_row(o, now=now) for o in page.items], "next_cursor": page.next_cursor}


@router.post("/orders", response={201: OrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def open_order(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    """Log a call. The warranty and due times are decided here; ``Idempotency-Key`` is honoured."""

    if not can_open_orders(request.user):  # the role is refused before any record is looked up
        raise PermissionDeniedError("forbidden", "Your role may not open service orders.")

    def create() -> tuple[int, Any]:
        customer = get_object_or_404(
            customers_visible_to(request.user).select_related("service_center"), pk=payload.customer_id
        )
        unit = None
        if payload.unit_id is not None:
            unit = get_object_or_404(
                units_visible_to(request.user).select_related("product_model", "site").filter(customer=customer),
                pk=payload.unit_id,
            )
        contact = get_object_or_404(customer.contacts, pk=payload.contact_id) if payload.contact_id else None
        site = get_object_or_404(customer.sites, pk=payload.site_id) if payload.site_id else None
        data = payload.model_dump(exclude={"customer_id", "unit_id", "contact_id", "site_id"})
        order = services.open_order(by=request.user, customer=customer, unit=unit, contact=contact, site=site, **data)
        # Built from the order just made (its customer, centre and unit are loaded): no reload.
        return 201, OrderOut.model_validate(order_detail(order, user=request.user))

    return idempotent(request, create)


@router.get("/orders/{order_id}", response={200: OrderOut, 404: ErrorOut})
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return order_detail(_order(request, order_id), user=request.user)


@router.patch(
    "/orders/{order_id}", response={200: OrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def update_order(request: HttpRequest, order_id: int, payload: OrderPatch) -> dict[str, Any]:
    """Edit descriptive fields. Send back the ``version`` you read: a stale copy answers 409."""
    order = _order(request, order_id)
    changes = payload.model_dump(exclude={"version"}, exclude_unset=True)
    services.update_order(order, by=request.user, expected_version=payload.version, changes=changes)
    return _fresh(request, order)


@router.post(
    "/orders/{order_id}/transitions",
    response={200: OrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def transition(request: HttpRequest, order_id: int, payload: TransitionIn) -> dict[str, Any]:
    """Move the order to another status. A move the table does not allow answers 409 with the allowed ones."""
    order = _order(request, order_id)
    services.transition_order(
        order,
        to=payload.to,
        by=request.user,
        reason=payload.reason,
        waiting_for=payload.waiting_for or "",
        expected_version=payload.version,
    )
    return _fresh(request, order)


@router.post(
    "/orders/{order_id}/assign", response={200: OrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def assign(request: HttpRequest, order_id: int, payload: AssignIn) -> dict[str, Any]:
    """Assign (or, with a reason, reassign) the responsible technician and helpers."""
    order = _order(request, order_id)
    technicians = {u.pk: u for u in User.objects.filter(pk__in=[payload.technician_id, *payload.helper_ids])}
    if payload.technician_id not in technicians:
        raise ValidationFailed("not_a_technician", "No such technician.", field="technician_id")
    missing = [i for i in payload.helper_ids if i not in technicians]
    if missing:
        raise ValidationFailed("not_a_technician", f"No such technician: {missing[0]}.", field="helper_ids")
    services.assign_technician(
        order,
        by=request.user,
        technician=technicians[payload.technician_id],
        helpers=[technicians[i] for i in payload.helper_ids],
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _fresh(request, order)


@router.post(
    "/orders/{order_id}/warranty-override", response={200: OrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def warranty_override(request: HttpRequest, order_id: int, payload: WarrantyOverrideIn) -> dict[str, Any]:
    order = _order(request, order_id)
    services.override_warranty(order, by=request.user, covered=payload.covered, reason=payload.reason)
    return _fresh(request, order)


@router.post(
    "/orders/{order_id}/extend-due",
    response={200: OrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def extend_due(request: HttpRequest, order_id: int, payload: ExtendIn) -> dict[str, Any]:
    """Extend the due date by working days, with a reason; the customer is told by SMS."""
    order = _order(request, order_id)
    services.extend_due(order, by=request.user, working_days=payload.working_days, reason=payload.reason)
    return _fresh(request, order)


@router.get("/orders/{order_id}/events", response={200: list[EventOut], 404: ErrorOut})
def order_events(request: HttpRequest, order_id: int) -> list[dict[str, Any]]:
    """The order's history: every change with who, when and old → new."""
    order = _order(request, order_id)
    return [
        {
            "id": e.pk,
            "type": e.type,
            "actor": ref(e.actor),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "reason": e.reason,
            "data": e.data,
            "created_at": e.created_at,
        }
        for e in selectors.order_events(order=order)
    ]


@router.get("/orders/{order_id}/visits", response={200: list[VisitOut], 404: ErrorOut})
def list_visits(request: HttpRequest, order_id: int) -> list[dict[str, Any]]:
    order = _order(request, order_id)
    return [visit_out(v) for v in selectors.order_visits(order=order)]


@router.post(
    "/orders/{order_id}/visits",
    response={201: VisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def record_visit(request: HttpRequest, order_id: int, payload: VisitIn) -> Status[Any]:
    """Record the technician's arrival and the work; the order goes on site."""
    order = _order(request, order_id)

    def create() -> tuple[int, Any]:
        visit = services.record_visit(order, by=request.user, **payload.model_dump())
        return 201, VisitOut.model_validate(visit_out(visit))

    return idempotent(request, create)


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    visible = orders_visible_to(request.user).values("pk")
    return get_object_or_404(Visit.objects.select_related("technician", "order").filter(order__in=visible), pk=visit_id)


@router.patch(
    "/visits/{visit_id}", response={200: VisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def update_visit(request: HttpRequest, visit_id: int, payload: VisitPatch) -> dict[str, Any]:
    visit = services.update_visit(_visit(request, visit_id), by=request.user, **payload.model_dump(exclude_unset=True))
    return visit_out(visit)


@router.post(
    "/visits/{visit_id}/signature", response={200: VisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def sign_visit(
    request: HttpRequest, visit_id: int, signer_name: Form[str], signature: File[UploadedFile]
) -> dict[str, Any]:
    """Upload the customer's signature (PNG drawn on the screen) with the signer's name."""
    if len(signer_name) > 100:
        raise ValidationFailed("too_long", "At most 100 characters.", field="signer_name")
    visit = services.sign_visit(_visit(request, visit_id), by=request.user, signer_name=signer_name, image=signature)
    return visit_out(visit)


@router.get("/visits/{visit_id}/signature", response={404: ErrorOut})
def get_signature(request: HttpRequest, visit_id: int) -> FileResponse:
    visit = _visit(request, visit_id)
    if not visit.signature:
        raise ValidationFailed("not_signed", "This visit has no signature.")
    return FileResponse(visit.signature.open("rb"), content_type="image/png")


@router.post("/orders/{order_id}/photos", response={201: PhotoOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def add_photo(
    request: HttpRequest, order_id: int, file: File[UploadedFile], visit_id: Form[int | None] = None
) -> Status[Any]:
    """Attach a photo (JPEG, PNG or WebP; size-limited) to the order or one of its visits."""
    order = _order(request, order_id)
    visit = get_object_or_404(order.visits, pk=visit_id) if visit_id else None
    photo = services.add_photo(order, by=request.user, file=file, visit=visit)
    return Status(
        201,
        {
            "id": photo.pk,
            "order_id": order.pk,
            "visit_id": photo.visit_id,
            "content_type": photo.content_type,
            "size": photo.size,
            "url": f"/api/v1/orders/{order.pk}/photos/{photo.pk}",
        },
    )


@router.get("/orders/{order_id}/photos/{photo_id}", response={404: ErrorOut})
def get_photo(request: HttpRequest, order_id: int, photo_id: int) -> FileResponse:
    order = _order(request, order_id)
    photo = get_object_or_404(order.attachments, pk=photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@router.get("/technicians", response=list[TechnicianOut], tags=["dispatch"])
def technicians(request: HttpRequest, service_center: int | None = None) -> list[dict[str, Any]]:
    """Technicians you may dispatch to, with their centre and open load."""
    return [
        {
            "id": t.pk,
            "name": str(t),
            "username": t.username,
            "service_center": ref(t.service_center),
            "open_load": t.open_load,
        }
        for t in selectors.technicians_with_load(user=request.user, centre_id=service_center)
    ]
