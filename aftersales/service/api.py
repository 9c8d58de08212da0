"""Service orders: intake, lifecycle, dispatch, visits with signatures, history."""

import datetime
from collections.abc import Callable
from contextlib import nullcontext
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from aftersales.accounts.models import User
from aftersales.core.api import Input, TextBool, idempotent, page_limit
from aftersales.core.compiled import values_rows
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.filtering import apply_validated, filter_params
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.phones import PHONE_INPUT_MAX_LENGTH
from aftersales.core.prepared import ors, prepared_statements
from aftersales.core.renderers import render_response
from aftersales.core.schemas import SEARCH_MAX_LENGTH, Choice, Day, Moment, answers, file_answer, model_field
from aftersales.core.uploads import IMAGE_TYPES
from aftersales.core.validation import field_max_length
from aftersales.coverage.choices import CoverageReason
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to, visible_unit
from aftersales.service import list_rows, selectors, services
from aftersales.service.choices import (
    Channel,
    EventType,
    OldParts,
    OrderKind,
    OrderStatus,
    Priority,
    Resolution,
    SlaState,
    UnsignedReason,
    WaitingFor,
)
from aftersales.service.filters import ServiceOrderFilter, search_parts
from aftersales.service.models import Attachment, OrderEvent, ServiceOrder, Visit
from aftersales.service.permissions import can_open_orders, orders_visible_to, sees_own_jobs_only
from aftersales.service.services.orders import EXTEND_MAX_WORKING_DAYS
from aftersales.service.sla import resolution_state, response_state, sla_state

router = Router(tags=["service orders"])


