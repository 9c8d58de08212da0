"""Reads on service orders: lists, details, timelines, technicians' load."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.core.errors import DomainError
from aftersales.service import list_rows
from aftersales.service.choices import OPEN_STATUSES, OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder, Visit
from aftersales.service.permissions import order_scope_parts, orders_visible_to
from aftersales.service.services.orders import check_move
from aftersales.service.transitions import allowed_targets


def order_list(*, user: User) -> QuerySet[ServiceOrder]:
    """The user's orders with everything a list row shows, in a constant number of queries."""
    return orders_visible_to(user).for_list()  # type: ignore[attr-defined]


def order_list_values(*, user: User, ids_only: bool = False) -> QuerySet:
    """The user's orders as the list's fast path reads them: ``values()`` of the columns a row shows
    (service/list_rows.py), or of the id alone (``ids_only``: a page read as its ids first, then
    ``list_rows.rows_by_ids``), scoped by the same function as every other list."""
    base: QuerySet = ServiceOrder.objects.values("id") if ids_only else list_rows.values_base()
    return orders_visible_to(user, queryset=base)


def order_list_parts(*, user: User, ids_only: bool = False) -> list[QuerySet]:
    """``order_list_values`` as one queryset per condition of the user's scope
    (``permissions.order_scope_parts``), their union being it: several only for a technician who helps on
    orders, and then of the ids alone whatever ``ids_only`` says (a page is read from each part and
    merged, then its rows by id)."""
    parts = order_scope_parts(user)
    several = parts is not None and len(parts) > 1
    base: QuerySet = ServiceOrder.objects.values("id") if ids_only or several else list_rows.values_base()
    return [base] if parts is None else [base.filter(part) for part in parts]


def get_order(*, user: User, order_id: int | None = None, number: str | None = None) -> ServiceOrder:
    """One order in the user's scope, or 404 (an order outside the scope does not exist for them)."""
    qs = (
        orders_visible_to(user)
        .select_related(
            "service_center",
            "customer",
            "contact",
            "site",
            "unit__product_model",
            "unit__site",
            "technician",
            "created_by",
            "warranty_decided_by",
        )
        .prefetch_related("helpers")
    )
    lookup = {"pk": order_id} if order_id is not None else {"number": number}
    order = qs.filter(**lookup).first()
    if order is None:
        raise Http404("No such order.")
    return order


def order_events(*, order: ServiceOrder) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("id")


def order_visits(*, order: ServiceOrder) -> QuerySet[Visit]:
    return order.visits.select_related("technician").prefetch_related("photos").order_by("id")


def technicians_with_load(*, user: User, centre_id: int | None = None) -> QuerySet[User]:
    """Active technicians the user may dispatch to, each with ``open_load`` (open orders) — one query."""
    qs = scope_by_centre(users_with_capability("service.work_assigned"), user, field="service_center")
    if centre_id:
        qs = qs.filter(service_center_id=centre_id)
    return (
        qs.select_related("service_center")
        .annotate(open_load=Count("assigned_orders", filter=Q(assigned_orders__status__in=OPEN_STATUSES)))
        .order_by("service_center__code", "open_load", "username")
    )


def order_detail_prefetch() -> list[Prefetch]:
    return [Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("id"))]


def available_moves(*, user: User, order: ServiceOrder, has_signed_visit: bool) -> list[str]:
    """The status moves this user can make on this order now: the table, the role and every
    precondition of ``transition_order`` (so neither face offers a move that would be refused).

    Dispatching is done by assigning a technician, so it is never offered as a plain move."""
    moves = []
    for to in allowed_targets(order.status):
        if to == OrderStatus.DISPATCHED:
            continue
        try:
            check_move(order, to=to, by=user, reason="-", has_signed_visit=has_signed_visit)
        except DomainError:
            continue
        moves.append(to)
    return moves
