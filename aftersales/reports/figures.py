"""The figures of the dashboards and periodic reports (docs/reports.md gives each one's definition).

Every source reads through the owning app's scope function (``orders_visible_to``,
``charge_lines_visible_to``, ``claims_visible_to``, contracts' ``in_scope``, care's
``follow_ups_visible_to`` / ``complaints_visible_to``, ``workforce_scope``, parts' ``locations_visible_to``)
and then the filters; the figures are computed by ``engine.compute`` in the database."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.models import ServiceCenter, User
from aftersales.care.choices import ComplaintCause, ComplaintLevel, Outcome
from aftersales.care.models import Complaint, FollowUpCall
from aftersales.care.permissions import complaints_visible_to, follow_ups_visible_to
from aftersales.contracts.choices import VisitStatus
from aftersales.contracts.models import ContractVisit
from aftersales.contracts.permissions import in_scope
from aftersales.money.choices import Bearer, ChargeKind, LineStatus
from aftersales.money.permissions import charge_lines_visible_to
from aftersales.parts.choices import SupplierClaimStatus
from aftersales.parts.models import Part, StockMove, Supplier, VisitPart
from aftersales.parts.permissions import claims_visible_to, locations_visible_to
from aftersales.reports.engine import Bounds, FigureSpec, Grouping, Measure, Rate
from aftersales.reports.filters import Filters
from aftersales.service.choices import OPEN_STATUSES, OrderKind, OrderStatus, SlaState
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.permissions import orders_visible_to
from aftersales.service.querysets import sla_condition
from aftersales.workforce.models import Attendance
from aftersales.workforce.permissions import workforce_scope

# First-time fix: a repeat is another order on the same unit received within this many days of the
# order's completion (docs/reports.md).
REPEAT_DAYS = 30
BOOKED = (LineStatus.APPROVED, LineStatus.INVOICED)
HOURS = models.DurationField()


def _choices(choices: Any) -> Callable[[list[Any]], Mapping[Any, str]]:
    labels = dict(choices.choices)
    return lambda keys: {k: str(labels.get(k, k)) for k in keys}


def _rank(choices: Any) -> Callable[[Any], int]:
    """The rows in the choices' own order (new, accepted, dispatched …), not their codes' (found by hand,
    2026-12-06: 已受理, 已派工, 新建 …)."""
    places = {value: place for place, value in enumerate(choices.values)}
    return lambda key: places.get(key, len(places))


def _names(model: type[models.Model], attribute: str = "name") -> Callable[[list[Any]], Mapping[Any, str]]:
    def read(keys: list[Any]) -> Mapping[Any, str]:
        ids = [k for k in keys if k is not None]
        return {o.pk: str(getattr(o, attribute)) for o in model.objects.filter(pk__in=ids)} if ids else {}

    return read


def _people(keys: list[Any]) -> Mapping[Any, str]:
    ids = [k for k in keys if k is not None]
    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)} if ids else {}


def _orders(user: User, filters: Filters) -> QuerySet[ServiceOrder]:
    return filters.on_orders(orders_visible_to(user))


def _within(qs: QuerySet[Any], field: str, scope: QuerySet[Any]) -> QuerySet[Any]:
    """``qs`` narrowed to the rows whose ``field`` (a foreign key) is in ``scope``. When ``scope`` is a
    whole table (a reader who sees everything, no filter) and the key is not nullable, every row
    already points into it: nothing is added, where ``field__in`` would cost PostgreSQL a semi-join
    with every id of that table (1,000,000 orders: ~0.3 s a statement)."""
    query = scope.query
    whole = not query.where and not query.is_sliced and query.combinator is None and not query.distinct
    if whole and not qs.model._meta.get_field(field).null:
        return qs
    return qs.filter(**{f"{field}__in": scope.values("pk")})


CENTRE = Grouping("centre", _("Service centre"), {"orders": "service_center_id"}, labels=_names(ServiceCenter))
KIND = Grouping("kind", _("Kind"), {"orders": "kind"}, labels=_choices(OrderKind), rank=_rank(OrderKind))


# ---- open orders by state and SLA risk (a snapshot: the period does not apply) ---------------------
def _open_orders(user: User, filters: Filters) -> QuerySet[ServiceOrder]:
    return _orders(user, filters).filter(status__in=OPEN_STATUSES)


def _sla(state: str) -> Q:
    return sla_condition(state, now=timezone.now())


OPEN_ORDERS = FigureSpec(
    key="open_orders",
    title=_("Open orders by state and SLA risk"),
    sources={"orders": _open_orders},
    measures=(
        Measure("open", _("Open orders"), "orders"),
        Measure("on_track", _("On track"), "orders", condition=lambda _b: _sla(SlaState.ON_TRACK)),
        Measure("at_risk", _("At risk"), "orders", condition=lambda _b: _sla(SlaState.AT_RISK)),
        Measure("overdue", _("Overdue"), "orders", condition=lambda _b: _sla(SlaState.OVERDUE)),
    ),
    groupings=(
        Grouping("status", _("Status"), {"orders": "status"}, labels=_choices(OrderStatus), rank=_rank(OrderStatus)),
        CENTRE,
    ),
    chart={"type": "stacked", "by": "status", "series": ["on_track", "at_risk", "overdue"]},
    note=_("Now, whatever the period: every open order, by the worse of its response and resolution clocks."),
)


# ---- SLA compliance ---------------------------------------------------------------------------------
def _received(user: User, filters: Filters) -> QuerySet[ServiceOrder]:
    return (
        _orders(user, filters)
        .filter(received_at__gte=filters.since, received_at__lt=filters.until)
        .exclude(status=OrderStatus.CANCELLED)
    )


def _response_judged(_b: Bounds | None = None) -> Q:
    return Q(responded_at__isnull=False) | Q(respond_by__lt=timezone.now())


def _resolution_judged(_b: Bounds | None = None) -> Q:
    return Q(completed_at__isnull=False) | Q(due_at__lt=timezone.now())


MONTH_RECEIVED = Grouping("month", _("Month received"), {"orders": "received_at"}, kind="month")

SLA_COMPLIANCE = FigureSpec(
    key="sla_compliance",
    title=_("SLA compliance"),
    sources={"orders": _received},
    measures=(
        Measure("response_judged", _("Response due"), "orders", condition=_response_judged),
        Measure(
            "response_met",
            _("Responded in time"),
            "orders",
            condition=Q(responded_at__isnull=False, responded_at__lte=F("respond_by")),
        ),
        Measure("resolution_judged", _("Resolution due"), "orders", condition=_resolution_judged),
        Measure(
            "resolution_met",
            _("Resolved in time"),
            "orders",
            condition=Q(completed_at__isnull=False, completed_at__lte=F("due_at")),
        ),
    ),
    rates=(
        Rate("response_rate", _("Response compliance"), ("response_met",), "response_judged"),
        Rate("resolution_rate", _("Resolution compliance"), ("resolution_met",), "resolution_judged"),
    ),
    groupings=(KIND, CENTRE, MONTH_RECEIVED),
    chart={"type": "line", "by": "month", "series": ["response_rate", "resolution_rate"]},
    note=_("Orders received in the period (cancelled ones left out) whose clock has been decided."),
)


# ---- first-time fix -----------------------------------------------------------------------------------
def _closed_repairs(user: User, filters: Filters) -> QuerySet[ServiceOrder]:
    visits = (
        Visit.objects.filter(order_id=OuterRef("pk"))
        .order_by()
        .values("order_id")
        .annotate(n=models.Count("*"))
        .values("n")
    )
    repeats = (
        ServiceOrder.objects.filter(
            unit_id=OuterRef("unit_id"),
            received_at__gt=OuterRef("completed_at"),
            received_at__lte=ExpressionWrapper(
                OuterRef("completed_at") + datetime.timedelta(days=REPEAT_DAYS), output_field=models.DateTimeField()
            ),
        )
        .exclude(status=OrderStatus.CANCELLED)
        .exclude(pk=OuterRef("pk"))
    )
    return (
        _orders(user, filters)
        .filter(
            status=OrderStatus.CLOSED,
            kind=OrderKind.REPAIR,
            closed_at__gte=filters.since,
            closed_at__lt=filters.until,
        )
        .annotate(visit_count=Coalesce(Subquery(visits), 0), repeated=Exists(repeats))
    )


FIRST_TIME_FIX = FigureSpec(
    key="first_time_fix",
    title=_("First-time fix rate"),
    sources={"orders": _closed_repairs},
    measures=(
        Measure("closed", _("Repairs closed"), "orders"),
        # The visit count first: the repeat's EXISTS is then looked up only for one-visit orders. Repeats
        # themselves (30 and 90 days, by model and part) are the quality app's figures.
        Measure("fixed_first", _("Fixed at the first visit"), "orders", condition=Q(visit_count=1) & Q(repeated=False)),
    ),
    rates=(Rate("rate", _("First-time fix rate"), ("fixed_first",), "closed"),),
    groupings=(
        CENTRE,
        Grouping("month", _("Month closed"), {"orders": "closed_at"}, kind="month"),
    ),
    chart={"type": "line", "by": "month", "series": ["rate"]},
    note=_("Repair orders closed in the period: one visit, and no new order on the unit within 30 days."),
)


# ---- mean time to respond and to repair (wall-clock hours) -----------------------------------------
RESPONSE_TIME = ExpressionWrapper(F("responded_at") - F("received_at"), output_field=HOURS)
REPAIR_TIME = ExpressionWrapper(F("completed_at") - F("received_at"), output_field=HOURS)

MEAN_TIMES = FigureSpec(
    key="mean_times",
    title=_("Mean time to respond and to repair"),
    sources={"orders": _received},
    measures=(
        Measure("responded", _("Responded"), "orders", condition=Q(responded_at__isnull=False)),
        Measure(
            "response_hours",
            _("Mean hours to respond"),
            "orders",
            agg="avg",
            expr=RESPONSE_TIME,
            unit="h",
            condition=Q(responded_at__isnull=False),
        ),
        Measure("completed", _("Completed"), "orders", condition=Q(completed_at__isnull=False)),
        Measure(
            "repair_hours",
            _("Mean hours to repair"),
            "orders",
            agg="avg",
            expr=REPAIR_TIME,
            unit="h",
            condition=Q(completed_at__isnull=False),
        ),
    ),
    groupings=(KIND, CENTRE, MONTH_RECEIVED),
    chart={"type": "bar", "by": "month", "series": ["response_hours", "repair_hours"]},
    note=_("Orders received in the period; wall-clock hours from receipt to response and to completion."),
)


# ---- backlog trend ------------------------------------------------------------------------------------
def _backlog_source(user: User, filters: Filters) -> QuerySet[ServiceOrder]:
    """The orders that touch the period: received before its end, not completed before its start."""
    return (
        _orders(user, filters)
        .exclude(status=OrderStatus.CANCELLED)
        .filter(received_at__lt=filters.until)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=filters.since))
    )


def _month(bounds: Bounds | None) -> Bounds:
    if bounds is None:
        raise ValueError("a condition of a month needs a month")
    return bounds


def _received_in(bounds: Bounds | None) -> Q:
    since, until = _month(bounds)
    return Q(received_at__gte=since, received_at__lt=until)


def _completed_in(bounds: Bounds | None) -> Q:
    since, until = _month(bounds)
    return Q(completed_at__gte=since, completed_at__lt=until)


def _open_at_end(bounds: Bounds | None) -> Q:
    until = min(_month(bounds)[1], timezone.now())
    return Q(received_at__lt=until) & (Q(completed_at__isnull=True) | Q(completed_at__gte=until))


BACKLOG = FigureSpec(
    key="backlog",
    title=_("Backlog trend"),
    sources={"orders": _backlog_source},
    measures=(
        Measure(
            "received",
            pgettext_lazy("a count of orders", "Received"),
            "orders",
            condition=_received_in,
            per_month=True,
        ),
        Measure(
            "completed",
            _("Completed"),
            "orders",
            condition=_completed_in,
            per_month=True,
        ),
        Measure("backlog", _("Open at the month's end"), "orders", condition=_open_at_end, per_month=True),
    ),
    groupings=(Grouping("month", _("Month"), kind="buckets"),),
    chart={"type": "line", "by": "month", "series": ["received", "completed", "backlog"]},
    note=_("Cancelled orders left out; an order is open from receipt until completion. The current month ends now."),
)


# ---- technician utilisation ---------------------------------------------------------------------------
def _visits(user: User, filters: Filters) -> QuerySet[Visit]:
    visits = Visit.objects.filter(
        arrived_at__gte=filters.since, arrived_at__lt=filters.until, departed_at__isnull=False
    )
    return _within(visits, "order", _orders(user, filters))


def _attendance(user: User, filters: Filters) -> QuerySet[Attendance]:
    days = workforce_scope(user, Attendance.objects.all()).filter(
        day__gte=filters.start, day__lte=filters.end, checked_out_at__isnull=False
    )
    if filters.centre is not None:
        days = days.filter(service_center_id=filters.centre)
    return days


UTILISATION = FigureSpec(
    key="utilisation",
    title=_("Technician utilisation"),
    sources={"visits": _visits, "attendance": _attendance},
    measures=(
        Measure("visits", pgettext_lazy("a count of visits", "Visits"), "visits"),
        Measure(
            "on_site_hours",
            _("Hours on site"),
            "visits",
            agg="sum",
            expr=ExpressionWrapper(F("departed_at") - F("arrived_at"), output_field=HOURS),
            unit="h",
        ),
        Measure("days", _("Days attended"), "attendance"),
        Measure(
            "attended_hours",
            _("Hours attended"),
            "attendance",
            agg="sum",
            expr=ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), output_field=HOURS),
            unit="h",
        ),
    ),
    rates=(Rate("utilisation", _("Utilisation"), ("on_site_hours",), "attended_hours"),),
    groupings=(
        Grouping("technician", _("Technician"), {"visits": "technician_id", "attendance": "person_id"}, labels=_people),
    ),
    chart={"type": "bar", "by": "technician", "series": ["utilisation"]},
    note=_("Hours on site (arrival to departure of the period's visits) over hours attended (check-in to check-out)."),
)


# ---- parts consumption and stock-outs -----------------------------------------------------------------
def _parts_used(user: User, filters: Filters) -> QuerySet[VisitPart]:
    used = VisitPart.objects.filter(created_at__gte=filters.since, created_at__lt=filters.until)
    return _within(used, "order", _orders(user, filters))


def _stock_outs(user: User, filters: Filters) -> QuerySet[StockMove]:
    """Ledger entries that took a location's on-hand stock of a part from above zero to zero or below:
    the balance after the entry (``on_hand_after``, written with it) at most zero, the balance before
    it (after − delta) above zero. Read through the small ``move_emptied_idx``."""
    locations = locations_visible_to(user)
    if filters.centre is not None:
        locations = locations.filter(service_center_id=filters.centre)
    return StockMove.objects.filter(
        location__in=locations.values("pk"),
        on_hand_after__lte=0,
        created_at__gte=filters.since,
        created_at__lt=filters.until,
    ).filter(on_hand_after__gt=F("on_hand_delta"))


PARTS = FigureSpec(
    key="parts",
    title=_("Parts consumption and stock-outs"),
    sources={"used": _parts_used, "outs": _stock_outs},
    measures=(
        Measure("lines", _("Lines fitted"), "used"),
        Measure("quantity", _("Quantity fitted"), "used", agg="sum", expr=F("quantity"), unit="qty"),
        Measure(
            "value",
            _("Value at list price"),
            "used",
            agg="sum",
            expr=ExpressionWrapper(F("quantity") * F("unit_price"), output_field=models.DecimalField()),
            unit="money",
        ),
        Measure("stock_outs", _("Stock-outs"), "outs"),
    ),
    groupings=(Grouping("part", _("Part"), {"used": "part_id", "outs": "part_id"}, labels=_names(Part, "number")),),
    chart={"type": "bar", "by": "part", "series": ["quantity", "stock_outs"]},
    note=_("Parts fitted at visits in the period; a stock-out is a ledger entry that left none on hand."),
)


# ---- warranty cost against billable revenue (产值) ----------------------------------------------------
def _charges(user: User, filters: Filters) -> QuerySet[Any]:
    # The order's clock and filters on the joined order (the groupings read its centre and month through
    # the same join); who may see which order is ``charge_lines_visible_to``'s.
    lines = charge_lines_visible_to(user).filter(
        status__in=BOOKED, order__completed_at__gte=filters.since, order__completed_at__lt=filters.until
    )
    return filters.on_orders(lines, prefix="order__")


def _borne(key: str, label: Any, *bearers: str) -> Measure:
    return Measure(key, label, "lines", agg="sum", expr=F("gross"), unit="money", condition=Q(bearer__in=bearers))


WARRANTY_COST = FigureSpec(
    key="warranty_cost",
    title=_("Warranty cost against billable revenue"),
    sources={"lines": _charges},
    measures=(
        Measure("lines", _("Booked lines"), "lines"),
        _borne("billable", _("Billable (customer)"), Bearer.CUSTOMER),
        _borne("warranty", _("Warranty (company)"), Bearer.COMPANY),
        _borne("recharged", _("Supplier or factory"), Bearer.SUPPLIER, Bearer.FACTORY),
        _borne("contract", _("Under contract"), Bearer.CONTRACT),
    ),
    rates=(Rate("warranty_share", _("Warranty per 100 billable"), ("warranty",), "billable"),),
    groupings=(
        Grouping("kind", _("Charge"), {"lines": "kind"}, labels=_choices(ChargeKind), rank=_rank(ChargeKind)),
        Grouping("centre", _("Service centre"), {"lines": "order__service_center_id"}, labels=_names(ServiceCenter)),
        Grouping("month", _("Month completed"), {"lines": "order__completed_at"}, kind="month"),
    ),
    chart={"type": "stacked", "by": "kind", "series": ["billable", "warranty", "recharged", "contract"]},
    note=_(
        "Booked charge lines (approved or invoiced), gross, of the orders completed in the period, by who bears them."
    ),
)


# ---- supplier claim recovery --------------------------------------------------------------------------
def _claims(user: User, filters: Filters) -> QuerySet[Any]:
    claims = claims_visible_to(user).filter(created_at__gte=filters.since, created_at__lt=filters.until)
    if filters.centre is not None:
        claims = claims.filter(
            Q(location__service_center_id=filters.centre)
            | Q(location__isnull=True, order__service_center_id=filters.centre)
        )
    if filters.product_model is not None:
        claims = claims.filter(order__unit__product_model_id=filters.product_model)
    if filters.customer is not None:
        claims = claims.filter(order__customer_id=filters.customer)
    return claims


CLAIMS = FigureSpec(
    key="claims",
    title=_("Supplier claim recovery"),
    sources={"claims": _claims},
    measures=(
        Measure("claims", _("Claims"), "claims"),
        Measure("rejected", _("Rejected"), "claims", condition=Q(status=SupplierClaimStatus.REJECTED)),
        Measure("claimed", _("Claimed"), "claims", agg="sum", expr=F("amount_claimed"), unit="money"),
        Measure("recovered", _("Recovered"), "claims", agg="sum", expr=F("amount_recovered"), unit="money"),
    ),
    rates=(Rate("recovery", _("Recovery rate"), ("recovered",), "claimed"),),
    groupings=(
        Grouping("supplier", _("Supplier"), {"claims": "supplier_id"}, labels=_names(Supplier)),
        Grouping(
            "status",
            _("Status"),
            {"claims": "status"},
            labels=_choices(SupplierClaimStatus),
            rank=_rank(SupplierClaimStatus),
        ),
    ),
    chart={"type": "bar", "by": "supplier", "series": ["claimed", "recovered"]},
    note=_("Claims opened in the period: amounts claimed from suppliers and recovered."),
)


# ---- contract visit compliance ------------------------------------------------------------------------
def _contract_visits(user: User, filters: Filters) -> QuerySet[Any]:
    visits = in_scope(ContractVisit.objects.all(), user).filter(due_on__gte=filters.start, due_on__lte=filters.end)
    visits = visits.exclude(status=VisitStatus.CANCELLED)
    if filters.centre is not None:
        visits = visits.filter(contract__service_center_id=filters.centre)
    if filters.customer is not None:
        visits = visits.filter(contract__customer_id=filters.customer)
    if filters.product_model is not None:
        visits = visits.filter(contract__covered__unit__product_model_id=filters.product_model).distinct()
    return visits


def _done_late() -> Q:
    """Done after the end of the due day (local)."""
    return Q(status=VisitStatus.DONE, done_at__date__gt=F("due_on"))


CONTRACT_VISITS = FigureSpec(
    key="contract_visits",
    title=_("Contract visit compliance"),
    sources={"visits": _contract_visits},
    measures=(
        Measure("due", _("Visits due"), "visits"),
        Measure("on_time", _("Done by the due day"), "visits", condition=Q(status=VisitStatus.DONE) & ~_done_late()),
        Measure("late", _("Done late"), "visits", condition=_done_late()),
        Measure(
            "missed",
            _("Missed or overdue"),
            "visits",
            condition=lambda _b: (
                Q(status=VisitStatus.MISSED)
                | Q(status__in=(VisitStatus.PLANNED, VisitStatus.ORDERED), due_on__lt=timezone.localdate())
            ),
        ),
    ),
    rates=(Rate("compliance", _("Compliance"), ("on_time",), "due"),),
    groupings=(
        Grouping(
            "centre", _("Service centre"), {"visits": "contract__service_center_id"}, labels=_names(ServiceCenter)
        ),
        Grouping("month", _("Month due"), {"visits": "due_on"}, kind="month"),
    ),
    chart={"type": "stacked", "by": "month", "series": ["on_time", "late", "missed"]},
    note=_("Planned contract visits due in the period (cancelled ones left out)."),
)


# ---- satisfaction and NPS; complaints ----------------------------------------------------------------
def _calls(user: User, filters: Filters) -> QuerySet[Any]:
    calls = FollowUpCall.objects.filter(outcome=Outcome.REACHED, at__gte=filters.since, at__lt=filters.until)
    calls = _within(calls, "task", follow_ups_visible_to(user))
    if filters.centre is not None:
        calls = calls.filter(task__service_center_id=filters.centre)
    if filters.customer is not None:
        calls = calls.filter(task__customer_id=filters.customer)
    if filters.product_model is not None:
        calls = calls.filter(task__order__unit__product_model_id=filters.product_model)
    return calls


SATISFACTION = FigureSpec(
    key="satisfaction",
    title=_("Satisfaction and NPS"),
    sources={"calls": _calls},
    measures=(
        Measure("scored", _("Calls with a score"), "calls", condition=Q(score__isnull=False)),
        Measure(
            "score",
            _("Average score (1-5)"),
            "calls",
            agg="avg",
            expr=F("score"),
            unit="score",
            condition=Q(score__isnull=False),
        ),
        Measure("answers", _("NPS answers"), "calls", condition=Q(nps__isnull=False)),
        Measure("promoters", _("Promoters (9-10)"), "calls", condition=Q(nps__gte=9)),
        Measure("detractors", _("Detractors (0-6)"), "calls", condition=Q(nps__lte=6)),
    ),
    rates=(Rate("nps", _("NPS"), ("promoters",), "answers", minus=("detractors",)),),
    groupings=(
        Grouping("centre", _("Service centre"), {"calls": "task__service_center_id"}, labels=_names(ServiceCenter)),
        Grouping("month", _("Month"), {"calls": "at"}, kind="month"),
    ),
    chart={"type": "line", "by": "month", "series": ["score", "nps"]},
    note=_("Follow-up calls that reached the customer in the period (care's satisfaction and NPS)."),
)


def _complaints(user: User, filters: Filters) -> QuerySet[Any]:
    complaints = complaints_visible_to(user).filter(opened_at__gte=filters.since, opened_at__lt=filters.until)
    if filters.centre is not None:
        complaints = complaints.filter(service_center_id=filters.centre)
    if filters.customer is not None:
        complaints = complaints.filter(customer_id=filters.customer)
    if filters.product_model is not None:
        about = Complaint.orders.through.objects.filter(serviceorder__unit__product_model_id=filters.product_model)
        complaints = complaints.filter(pk__in=about.values("complaint_id"))
    return complaints


COMPLAINTS = FigureSpec(
    key="complaints",
    title=_("Complaints"),
    sources={"complaints": _complaints},
    measures=(
        Measure("opened", _("Opened"), "complaints"),
        Measure("resolved", _("Resolved"), "complaints", condition=Q(resolved_at__isnull=False)),
        Measure("escalated", _("Escalated"), "complaints", condition=Q(level__gt=ComplaintLevel.OWNER)),
        Measure(
            "hours_to_resolve",
            _("Mean hours to resolve"),
            "complaints",
            agg="avg",
            expr=ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=HOURS),
            unit="h",
            condition=Q(resolved_at__isnull=False),
        ),
    ),
    groupings=(
        Grouping(
            "cause", _("Cause"), {"complaints": "cause"}, labels=_choices(ComplaintCause), rank=_rank(ComplaintCause)
        ),
        Grouping("centre", _("Service centre"), {"complaints": "service_center_id"}, labels=_names(ServiceCenter)),
    ),
    chart={"type": "bar", "by": "cause", "series": ["opened", "resolved"]},
    note=_("Complaints opened in the period."),
)


FIGURES: dict[str, FigureSpec] = {
    spec.key: spec
    for spec in (
        OPEN_ORDERS,
        SLA_COMPLIANCE,
        FIRST_TIME_FIX,
        MEAN_TIMES,
        BACKLOG,
        UTILISATION,
        PARTS,
        WARRANTY_COST,
        CLAIMS,
        CONTRACT_VISITS,
        SATISFACTION,
        COMPLAINTS,
    )
}


def figure_keys() -> Iterable[str]:
    return FIGURES.keys()