# ---- schemas -----------------------------------------------------------------------------------
class Ref(Schema):
    """A related record by id and display name (``str()`` of it: a centre's, customer's or person's name)."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class UnitRef(Ref):
    """A unit by id and serial number."""

    @staticmethod
    def resolve_name(unit: Unit) -> str:
        return unit.serial_number


class OrderIn(Input):
    kind: OrderKind
    customer_id: int
    reporter_name: str = model_field(ServiceOrder, "reporter_name")
    reporter_phone: str = Field(max_length=PHONE_INPUT_MAX_LENGTH)
    description: str = model_field(ServiceOrder, "description")
    channel: Channel = model_field(ServiceOrder, "channel", Channel.API, choices=Channel)
    resolution: Resolution = model_field(ServiceOrder, "resolution", Resolution.ON_SITE, choices=Resolution)
    priority: Priority = model_field(ServiceOrder, "priority", Priority.NORMAL, choices=Priority)
    contact_id: int | None = None
    site_id: int | None = None
    unit_id: int | None = None
    consultation_answer: str = model_field(ServiceOrder, "consultation_answer", "")
    close_now: bool = False
    received_at: Moment | None = None


class OrderPatch(Input):
    version: int = Field(description="The version you read; a stale one answers 409.")
    priority: Priority | None = None
    resolution: Resolution | None = None
    description: str | None = model_field(ServiceOrder, "description", None)
    reporter_name: str | None = model_field(ServiceOrder, "reporter_name", None)
    reporter_phone: str | None = Field(None, max_length=PHONE_INPUT_MAX_LENGTH)


class TransitionIn(Input):
    to: OrderStatus
    reason: str = model_field(OrderEvent, "reason", "")
    waiting_for: WaitingFor | None = None
    version: int | None = None


class AssignIn(Input):
    technician_id: int
    helper_ids: list[int] = Field(default_factory=list, max_length=10)
    reason: str = model_field(OrderEvent, "reason", "")
    override: bool = Field(
        False,
        description="Assign although a dispatch rule refuses the technician (no valid certificate): "
        "`service.override_dispatch_checks` and a `reason` are needed; an absence cannot be overridden.",
    )
    version: int | None = None


class WarrantyOverrideIn(Input):
    covered: bool
    reason: str = model_field(OrderEvent, "reason")


class ExtendIn(Input):
    working_days: int = Field(ge=1, le=EXTEND_MAX_WORKING_DAYS)
    reason: str = model_field(OrderEvent, "reason")
    version: int | None = Field(None, description="The version you read; a stale one answers 409.")


class VisitIn(Input):
    arrived_at: Moment | None = None
    arrival_confirmed_by: str = model_field(Visit, "arrival_confirmed_by", "")
    diagnosis: str = model_field(Visit, "diagnosis", "")
    work_done: str = model_field(Visit, "work_done", "")
    parts_replaced: str = model_field(Visit, "parts_replaced", "")
    old_parts: OldParts = model_field(Visit, "old_parts", OldParts.NONE, choices=OldParts)
    misuse_found: bool = False
    departed_at: Moment | None = None
    rating: int | None = model_field(Visit, "rating", None)
    customer_remarks: str = model_field(Visit, "customer_remarks", "")


class VisitPatch(Input):
    arrival_confirmed_by: str | None = model_field(Visit, "arrival_confirmed_by", None)
    diagnosis: str | None = model_field(Visit, "diagnosis", None)
    work_done: str | None = model_field(Visit, "work_done", None)
    parts_replaced: str | None = model_field(Visit, "parts_replaced", None)
    old_parts: OldParts | None = model_field(Visit, "old_parts", None, choices=OldParts)
    misuse_found: bool | None = None
    departed_at: Moment | None = None
    rating: int | None = model_field(Visit, "rating", None)
    customer_remarks: str | None = model_field(Visit, "customer_remarks", None)


class VisitEndIn(Input):
    reason: UnsignedReason = model_field(Visit, "unsigned_reason", choices=UnsignedReason)
    note: str = model_field(Visit, "unsigned_note", "")
    waiting_for: WaitingFor | None = Field(
        None,
        description="What the order waits for now (default: parts when another visit is needed, else the customer).",
    )
    departed_at: Moment | None = None


class WarrantyOut(Schema):
    """The coverage decision recorded on the order (read from the order's ``warranty_*`` fields)."""

    covered: bool
    reason: Annotated[str, Choice(CoverageReason)]
    detail: str
    until: datetime.date | None
    decided_by: Ref | None
    decided_at: datetime.datetime
    misuse_found: bool

    @staticmethod
    def resolve_covered(order: ServiceOrder) -> bool:
        return order.warranty_covered

    @staticmethod
    def resolve_reason(order: ServiceOrder) -> str:
        return order.warranty_reason

    @staticmethod
    def resolve_detail(order: ServiceOrder) -> str:
        return order.warranty_detail

    @staticmethod
    def resolve_until(order: ServiceOrder) -> datetime.date | None:
        return order.warranty_until

    @staticmethod
    def resolve_decided_by(order: ServiceOrder) -> User | None:
        return order.warranty_decided_by

    @staticmethod
    def resolve_decided_at(order: ServiceOrder) -> datetime.datetime:
        return order.warranty_decided_at


def _page_now(context: dict[str, Any] | None) -> datetime.datetime:
    return (context or {}).get("now") or timezone.now()


class SlaOut(Schema):
    """The order's SLA times and the states of its two clocks now (read from the order): ``state``
    is the worst of ``response_state`` and ``resolution_state`` (a breach of either is overdue)."""

    state: SlaState
    response_state: SlaState = Field(description="The response clock (respond_by, hours): done once responded.")
    resolution_state: SlaState = Field(
        description="The resolution clock (at_risk_at, due_at; working days): done once completed or closed."
    )
    respond_by: datetime.datetime
    responded_at: datetime.datetime | None
    due_at: datetime.datetime
    at_risk_at: datetime.datetime
    calendar_warning: str

    # One instant for a whole list page (``now`` in the context: service/list_rows.py), else now.
    @staticmethod
    def resolve_state(order: ServiceOrder, context: dict[str, Any] | None) -> str:
        return sla_state(order, now=_page_now(context))

    @staticmethod
    def resolve_response_state(order: ServiceOrder, context: dict[str, Any] | None) -> str:
        return response_state(order, now=_page_now(context))

    @staticmethod
    def resolve_resolution_state(order: ServiceOrder, context: dict[str, Any] | None) -> str:
        return resolution_state(order, now=_page_now(context))


class OrderListOut(Schema):
    id: int
    number: str
    version: int
    status: Annotated[str, Choice(OrderStatus)]
    waiting_for: Annotated[str, Choice(WaitingFor, blank=True)]
    kind: Annotated[str, Choice(OrderKind)]
    channel: Annotated[str, Choice(Channel)]
    resolution: Annotated[str, Choice(Resolution)]
    priority: Annotated[str, Choice(Priority)]
    service_center: Ref
    customer: Ref
    unit: UnitRef | None
    technician: Ref | None
    reporter_name: str
    reporter_phone: str
    received_at: datetime.datetime
    warranty_covered: bool
    sla: SlaOut

    @staticmethod
    def resolve_sla(order: ServiceOrder) -> ServiceOrder:
        return order


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
    allowed_transitions: list[Annotated[str, Choice(OrderStatus)]] = Field(
        description="The statuses you may move this order to now."
    )

    @staticmethod
    def resolve_helpers(order: ServiceOrder, context: dict[str, Any]) -> list[User]:
        if context.get("just_opened"):
            return []  # an order just opened has no helpers: no query
        return list(order.helpers.all())

    @staticmethod
    def resolve_warranty(order: ServiceOrder) -> ServiceOrder:
        return order

    @staticmethod
    def resolve_allowed_transitions(order: ServiceOrder, context: dict[str, Any]) -> list[str]:
        # An order just opened has no visit, so none signed: no query.
        signed = False if context.get("just_opened") else None
        return moves_for(context["request"].user, order, visits_signed=signed)


class OrderPage(Schema):
    items: list[OrderListOut]
    next_cursor: str | None


ORDER_ROWS = list_rows.RowWriter(OrderListOut)
ORDER_ANSWER = list_rows.RowWriter(OrderOut)


class EventOut(Schema):
    id: int
    type: Annotated[str, Choice(EventType)]
    actor: Ref | None
    from_status: Annotated[str, Choice(OrderStatus, blank=True)]
    to_status: Annotated[str, Choice(OrderStatus, blank=True)]
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
    old_parts: Annotated[str, Choice(OldParts)]
    misuse_found: bool
    departed_at: datetime.datetime | None
    signer_name: str
    signed_at: datetime.datetime | None
    signature_url: str | None
    rating: int | None
    customer_remarks: str
    unsigned_reason: Annotated[str, Choice(UnsignedReason, blank=True)]
    unsigned_note: str

    @staticmethod
    def resolve_signature_url(visit: Visit) -> str | None:
        return f"/api/v1/visits/{visit.pk}/signature" if visit.signature else None


class PhotoOut(Schema):
    id: int
    order_id: int
    visit_id: int | None
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(photo: Attachment) -> str:
        return f"/api/v1/orders/{photo.order_id}/photos/{photo.pk}"


class TechnicianOut(Schema):
    id: int
    name: str
    username: str
    service_center: Ref | None
    open_load: int = Field(description="Open orders assigned to the technician.")

    @staticmethod
    def resolve_name(user: User) -> str:
        return str(user)


class OrderFilterQuery(Schema):
    """The order list's filters (``ServiceOrderFilter``): the list, the exports and the screens."""

    status: list[OrderStatus] = Field(default_factory=list)
    kind: OrderKind | None = None
    priority: Priority | None = None
    channel: Channel | None = Field(None, description="How the order came in (hotline, portal, device, …).")
    service_center: int | None = None
    technician: int | None = None
    customer: int | None = None
    unit: int | None = None
    sla_state: SlaState | None = Field(None, description="The worst of the two clocks.")
    response_state: SlaState | None = None
    resolution_state: SlaState | None = None
    received_from: Day | None = None
    received_to: Day | None = None
    waiting_for: WaitingFor | None = None
    unassigned: TextBool | None = Field(None, description="true: open orders without a technician; false: with one.")
    q: str | None = Field(
        None, max_length=SEARCH_MAX_LENGTH, description="Order number, phone, serial number or customer name"
    )


class OrderQuery(OrderFilterQuery):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


# ---- helpers -----------------------------------------------------------------------------------
def moves_for(user: User, order: ServiceOrder, *, visits_signed: bool | None = None) -> list[str]:
    """The moves this user may make on this order now (the screens offer only these)."""
    if visits_signed is None:
        visits_signed = selectors.order_visits_signed(order)
    return selectors.available_moves(user=user, order=order, visits_signed=visits_signed)


def _order(request: HttpRequest, order_id: int) -> ServiceOrder:
    return selectors.get_order(user=request.user, order_id=order_id)


def _fresh(request: HttpRequest, order: ServiceOrder) -> ServiceOrder:
    """The order read again after a write, with everything ``OrderOut`` shows."""
    return _order(request, order.pk)


def _once(request: HttpRequest, order: ServiceOrder, change: Callable[[], object]) -> Created:
    """A change to ``order`` whose retry would repeat its effect (a due date extended twice), run once
    per ``Idempotency-Key`` like a create: a retry answers the first answer and changes nothing."""

    def run() -> tuple[int, OrderOut]:
        change()
        return 200, OrderOut.from_orm(_fresh(request, order), context={"request": request})

    return idempotent(request, run)


# ---- endpoints ---------------------------------------------------------------------------------
@router.get("/orders", response=answers(OrderPage, 400))
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> HttpResponse:
    """Orders in your scope, newest first, with keyset paging (``next_cursor``)."""
    # OrderQuery has typed and checked every value (enums, ints, days in range): the filters are applied
    # directly, without binding the filter set's form again (test_filtering: the same SQL).
    searched = bool(filters.q) or filters.received_from is not None or filters.received_to is not None
    # Read as its ids first, from the order table alone, then its rows by id (list_rows.rows_by_ids):
    # - a search or a received-date range, planned for its values: planning the four joins was most of
    #   its time in PostgreSQL;
    # - one technician's orders (their own scope, or ?technician=) of any status or several: the generic
    #   plan of the joined page walked the primary key backwards past every other technician's orders
    #   (7.5 ms for one with 1,252 orders at 1,000,000; 0.3-0.9 s, the whole table, for a technician just
    #   hired), where their ids alone are read from order_tech_status_idx and sorted. For one status the
    #   joined page is a range of that index already: one statement;
    # - a technician who helps on orders: their scope is read in parts, their own orders and the ones they
    #   help on (selectors.order_list_parts), a page of ids from each, merged (core.pagination.keyset_page's
    #   union). The page of the OR walked the primary key past every other order (27 ms for their closed
    #   orders at 1,000,000).
    statuses = list(dict.fromkeys(filters.status))
    one_technician = filters.technician is not None or sees_own_jobs_only(request.user)
    ids_first = searched or (one_technician and len(statuses) != 1)
    scopes = selectors.order_list_parts(user=request.user, ids_only=ids_first)
    ids_first = ids_first or len(scopes) > 1
    data = filter_params(filters)
    # A search is read part by part, each a range of its own index, and merged (service.filters.search_parts).
    search = search_parts(data.pop("q")) if "q" in data else None
    first, *others = [apply_validated(ServiceOrderFilter, data=data, queryset=scope) for scope in scopes]
    # The fast path (service/list_rows.py): values rows written as OrderListOut says, rendered by the
    # API's renderer, without model instances or a second validation; the same JSON (test_list_rows).
    # The same filters with other values: the SQL compiled once (core/compiled.py) and planned once by
    # PostgreSQL (core/prepared.py).
    # Several statuses: SQLite reads one short range of order_centre_status_idx per status instead of
    # sorting every order of those statuses (90 ms at 1,000,000 orders; core.pagination.keyset_page).
    parts = [Q(status=s) for s in statuses] if len(statuses) > 1 else None
    # Prepared, so planned once and generically (settings.base SESSION_OPTIONS), unless the values decide
    # the plan, and PostgreSQL plans the page for them (test_database_backend): a received-date range (how
    # much of the history it covers: the received_at index or the newest ids first), a search (which
    # customers, and how many: a generic plan for 43 customers walked the ids backwards, 90 ms for d2) or
    # a scope that still ORs (core.prepared.ors).
    planned_for_values = searched or any(ors(scope) for scope in scopes)
    with nullcontext() if planned_for_values else prepared_statements():
        page = keyset_page(
            first,
            union=others,
            any_of=search or None,
            cursor=filters.cursor,
            limit=page_limit(filters.limit),
            fetch=values_rows,
            parts=parts,
        )
    if ids_first:
        page.items = list_rows.rows_by_ids([row["id"] for row in page.items])
    body = {"items": ORDER_ROWS.rows(page.items), "next_cursor": page.next_cursor}
    return render_response(request, body)


@router.post("/orders", response=answers(OrderOut, 400, 403, 404, 422, status=201))
def open_order(request: HttpRequest, payload: OrderIn) -> Created | HttpResponse:
    """Log a call. The warranty and due times are decided here; ``Idempotency-Key`` is honoured."""

    if not can_open_orders(request.user):  # the role is refused before any record is looked up
        raise PermissionDeniedError("forbidden", _("Your role may not open service orders."))

    def create() -> tuple[int, dict[str, Any]]:
        customer, unit = _customer_and_unit(request, customer_id=payload.customer_id, unit_id=payload.unit_id)
        # Any contact or site the caller may see: one of another customer is refused by open_order with
        # wrong_contact / wrong_site (400, docs/errors.md), one outside the scope answers 404 as unknown.
        scope = customers_visible_to(request.user)
        contacts = Contact.objects.filter(customer__in=scope)
        contact = _one_of(contacts, payload.contact_id, field="contact_id", missing=_("No such contact."))
        site = _one_of(
            Site.objects.filter(customer__in=scope), payload.site_id, field="site_id", missing=_("No such site.")
        )
        data = payload.model_dump(exclude={"customer_id", "unit_id", "contact_id", "site_id"})
        order = services.open_order(by=request.user, customer=customer, unit=unit, contact=contact, site=site, **data)
        # Written from the order just made (its customer, centre and unit are loaded: no reload) as
        # OrderOut says, without a pydantic round trip (test_list_rows: the same JSON as from_orm).
        return 201, ORDER_ANSWER.one(order, {"request": request, "just_opened": True})

    answer = idempotent(request, create)
    if isinstance(answer, Status):
        return render_response(request, answer.value, status=answer.status_code)
    return answer


UNIT_WITH_RELATIONS = ("customer__service_center", "product_model", "site")


def _customer_and_unit(request: HttpRequest, *, customer_id: int, unit_id: int | None) -> tuple[Customer, Unit | None]:
    """The call's customer and unit, both in the caller's scope, else 404 naming the missing one (a unit
    of another customer the caller may see is returned, for open_order to refuse with ``wrong_unit``).

    With a unit, one query reads both: ``units_visible_to`` is the units of the customers the caller
    may see, so a visible unit of that customer vouches for the customer. The lookups one by one run
    only when it finds nothing, to say which of the two does not exist (for the caller)."""
    if unit_id is not None:
        # Read with its relations by one joined SELECT (for the desk roles compiled once:
        # installed_base.permissions.visible_unit), and planned once per connection (prepared: a read by
        # primary key, whatever the scope; planning its five relations took 0.45 ms of PostgreSQL's time
        # against 0.14 ms to run it).
        with prepared_statements():
            found = visible_unit(request.user, unit_id=unit_id, customer_id=customer_id, related=UNIT_WITH_RELATIONS)
        if found is not None:
            return found.customer, found
    customer = _one_of(
        customers_visible_to(request.user).select_related("service_center"),
        customer_id,
        field="customer_id",
        missing=_("No such customer."),
    )
    if unit_id is None:
        return customer, None
    # Any unit the caller may see: one of another customer is refused by open_order with wrong_unit.
    unit = _one_of(
        units_visible_to(request.user).select_related("product_model", "site"),
        unit_id,
        field="unit_id",
        missing=_("No such unit."),
    )
    return customer, unit


def _one_of(records: Any, pk: int | None, *, field: str, missing: str) -> Any:
    """The record ``pk`` among ``records`` (the caller's scope), None for no id, else 404 naming the field
    (an unknown id and another centre's answer alike; Django's 404 said only "Not found")."""
    if pk is None:
        return None
    found = records.filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not_found", missing, field=field)
    return found


@router.get("/orders/{order_id}", response=answers(OrderOut, 404))
def get_order(request: HttpRequest, order_id: int) -> ServiceOrder:
    return _order(request, order_id)


@router.patch("/orders/{order_id}", response=answers(OrderOut, 400, 403, 404, 409))
def update_order(request: HttpRequest, order_id: int, payload: OrderPatch) -> ServiceOrder:
    """Edit descriptive fields. Send back the ``version`` you read: a stale copy answers 409."""
    order = _order(request, order_id)
    changes = payload.model_dump(exclude={"version"}, exclude_unset=True)
    services.update_order(order, by=request.user, expected_version=payload.version, changes=changes)
    return _fresh(request, order)


@router.post("/orders/{order_id}/transitions", response=answers(OrderOut, 400, 403, 404, 409))
def transition(request: HttpRequest, order_id: int, payload: TransitionIn) -> ServiceOrder:
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


@router.post("/orders/{order_id}/assign", response=answers(OrderOut, 400, 403, 404, 409, 422))
def assign(request: HttpRequest, order_id: int, payload: AssignIn) -> Created:
    """Assign (or, with a reason, reassign) the responsible technician and helpers.
    ``Idempotency-Key`` is honoured."""
    order = _order(request, order_id)
    technicians = {u.pk: u for u in User.objects.filter(pk__in=[payload.technician_id, *payload.helper_ids])}
    if payload.technician_id not in technicians:
        raise ValidationFailed("not_a_technician", _("No such technician."), field="technician_id")
    missing = [i for i in payload.helper_ids if i not in technicians]
    if missing:
        raise ValidationFailed(
            "not_a_technician", _("No such technician: %(id)s.") % {"id": missing[0]}, field="helper_ids"
        )
    return _once(
        request,
        order,
        lambda: services.assign_technician(
            order,
            by=request.user,
            technician=technicians[payload.technician_id],
            helpers=[technicians[i] for i in payload.helper_ids],
            reason=payload.reason,
            expected_version=payload.version,
            override=payload.override,
        ),
    )


@router.post("/orders/{order_id}/warranty-override", response=answers(OrderOut, 400, 403, 404))
def warranty_override(request: HttpRequest, order_id: int, payload: WarrantyOverrideIn) -> ServiceOrder:
    order = _order(request, order_id)
    services.override_warranty(order, by=request.user, covered=payload.covered, reason=payload.reason)
    return _fresh(request, order)


@router.post("/orders/{order_id}/extend-due", response=answers(OrderOut, 400, 403, 404, 409, 422))
def extend_due(request: HttpRequest, order_id: int, payload: ExtendIn) -> Created:
    """Extend the due date by working days, with a reason; the customer is told by SMS.
    ``Idempotency-Key`` is honoured: a retry with the same key does not extend it again."""
    order = _order(request, order_id)
    return _once(
        request,
        order,
        lambda: services.extend_due(
            order,
            by=request.user,
            working_days=payload.working_days,
            reason=payload.reason,
            expected_version=payload.version,
        ),
    )


@router.get("/orders/{order_id}/events", response=answers(list[EventOut], 404))
def order_events(request: HttpRequest, order_id: int) -> QuerySet[OrderEvent]:
    """The order's history: every change with who, when and old → new."""
    return selectors.order_events(order=_order(request, order_id))


@router.get("/orders/{order_id}/visits", response=answers(list[VisitOut], 404))
def list_visits(request: HttpRequest, order_id: int) -> QuerySet[Visit]:
    return selectors.order_visits(order=_order(request, order_id))


@router.post("/orders/{order_id}/visits", response=answers(VisitOut, 400, 403, 404, 409, 422, status=201))
def record_visit(request: HttpRequest, order_id: int, payload: VisitIn) -> Created:
    """Record the technician's arrival and the work; the order goes on site."""
    order = _order(request, order_id)

    def create() -> tuple[int, VisitOut]:
        visit = services.record_visit(order, by=request.user, **payload.model_dump())
        return 201, VisitOut.from_orm(visit)

    return idempotent(request, create)


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    visible = orders_visible_to(request.user).values("pk")
    return get_object_or_404(Visit.objects.select_related("technician", "order").filter(order__in=visible), pk=visit_id)


@router.patch("/visits/{visit_id}", response=answers(VisitOut, 400, 403, 404, 409))
def update_visit(request: HttpRequest, visit_id: int, payload: VisitPatch) -> Visit:
    return services.update_visit(_visit(request, visit_id), by=request.user, **payload.model_dump(exclude_unset=True))


@router.post("/visits/{visit_id}/signature", response=answers(VisitOut, 400, 403, 404, 409))
def sign_visit(request: HttpRequest, visit_id: int, signer_name: Form[str], signature: File[UploadedFile]) -> Visit:
    """Upload the customer's signature (PNG drawn on the screen) with the signer's name."""
    limit = field_max_length(Visit, "signer_name")
    if len(signer_name) > limit:
        raise ValidationFailed(
            "too_long",
            _("At most %(max)d characters (got %(got)d).") % {"max": limit, "got": len(signer_name)},
            field="signer_name",
        )
    return services.sign_visit(_visit(request, visit_id), by=request.user, signer_name=signer_name, image=signature)


@router.post("/visits/{visit_id}/end-unsigned", response=answers(VisitOut, 400, 403, 404, 409))
def end_visit_unsigned(request: HttpRequest, visit_id: int, payload: VisitEndIn) -> Visit:
    """End a visit the customer cannot sign (nobody on site, another visit needed, a refusal) with the reason;
    the record is then final, an order on site goes to waiting, and the next visit is a new record.
    Completing the order still needs the customer's signature on its last visit."""
    data = payload.model_dump()
    data["waiting_for"] = data["waiting_for"] or ""
    return services.end_visit_unsigned(_visit(request, visit_id), by=request.user, **data)


@router.get(
    "/visits/{visit_id}/signature",
    response=answers(None, 400, 404),
    openapi_extra=file_answer("The customer's signature as drawn (PNG).", "image/png"),
)
def get_signature(request: HttpRequest, visit_id: int) -> FileResponse:
    visit = _visit(request, visit_id)
    if not visit.signature:
        raise ValidationFailed("not_signed", _("This visit has no signature."))
    return FileResponse(visit.signature.open("rb"), content_type="image/png")


@router.post("/orders/{order_id}/photos", response=answers(PhotoOut, 400, 403, 404, 409, 422, 429, status=201))
def add_photo(
    request: HttpRequest, order_id: int, file: File[UploadedFile], visit_id: Form[int | None] = None
) -> Created:
    """Attach a photo (JPEG, PNG or WebP; size-limited) to the order or one of its visits.
    ``Idempotency-Key`` is honoured: a retried upload adds no second photo."""
    order = _order(request, order_id)
    # Any visit of an order the caller may see: one of another order is refused by add_photo with
    # wrong_visit (400, docs/errors.md), one the caller cannot see answers 404 as unknown.
    visible = orders_visible_to(request.user).values("pk")
    visit = Visit.objects.filter(order__in=visible, pk=visit_id).first() if visit_id else None
    if visit_id and visit is None:
        raise NotFoundError("not_found", _("The order has no such visit."), field="visit_id")

    def create() -> tuple[int, PhotoOut]:
        return 201, PhotoOut.from_orm(services.add_photo(order, by=request.user, file=file, visit=visit))

    return idempotent(request, create)


@router.get(
    "/orders/{order_id}/photos/{photo_id}",
    response=answers(None, 404),
    openapi_extra=file_answer("The photo as uploaded.", *IMAGE_TYPES),
)
def get_photo(request: HttpRequest, order_id: int, photo_id: int) -> FileResponse:
    order = _order(request, order_id)
    photo = get_object_or_404(order.attachments, pk=photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@router.get("/technicians", response=answers(list[TechnicianOut]), tags=["dispatch"])
def technicians(request: HttpRequest, service_center: int | None = None) -> list[User]:
    """Technicians you may dispatch to, with their centre and open load."""
    # Read here, not while Ninja validates the answer: an id no column holds raises OverflowError, which
    # core.api answers 400 only from inside the view (pydantic would wrap it into a 500).
    return list(selectors.technicians_with_load(user=request.user, centre_id=service_center))
