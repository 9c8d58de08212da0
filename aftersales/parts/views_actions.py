"""Console screens of spare parts, part three: the forms that start things — open a supplier claim,
lend a turnover spare, reserve parts for an order (and release them), hand a tool to someone or take
it back, record a calibration. Each calls the same service as the API; a refusal is shown beside its
field with 400 and nothing written."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.parts import views_work
from aftersales.parts.choices import ReservationStatus
from aftersales.parts.forms import ClaimForm, LoanForm, ReserveForm, RowRefusal, add_service_error, refusal_for_rows
from aftersales.parts.models import Reservation
from aftersales.parts.permissions import (
    manageable_locations,
    may_reserve,
    reservable_locations,
    tools_visible_to,
)
from aftersales.parts.services import claims, loans, reservations, tools
from aftersales.parts.services.orders import order_is_open
from aftersales.parts.views import _int, _require_reader, row_refusal
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to

# A tool row's two forms, each with its one input.
TOOL_FIELDS = {"hand": "holder_id", "calibrate": "calibration_due"}


def _order_by_number(request: HttpRequest, form: Any, number: str) -> ServiceOrder | None:
    """The order typed on a form, in the user's scope; out of scope reads as unknown (no leak)."""
    number = number.strip().upper()
    if not number:
        return None
    order = orders_visible_to(request.user).filter(number=number).first()
    if order is None:
        form.add_error("order", _("No order has the number %(number)s.") % {"number": number[:30]})
    return order


def _fail(form: Any, exc: DomainError) -> None:
    if exc.status == 403:
        raise PermissionDenied from exc
    add_service_error(form, exc)


