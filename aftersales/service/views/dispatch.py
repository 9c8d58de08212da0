"""The dispatch board (派工): orders waiting for a technician or at risk on one side, technicians with
their load and today's jobs on the other; assign or reassign per row (htmx swaps the row). A
technician a dispatch check refuses is listed with the reason; one whose every refusal may be
overridden (no valid certificate) can still be given the order by a user holding
``service.override_dispatch_checks``, with a reason the order's event records.

A conflict — another dispatcher assigned the order first — comes back from ``assign_technician`` as
409 ``already_assigned`` (or ``stale_version`` for a reassignment) and is shown in the row, which is
redrawn with the order as it is now.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, DomainError
from aftersales.service.choices import JOB_STATUSES, EventType, OrderStatus
from aftersales.service.dispatch_checks import Refusals, dispatch_refusals, refusal_text
from aftersales.service.forms_field import AssignForm
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.permissions import can_assign, can_override_dispatch_checks, technician_gone
from aftersales.service.selectors import get_order, order_list, technicians_with_load
from aftersales.service.services import assign_technician, take_back_job
from aftersales.service.services.dispatch import ASSIGNABLE
from aftersales.service.sla import sla_state

BOARD_LIMIT = 200
JOBS_SHOWN = 6


@dataclass
class Row:
    """One order on the board with what its row shows and offers."""

    order: ServiceOrder
    sla: str
    technicians: list[User]
    assignable: bool
    message: str = ""
    message_level: str = ""  # "success" | "danger" | "warning"
    # A refusal shown at the technician field of the form posted (assign/reassign, or the override's).
    technician_error: str = ""
    override_error: str = ""
    # Technicians of the centre a dispatch check refuses for this order, with the reasons.
    not_offered: list[tuple[User, str]] = field(default_factory=list)
    # Those of them the user may still give the order to by overriding (every refusal overridable).
    overridable: list[User] = field(default_factory=list)
    # Why the order's technician can no longer work it (deactivated, moved to another centre), or "".
    technician_gone: str = ""

    @property
    def may_take_back(self) -> bool:
        """A flagged job on site: its open visit must end before anyone else can be given it."""
        return bool(self.technician_gone) and self.order.status == OrderStatus.ON_SITE

    @property
    def choices(self) -> list[User]:
        """Whom the row's form offers: any technician offered, or, to reassign, any but the current one
        (found by a probe, 2026-12-06: "Reassign…" opened an empty list with an active button)."""
        return [t for t in self.technicians if t.pk != self.order.technician_id]

    @property
    def city(self) -> str:
        site = self.order.site or (self.order.unit.site if self.order.unit else None)
        return site.city if site else ""


def _board_orders(user: User) -> QuerySet[ServiceOrder]:
    return order_list(user=user).needing_dispatch().select_related("site", "unit__site")


def _asked_order(user: User, value: str) -> ServiceOrder | None:
    """The order ``?order=`` names (the order page's "Reassign on the dispatch board"), if the user sees
    it and it may still be assigned: shown first, though the board lists only orders without a
    technician or late ones. Found by a probe, 2026-12-06: the link led to a board without the order,
    so an order on track could not be given to another technician (the first one off sick)."""
    if not value.isdigit():
        return None
    return (
        order_list(user=user).filter(pk=int(value), status__in=ASSIGNABLE).select_related("site", "unit__site").first()
    )


def _technicians_by_centre(technicians: list[User]) -> dict[int | None, list[User]]:
    by_centre: dict[int | None, list[User]] = defaultdict(list)
    for technician in technicians:
        by_centre[technician.service_center_id].append(technician)
    return by_centre


def _jobs_by_technician(technicians: list[User]) -> dict[int, list[ServiceOrder]]:
    """Each technician's open jobs (dispatched, on site, waiting) by due time — one query."""
    jobs: dict[int, list[ServiceOrder]] = defaultdict(list)
    orders = (
        ServiceOrder.objects.filter(technician__in=[t.pk for t in technicians], status__in=JOB_STATUSES)
        .select_related("customer", "site")
        .order_by("due_at")
    )
    for order in orders:
        jobs[order.technician_id].append(order)  # type: ignore[index]
    return jobs


def _row(
    order: ServiceOrder,
    by_centre: dict[int | None, list[User]],
    refusals: Refusals,
    *,
    may_override: bool = False,
    **message: str,
) -> Row:
    offered, not_offered, overridable = [], [], []
    for technician in by_centre.get(order.service_center_id, []):
        refused = refusals.get((order.pk, technician.pk))
        if refused:
            not_offered.append((technician, refusal_text(refused)))
            if may_override and all(r.overridable for r in refused):
                overridable.append(technician)
        else:
            offered.append(technician)
    return Row(
        order=order,
        sla=sla_state(order),
        technician_gone=technician_gone(order),
        technicians=offered,
        assignable=order.status in ASSIGNABLE,
        not_offered=not_offered,
        overridable=overridable,
        **message,
    )


def _override_rights(user: User, orders: list[ServiceOrder]) -> dict[int | None, bool]:
    """Whether the user may override the dispatch checks, per centre of the orders shown (asked once each)."""
    rights: dict[int | None, bool] = {}
    for order in orders:
        if order.service_center_id not in rights:
            rights[order.service_center_id] = can_override_dispatch_checks(user, order)
    return rights


def _technician_panel(technicians: list[User]) -> list[dict[str, Any]]:
    """Each technician with centre, open load and today's jobs (the first few)."""
    jobs = _jobs_by_technician(technicians)
    return [
        {
            "technician": t,
            "jobs": jobs.get(t.pk, [])[:JOBS_SHOWN],
            "more": max(0, len(jobs.get(t.pk, [])) - JOBS_SHOWN),
        }
        for t in technicians
    ]


USER_JOBS_SHOWN = 20


def user_jobs_panel(request: HttpRequest, obj: Any) -> str:
    """``core.panels`` hook on a user's settings page: the open jobs they hold (within the viewer's
    scope), so whoever deactivates them or moves them to another centre first gives the jobs away."""
    if not isinstance(obj, User) or not can_assign(request.user):
        return ""
    jobs = (
        order_list(user=request.user)
        .filter(technician=obj, status__in=JOB_STATUSES)
        .select_related("customer")
        .order_by("due_at", "pk")
    )
    shown = list(jobs[:USER_JOBS_SHOWN])
    if not shown:
        return ""
    total = len(shown) if len(shown) < USER_JOBS_SHOWN else jobs.count()
    return render_to_string("service/_user_jobs_panel.html", {"jobs": shown, "total": total}, request=request)


def _require_dispatcher(user: User) -> None:
    if not can_assign(user):
        raise PermissionDenied(_("Only dispatchers and service managers assign orders."))


@login_required
@require_GET
def dispatch_board(request: HttpRequest) -> HttpResponse:
    """The board. Queries: orders, technicians, jobs (and the session/user) — whatever the row count."""
    _require_dispatcher(request.user)
    technicians = list(technicians_with_load(user=request.user))
    by_centre = _technicians_by_centre(technicians)
    orders = list(_board_orders(request.user)[: BOARD_LIMIT + 1])
    asked = _asked_order(request.user, request.GET.get("order", ""))
    if asked is not None:
        orders = [asked, *(o for o in orders if o.pk != asked.pk)]
    refusals = dispatch_refusals(orders=orders[:BOARD_LIMIT], technicians=technicians, at=timezone.now())
    rights = _override_rights(request.user, orders[:BOARD_LIMIT])
    context = {
        "rows": [_row(o, by_centre, refusals, may_override=rights[o.service_center_id]) for o in orders[:BOARD_LIMIT]],
        "truncated": len(orders) > BOARD_LIMIT,
        "panel": _technician_panel(technicians),
        "asked": asked,
    }
    return render(request, "service/dispatch.html", context)


def _conflict_message(order: ServiceOrder, error: DomainError) -> str:
    """ "已被 X 指派": who assigned the order meanwhile, and to whom it belongs now."""
    if error.code not in ("already_assigned", "stale_version") or order.technician is None:
        return error.detail
    last = (
        OrderEvent.objects.filter(order=order, type__in=(EventType.ASSIGNED, EventType.REASSIGNED))
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    actor = last.actor if last and last.actor else None
    if actor is None:
        return _("Already assigned to %(technician)s.") % {"technician": order.technician}
    return _("Already assigned by %(actor)s to %(technician)s.") % {"actor": actor, "technician": order.technician}


@login_required
@require_POST
def dispatch_assign(request: HttpRequest, order_id: int) -> HttpResponse:
    """Assign (or, with a reason, reassign) one order; answers its redrawn row for htmx."""
    _require_dispatcher(request.user)
    order = get_order(user=request.user, order_id=order_id)
    form = AssignForm(request.POST)
    message: dict[str, str] = {}
    status = 200
    if not form.is_valid():
        # Only the technician is required: the picker starts on an empty choice, so a click on 派工
        # without a pick lands here (found in a screen review, 2026-12-07: the picker preselected the
        # first technician, and that click gave the order to whoever came first). Nothing is written.
        field = "override_error" if request.POST.get("override") else "technician_error"
        message = {field: _("Choose a technician.")}
        status = 400
    else:
        data = form.cleaned_data
        technician = technicians_with_load(user=request.user).filter(pk=data["technician"]).first()
        # Reassigning what the dispatcher saw assigned: the version they saw must still be current.
        expected = data["version"] if data.get("seen_technician") else None
        had_technician = order.technician_id is not None
        try:
            if technician is None:
                raise DomainError("not_a_technician", _("Choose a technician."), field="technician_id")
            order = assign_technician(
                order,
                by=request.user,
                technician=technician,
                reason=data["reason"],
                expected_version=expected,
                override=bool(data.get("override")),
            )
        except DomainError as exc:
            order = get_order(user=request.user, order_id=order_id)
            text = _conflict_message(order, exc) if isinstance(exc, ConflictError) else exc.detail
            message = {"message": text, "message_level": "warning" if isinstance(exc, ConflictError) else "danger"}
            status = exc.status
        else:
            # "改派给 X" when the order had a technician before, "已派给 X" when it had none.
            text = _("Reassigned to %(technician)s.") if had_technician else _("Assigned to %(technician)s.")
            message = {"message": text % {"technician": order.technician}, "message_level": "success"}
    return _row_answer(request, order, message, status)


def _row_answer(request: HttpRequest, order: ServiceOrder, message: dict[str, str], status: int) -> HttpResponse:
    """A row action's answer: its redrawn row for htmx (the result in the row), else the board again."""
    if not request.headers.get("HX-Request"):
        level = messages.SUCCESS if message.get("message_level") == "success" else messages.WARNING
        text = message.get("message") or message.get("technician_error") or message.get("override_error", "")
        messages.add_message(request, level, f"{order.number}: {text}")
        return redirect("service:dispatch")
    order = _board_orders(request.user).filter(pk=order.pk).first() or get_order(user=request.user, order_id=order.pk)
    technicians = list(technicians_with_load(user=request.user))
    refusals = dispatch_refusals(orders=[order], technicians=technicians, at=timezone.now())
    row = _row(
        order,
        _technicians_by_centre(technicians),
        refusals,
        may_override=can_override_dispatch_checks(request.user, order),
        **message,
    )
    # The form posted may be gone from the redrawn row (nobody left to offer): the refusal is the row's.
    if (row.technician_error and not row.choices) or (row.override_error and not row.overridable):
        row.message, row.message_level = row.technician_error or row.override_error, "danger"
        row.technician_error = row.override_error = ""
    # htmx swaps only 2xx answers by default; the row itself carries the refusal, so it answers 200.
    response = render(request, "service/_dispatch_row.html", {"row": row})
    response["X-Dispatch-Result"] = str(status)
    response["HX-Trigger"] = "dispatch-changed"  # the technicians' panel reloads its loads
    return response


@login_required
@require_POST
def dispatch_take_back(request: HttpRequest, order_id: int) -> HttpResponse:
    """End the open visit of a flagged job on site (its technician deactivated or moved) and take the job
    back to waiting (``take_back_job``); the redrawn row then offers to reassign it."""
    _require_dispatcher(request.user)
    order = get_order(user=request.user, order_id=order_id)
    try:
        take_back_job(order, by=request.user)
    except DomainError as exc:
        message = {"message": exc.detail, "message_level": "danger"}
        status = exc.status
    else:
        message = {
            "message": _("Visit ended without a signature; the job waits. Reassign it."),
            "message_level": "success",
        }
        status = 200
    return _row_answer(request, order, message, status)


@login_required
@require_GET
def dispatch_technicians(request: HttpRequest) -> HttpResponse:
    """The technicians' panel alone, reloaded after each assignment."""
    _require_dispatcher(request.user)
    panel = _technician_panel(list(technicians_with_load(user=request.user)))
    return render(request, "service/_dispatch_technicians.html", {"panel": panel})


urlpatterns = [
    path("dispatch/", dispatch_board, name="dispatch"),
    path("dispatch/technicians/", dispatch_technicians, name="dispatch_technicians"),
    path("dispatch/orders/<int:order_id>/assign/", dispatch_assign, name="dispatch_assign"),
    path("dispatch/orders/<int:order_id>/take-back/", dispatch_take_back, name="dispatch_take_back"),
]
