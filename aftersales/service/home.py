"""The service context's panels on the home page ("my work"), registered in ``ServiceConfig.ready()``.

- **Tiles** (overdue, at risk, open and unassigned, completed awaiting review) and **orders by
  status**: two queries over ``orders_visible_to(user)`` (``state_counts``: the open orders, the
  finished ones by status) shared by both panels (``memo``).
- **What waits for me**: one panel per list, each shown to the users its predicate picks
  (``service.permissions``), at most ``HOME_LIST_SIZE`` rows, linking to the filtered order list.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.core.registry import HomeContext, HomePanel, home_panels
from aftersales.service.choices import OPEN_STATUSES, OrderStatus, SlaState
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to
from aftersales.service.querysets import OPEN, resolution_condition, response_condition, sla_condition
from aftersales.service.selectors import order_list
from aftersales.service.sla import sla_state

HOME_LIST_SIZE = 8
PERMISSIONS = "aftersales.service.permissions"


def state_counts(user: Any, *, now: datetime.datetime) -> dict[str, int]:
    """Orders per status in the user's scope, plus at risk / overdue / unassigned, in two queries.

    The open orders in one aggregate: the SLA conditions are the list filters' (``sla_condition`` for
    the worst of the two clocks, ``response_condition`` and ``resolution_condition`` for each), as
    filtered counts so that one aggregate answers every tile: an order whose response is late counts
    as overdue whatever its repair's due date. It reads ``order_centre_open_idx`` alone (status and
    technician included). The finished ones (completed, closed, cancelled) counted by status, from
    an index of the status. One aggregate over every order read the whole table: 0.34 s at 1,000,000
    orders for an administrator (benchmarks/README.md "The home page")."""
    scope = orders_visible_to(user)
    counts = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in OPEN_STATUSES}
    for state in (SlaState.AT_RISK, SlaState.OVERDUE):
        counts[f"n_{state}"] = Count("pk", filter=sla_condition(state, now=now))
        counts[f"n_response_{state}"] = Count("pk", filter=response_condition(state, now=now, of_open=True))
        counts[f"n_resolution_{state}"] = Count("pk", filter=resolution_condition(state, now=now, of_open=True))
    counts["n_unassigned"] = Count("pk", filter=Q(technician__isnull=True))
    found = {name.removeprefix("n_"): value or 0 for name, value in scope.filter(OPEN).aggregate(**counts).items()}
    finished = [status for status in OrderStatus.values if status not in OPEN_STATUSES]
    by_status = scope.filter(status__in=finished).order_by().values_list("status").annotate(n=Count("pk"))
    return found | dict.fromkeys(finished, 0) | dict(by_status)


def _counts(home: HomeContext) -> dict[str, int]:
    if "service.counts" not in home.memo:
        home.memo["service.counts"] = state_counts(home.user, now=home.now)
    return home.memo["service.counts"]


def tiles(home: HomeContext) -> dict[str, Any]:
    return {"counts": _counts(home), "orders_url": reverse("service:order_list")}


def states(home: HomeContext) -> dict[str, Any]:
    counts = _counts(home)
    return {
        "states": [
            {"status": status, "label": label, "count": counts[status]} for status, label in OrderStatus.choices
        ],
        "orders_url": reverse("service:order_list"),
    }


@dataclass(frozen=True)
class WorkList:
    """One "what waits for me" list: its orders, and the query of the whole filtered list."""

    key: str
    title: str | Promise
    orders: Callable[[QuerySet, datetime.datetime], QuerySet]
    query: str
    empty: str | Promise
    predicate: str
    order: int

    def context(self, home: HomeContext) -> dict[str, Any]:
        rows = list(self.orders(order_list(user=home.user), home.now)[:HOME_LIST_SIZE])
        for order in rows:
            order.sla = sla_state(order, now=home.now)
        return {
            "key": self.key,
            "title": self.title,
            "orders": rows,
            "url": reverse("service:order_list") + self.query,
            "empty": self.empty,
        }


def _new(qs: QuerySet[ServiceOrder], now: datetime.datetime) -> QuerySet[ServiceOrder]:
    return qs.filter(status=OrderStatus.NEW).order_by("received_at", "id")


def _unassigned(qs: Any, now: datetime.datetime) -> QuerySet[ServiceOrder]:
    return qs.unassigned().order_by("due_at", "id")


def _at_risk(qs: Any, now: datetime.datetime) -> QuerySet[ServiceOrder]:
    return qs.at_risk(now=now).order_by("due_at", "id")


def _review(qs: QuerySet[ServiceOrder], now: datetime.datetime) -> QuerySet[ServiceOrder]:
    return qs.filter(status=OrderStatus.COMPLETED).order_by("completed_at", "id")


def _overdue(qs: Any, now: datetime.datetime) -> QuerySet[ServiceOrder]:
    return qs.overdue(now=now).order_by("due_at", "id")


def _parts(qs: QuerySet[ServiceOrder], now: datetime.datetime) -> QuerySet[ServiceOrder]:
    return qs.filter(status=OrderStatus.WAITING, waiting_for="parts").order_by("due_at", "id")


WORK_LISTS = (
    WorkList(
        "new", _("New orders of my centre"), _new, "?status=new", _("No new orders."),
        f"{PERMISSIONS}.watches_new_orders", 110,
    ),
    WorkList(
        "unassigned", _("Unassigned"), _unassigned, "?unassigned=true", _("Every open order has a technician."),
        f"{PERMISSIONS}.watches_unassigned", 120,
    ),
    WorkList(
        "at_risk", _("At risk"), _at_risk, "?sla_state=at_risk", _("Nothing at risk."),
        f"{PERMISSIONS}.watches_unassigned", 130,
    ),
    WorkList(
        "review", _("Completed, awaiting your review"), _review, "?status=completed", _("Nothing to review."),
        f"{PERMISSIONS}.reviews_completed", 140,
    ),
    WorkList(
        "overdue", _("Overdue"), _overdue, "?sla_state=overdue", _("Nothing overdue."),
        f"{PERMISSIONS}.watches_overdue", 150,
    ),
    WorkList(
        "parts", _("Waiting for parts"), _parts, "?status=waiting&waiting_for=parts", _("No order is waiting for parts."),
        f"{PERMISSIONS}.watches_parts", 160,
    ),
)  # fmt: skip


def register_home_panels() -> None:
    everyone = f"{PERMISSIONS}.can_browse_orders"
    home_panels.register(HomePanel("service.tiles", "service/home/_tiles.html", tiles, 100, everyone, slot="top"))
    home_panels.register(HomePanel("service.states", "service/home/_states.html", states, 100, everyone, slot="side"))
    for work in WORK_LISTS:
        home_panels.register(
            HomePanel(f"service.{work.key}", "service/home/_work_list.html", work.context, work.order, work.predicate)
        )