# ---- supplier claims ------------------------------------------------------------------------------
@login_required
@require_POST
def claim_open(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = ClaimForm(request.POST, request.FILES, locations=manageable_locations(request.user))
    order = None
    if form.is_valid():
        order = _order_by_number(request, form, form.cleaned_data["order"])
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                claim = claims.open_claim(
                    by=request.user,
                    part=data["part"],
                    fitted_on=data["fitted_on"],
                    failure=data["failure"],
                    serial=data["serial"],
                    order=order,
                    location=data["location"],
                    amount_claimed=data["amount_claimed"],
                )
                if data["photo"]:
                    claims.add_claim_photo(by=request.user, claim=claim, file=data["photo"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Claim %(number)s opened.") % {"number": claim.number})
            return redirect("parts:claims")
    return views_work.claim_page(request, form=form, status=400)


# ---- turnover loans -------------------------------------------------------------------------------
@login_required
@require_POST
def loan_lend(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = LoanForm(request.POST, locations=manageable_locations(request.user))
    order = None
    if form.is_valid():
        order = _order_by_number(request, form, form.cleaned_data["order"])
    if form.is_valid() and order is not None:
        data = form.cleaned_data
        try:
            loan = loans.lend_spare(
                by=request.user,
                part=data["part"],
                serial=data["serial"],
                location=data["location"],
                order=order,
                due_back=data["due_back"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Spare %(number)s lent.") % {"number": loan.number})
            return redirect("parts:loans")
    return views_work.loan_page(request, form=form, status=400)


# ---- reservations ---------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def order_reservations(request: HttpRequest, order_id: int) -> HttpResponse:
    """An order's reservations (held, awaited, issued, released) and the form to reserve more."""
    _require_reader(request)
    order = get_object_or_404(orders_visible_to(request.user), pk=order_id)
    can_reserve = may_reserve(request.user) and order_is_open(order)
    form = ReserveForm(request.POST or None, locations=reservable_locations(request.user))
    status = 200
    if request.method == "POST":
        if not can_reserve:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = reservations.reserve_parts(
                    by=request.user,
                    order=order,
                    part=data["part"],
                    location=data["location"],
                    quantity=data["quantity"],
                    wait=data["wait"],
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                text = (
                    _("%(part)s is held for the order.")
                    if made.status == ReservationStatus.HELD
                    else _("Too few %(part)s are available: the order waits for it.")
                )
                messages.success(request, text % {"part": made.part.number})
                return redirect("parts:order_reservations", order_id=order.pk)
        status = 400
    return reservations_page(request, order, form=form, can_reserve=can_reserve, status=status)


def reservations_page(
    request: HttpRequest,
    order: ServiceOrder,
    *,
    form: ReserveForm,
    can_reserve: bool,
    refusal: RowRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    """The order's reservations and the form to reserve; a refused release beside its reservation."""
    rows = list(
        Reservation.objects.filter(order=order).select_related("part", "location", "created_by").order_by("-id")[:100]
    )
    context = {
        "order": order,
        "rows": rows,
        "form": form,
        "can_reserve": can_reserve,
        "refusal_elsewhere": refusal_for_rows(rows, refusal),
    }
    return render(request, "parts/order_reservations.html", context, status=status)


@login_required
@require_POST
def reservation_release(request: HttpRequest, reservation_id: int) -> HttpResponse:
    _require_reader(request)
    orders = orders_visible_to(request.user).values("pk")
    reservation = get_object_or_404(
        Reservation.objects.filter(order__in=orders).select_related("order"), pk=reservation_id
    )
    try:
        reservations.release_reservation(
            by=request.user, reservation=reservation, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        order = reservation.order
        can_reserve = may_reserve(request.user) and order_is_open(order)
        form = ReserveForm(locations=reservable_locations(request.user))
        refusal = row_refusal(exc, row=reservation.pk, action="release")
        return reservations_page(request, order, form=form, can_reserve=can_reserve, refusal=refusal, status=400)
    messages.success(request, _("Reservation released."))
    return redirect("parts:order_reservations", order_id=reservation.order_id)


# ---- tools ----------------------------------------------------------------------------------------
@login_required
@require_POST
def tool_action(request: HttpRequest, tool_id: int, action: str) -> HttpResponse:
    """``hand``: to a named person of the tool's centre (empty: taken back); ``calibrate``: next due date."""
    _require_reader(request)
    tool = get_object_or_404(tools_visible_to(request.user), pk=tool_id)
    if action not in TOOL_FIELDS:
        raise Http404
    name = TOOL_FIELDS[action]
    typed = {name: request.POST.get(name, "")[:20]}
    try:
        if action == "hand":
            holder = None
            if raw := typed[name]:
                holder = User.objects.filter(pk=_int(raw), is_active=True, system_kind="").first()
                if holder is None:
                    raise Http404
            tools.hand_tool(by=request.user, tool=tool, holder=holder)
            messages.success(request, _("%(tool)s: holder saved.") % {"tool": tool.code})
        else:
            try:
                due = datetime.date.fromisoformat(typed[name])
            except ValueError:
                detail = _("Enter the next calibration date.")
                refusal = RowRefusal(row=tool.pk, detail=detail, action=action, field=name, typed=typed)
                return views_work.tool_page(request, refusal=refusal, status=400)
            tools.record_calibration(by=request.user, tool=tool, next_due=due)
            messages.success(request, _("%(tool)s: calibration recorded.") % {"tool": tool.code})
    except DomainError as exc:
        refusal = row_refusal(exc, row=tool.pk, action=action, typed=typed, fields=(name,))
        return views_work.tool_page(request, refusal=refusal, status=400)
    return redirect("parts:tools")


urlpatterns = [
    path("claims/open/", claim_open, name="claim_open"),
    path("loans/lend/", loan_lend, name="loan_lend"),
    path("orders/<int:order_id>/reservations/", order_reservations, name="order_reservations"),
    path("reservations/<int:reservation_id>/release/", reservation_release, name="reservation_release"),
    path("tools/<int:tool_id>/<slug:action>/", tool_action, name="tool_action"),
]
