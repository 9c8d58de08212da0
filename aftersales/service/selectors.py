"""Reads on service orders: lists, details, timelines, technicians' load."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.service import list_rows
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.models import OrderEvent, ServiceOrder, Visit
from aftersales.service.permissions import order_scope_parts, orders_visible_to
from aftersales.service.services import orders as orders_services


def order_list(*, user: User) -> QuerySet[ServiceOrder]:
    """The user's orders with everything a list row shows, in a constant number of queries."""
    return orders_visible_to(user).for_list()  # type: ignore[attr-defined]


def order_list_parts(*, user: User, ids_only: bool = False) -> list[QuerySet]:
    """The user's orders as the list's fast path reads them, one queryset per condition of their scope
    (``permissions.order_scope_parts``), the union being what ``orders_visible_to`` gives: one for
    everyone but a technician who helps on orders. Each is ``values()`` of the columns a row shows
    (service/list_rows.py), or of the id alone: when ``ids_only`` (a page read as its ids first, then
    ``list_rows.rows_by_ids``) and whenever there are several parts (a page of ids read from each and
    merged, then the rows by id)."""
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


def available_moves(*, user: User, order: ServiceOrder, visits_signed: bool | None = None) -> list[str]:
    """The status moves this user can make on this order now (``services.orders.available_moves``: the
    table, the role and every precondition); ``visits_signed`` when the caller has the visits loaded."""
    return orders_services.available_moves(order, by=user, visits_signed=visits_signed)


def order_visits_signed(order: ServiceOrder) -> bool:
    """Whether the customer signed every visit of the order, and there is one (completion needs it)."""
    return orders_services.visits_signed(order)
